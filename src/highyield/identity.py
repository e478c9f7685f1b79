"""Stable card keys. A key comes from the card's identifying content only: never from the
build time, a random number or the order of files. It is the Anki guid.

Two cards with the same text but different context (the same bare fact in two notes) are
told apart by their context. Two identical cards are one card.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict

from highyield.model import Card, Draft, Inlines, TextStyle, flatten

KEY_LENGTH = 16


CANONICAL = TextStyle(
    cloze=lambda node, inner: f"{{{{c{node.number}::{inner}}}}}",
    code=lambda node: f"`{node.text}`",
    math=lambda node: f"${node.source}$",
    embed=lambda node: f"[{node.target.rsplit('/', 1)[-1]}]",
)


def canonical(inlines: Inlines) -> str:
    """The identifying text of a card side: words and deletions, not formatting."""
    return normalize(flatten(inlines, CANONICAL))


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:KEY_LENGTH]


def content_of(draft: Draft) -> str:
    return "\x1f".join((draft.kind.value, canonical(draft.front), canonical(draft.back)))


def assign_keys(drafts: list[Draft]) -> tuple[list[Card], int]:
    """Give every draft its key. Returns the cards, in source order, and how many exact
    duplicates were merged away."""
    groups: dict[str, list[Draft]] = defaultdict(list)
    for draft in drafts:
        groups[content_of(draft)].append(draft)
    cards: list[Card] = []
    merged = 0
    for content, members in groups.items():
        contexts = {normalize(" › ".join(d.context)) for d in members}
        seen: set[str] = set()
        for draft in sorted(members, key=lambda d: (d.ref.path, d.ref.line)):
            where = normalize(" › ".join(draft.context))
            if where in seen:
                merged += 1
                continue
            seen.add(where)
            key = _digest(content) if len(contexts) == 1 else _digest(content, where)
            cards.append(Card(key, draft))
    cards.sort(key=lambda c: (c.draft.ref.path, c.draft.ref.line))
    return cards, merged
