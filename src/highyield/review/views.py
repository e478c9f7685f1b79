"""What the terminal quiz shows of a card, by ordinal: the front with its blank, the back
with the answer marked, and what goes around them. Stored as JSON with each card.

The text is the cards' preview text, but math is shown as plain text (``mathtext``) and
an image the notes embed but the vault lacks is said to be missing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from highyield.model import (
    CONTEXT_SEPARATOR,
    PREVIEW,
    Card,
    CardKind,
    Cloze,
    Embed,
    Inlines,
    Math,
    TextStyle,
    cloze_numbers,
    collapse_spaces,
    flatten,
)

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # around the blank and the answer; the quiz colours them
Found = Callable[[str, Embed], bool]  # (note, image embed) → is the image in the vault?


def _name(embed: Embed) -> str:
    return embed.target.rsplit("/", 1)[-1]


def _math(node: Math) -> str:
    from highyield.review.mathtext import math_text  # only notes with math need it

    return math_text(node.source)


def _style(note: str, found: Found) -> TextStyle:
    def embed(node: Embed) -> str:
        return f"[image: {_name(node)}]" if found(note, node) else \
            f"[image missing: {_name(node)}]"
    return replace(PREVIEW, math=_math, embed=embed)


def _side(nodes: Inlines, number: int, front: bool, style: TextStyle) -> str:
    def cloze(node: Cloze, inner: str) -> str:
        if node.number != number:
            return inner
        shown = f"[{node.hint or '...'}]" if front else inner
        return f"{MARK_OPEN}{shown}{MARK_CLOSE}"
    return collapse_spaces(flatten(nodes, replace(style, cloze=cloze)))


def quiz_views(card: Card, found: Found) -> list[tuple[int, dict[str, object]]]:
    """What the quiz shows for each of the card's Anki cards, by ordinal: the cloze number,
    or 0 (front → back) and 1 (back → front, reversed cards only). ``found`` says whether
    an embedded image is in the vault."""
    d = card.draft
    style = _style(d.ref.path, found)

    def text(nodes: Inlines) -> str:
        return collapse_spaces(flatten(nodes, style))
    common: dict[str, object] = {
        "context": CONTEXT_SEPARATOR.join(d.context), "cue": [text(c) for c in d.cue],
        "extra": [text(e) for e in d.extra],
        "images": [_name(e) for e in d.images if found(d.ref.path, e)]}
    missing = [_name(e) for e in d.images if not found(d.ref.path, e)]
    if missing:  # most cards have none: the store keeps no empty list for each
        common["missing"] = missing
    if d.kind is CardKind.CLOZE:
        return [(n, {**common, "front": _side(d.front, n, True, style),
                     "back": _side(d.front, n, False, style)})
                for n in sorted(cloze_numbers(d.front))]
    sides = [(0, text(d.front), text(d.back))]
    if d.kind is CardKind.REVERSED:
        sides.append((1, text(d.back), text(d.front)))
    return [(ord_, {**common, "front": front, "back": f"{MARK_OPEN}{back}{MARK_CLOSE}"})
            for ord_, front, back in sides]
