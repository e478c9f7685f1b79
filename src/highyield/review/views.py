"""What the terminal quiz shows of a card, by ordinal: the front with its blank, the back
with the answer marked, and what goes around them. Stored as JSON with each card."""

from __future__ import annotations

from dataclasses import replace

from highyield.model import (
    CONTEXT_SEPARATOR,
    PREVIEW,
    Card,
    CardKind,
    Cloze,
    Inlines,
    cloze_numbers,
    collapse_spaces,
    flatten,
    preview_text,
)

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # around the blank and the answer; the quiz colours them


def _side(nodes: Inlines, number: int, front: bool) -> str:
    def cloze(node: Cloze, inner: str) -> str:
        if node.number != number:
            return inner
        shown = f"[{node.hint or '...'}]" if front else inner
        return f"{MARK_OPEN}{shown}{MARK_CLOSE}"
    return collapse_spaces(flatten(nodes, replace(PREVIEW, cloze=cloze)))


def quiz_views(card: Card) -> list[tuple[int, dict[str, object]]]:
    """What the quiz shows for each of the card's Anki cards, by ordinal: the cloze number,
    or 0 (front → back) and 1 (back → front, reversed cards only)."""
    d = card.draft
    common: dict[str, object] = {
        "context": CONTEXT_SEPARATOR.join(d.context), "cue": [preview_text(c) for c in d.cue],
        "extra": [preview_text(e) for e in d.extra],
        "images": [e.target.rsplit("/", 1)[-1] for e in d.images]}
    if d.kind is CardKind.CLOZE:
        return [(n, {**common, "front": _side(d.front, n, True),
                     "back": _side(d.front, n, False)}) for n in sorted(cloze_numbers(d.front))]
    sides = [(0, preview_text(d.front), preview_text(d.back))]
    if d.kind is CardKind.REVERSED:
        sides.append((1, preview_text(d.back), preview_text(d.front)))
    return [(ord_, {**common, "front": front, "back": f"{MARK_OPEN}{back}{MARK_CLOSE}"})
            for ord_, front, back in sides]
