"""Front/back cards written explicitly: ``Front::Back``, ``Front:::Back`` and multi-line
cards (question lines, a line with only ``?``, answer lines)."""

from __future__ import annotations

from highyield.extract.clozes import unwrap
from highyield.extract.statements import trim
from highyield.model import Block, CardKind, Inline, Inlines, Text, plain_text


def split_pair(inlines: Inlines) -> tuple[CardKind, Inlines, Inlines] | None:
    """Split ``Front::Back`` (basic) or ``Front:::Back`` (reversed) at the first separator
    written outside any markup. Both sides must have text."""
    for i, node in enumerate(inlines):
        if not isinstance(node, Text) or "::" not in node.text:
            continue
        at = node.text.index("::")
        reversed_ = node.text.startswith(":::", at)
        width = 3 if reversed_ else 2
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
