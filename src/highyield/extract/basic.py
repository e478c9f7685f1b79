"""Front/back cards written explicitly: ``Front::Back``, ``Front:::Back`` and multi-line
cards (question lines, a line with only ``?``, answer lines)."""

from __future__ import annotations

import re

from highyield.extract.clozes import unwrap
from highyield.extract.statements import PAIR, trim
from highyield.model import Block, CardKind, Inline, Inlines, Text, plain_text

# "::" (or ":::") that is not the tail of a cloze opener left unclosed ("{{c1::").
_SEPARATOR = re.compile(PAIR.pattern + ":?")


def split_pair(inlines: Inlines) -> tuple[CardKind, Inlines, Inlines] | None:
    """Split ``Front::Back`` (basic) or ``Front:::Back`` (reversed) at the first separator
    written outside any markup. Both sides must have text."""
    for i, node in enumerate(inlines):
        m = _SEPARATOR.search(node.text) if isinstance(node, Text) else None
        if m is None or not isinstance(node, Text):
            continue
        at, width = m.start(), len(m.group())
        reversed_ = width == 3
        front = trim((*inlines[:i], Text(node.text[:at])))
        back = trim((Text(node.text[at + width:]), *inlines[i + 1:]))
        if not _text(front) or not _text(back):
            return None
        kind = CardKind.REVERSED if reversed_ else CardKind.BASIC
        return kind, unwrap(front), unwrap(back)
    return None


def multiline(block: Block) -> tuple[CardKind, Inlines, Inlines]:
    kind = CardKind.REVERSED if block.reversed else CardKind.BASIC
    return kind, unwrap(trim(block.inlines)), unwrap(trim(block.answer))


def _text(nodes: tuple[Inline, ...]) -> bool:
    return bool(plain_text(nodes))
