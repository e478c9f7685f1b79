"""No card with an empty side: a card whose front or back would show nothing in Anki (no
visible text and no image that is shown) is left out, with an error at its ``path:line``.
Run on a note's drafts once their images are resolved, by both paths to keys
(``identity.collect`` and the build's ``deck.reader``), so both give the same cards."""

from __future__ import annotations

import re
from collections.abc import Callable

from highyield.errors import Diagnostic, error
from highyield.model import CONTAINERS, CardKind, Draft, Embed, Inlines, plain_text
from highyield.vault.media import MediaSet

_VISIBLE = re.compile(r"[^\s\u200b-\u200f\u2060\ufeff]")  # not space, not zero-width

HINTS = {
    "front": "write the question (or the words around a highlight) as text; an image alone "
             "shows only when it is in the vault or at an http(s) address",
    "back": "write the answer after the `?` line as text; an image alone shows only when "
            "it is in the vault or at an http(s) address",
}


def with_sides(drafts: list[Draft], display: str, media: MediaSet
               ) -> tuple[list[Draft], list[Diagnostic]]:
    """The drafts that show something on each side, and an error for each left out."""
    kept: list[Draft] = []
    problems: list[Diagnostic] = []
    for draft in drafts:
        side = empty_side(draft, _shown_in(media, draft.ref.path))
        if side is None:
            kept.append(draft)
        else:
            problems.append(error(display, draft.ref.line,
                                  f"card has an empty {side}; it is left out", HINTS[side]))
    return kept, problems


def _shown_in(media: MediaSet, rel: str) -> Callable[[Embed], bool]:
    return lambda embed: media.name(rel, embed) is not None


def empty_side(draft: Draft, shown: Callable[[Embed], bool]) -> str | None:
    """"front" or "back" when that side would show nothing, else None. A cloze's text
    (its deletions included) is both its sides."""
    if not _shows(draft.front, shown):
        return "front"
    if draft.kind is CardKind.CLOZE:
        return None
    if _shows(draft.back, shown) or any(shown(e) for e in draft.images):
        return None
    return "back"


def _shows(nodes: Inlines, shown: Callable[[Embed], bool]) -> bool:
    if _VISIBLE.search(plain_text(nodes)):
        return True
    stack = [nodes]
    while stack:
        for node in stack.pop():
            if isinstance(node, Embed) and shown(node):
                return True
            if isinstance(node, CONTAINERS):
                stack.append(node.children)
    return False
