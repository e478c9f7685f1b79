"""Front/back cards written explicitly: ``Front::Back``, ``Front:::Back`` and multi-line
cards (question lines, a line with only ``?``, answer lines)."""

from __future__ import annotations

from dataclasses import dataclass

from highyield.config.srplugin import DEFAULT_SYNTAX, CardSyntax
from highyield.extract.clozes import unwrap
from highyield.extract.statements import find_pair, trim
from highyield.model import Block, CardKind, Inlines, Text, plain_text


@dataclass(frozen=True)
class Pair:
    kind: CardKind
    front: Inlines
    back: Inlines

    @property
    def complete(self) -> bool:
        return bool(plain_text(self.front)) and bool(plain_text(self.back))


def split_pair(inlines: Inlines, syntax: CardSyntax = DEFAULT_SYNTAX) -> Pair | None:
    """Split ``Front::Back`` (basic) or ``Front:::Back`` (reversed) at the first separator
    written outside any markup. A side may be empty: the caller warns about it."""
    for i, node in enumerate(inlines):
        m = find_pair(node.text, syntax) if isinstance(node, Text) else None
        if m is None or not isinstance(node, Text):
            continue
        front = trim((*inlines[:i], Text(node.text[:m.start()])))
        back = trim((Text(node.text[m.end():]), *inlines[i + 1:]))
        reversed_ = m.group() == syntax.inline_reversed
        kind = CardKind.REVERSED if reversed_ else CardKind.BASIC
        return Pair(kind, unwrap(front), unwrap(back))
    return None


def multiline(block: Block) -> Pair:
    kind = CardKind.REVERSED if block.reversed else CardKind.BASIC
    return Pair(kind, unwrap(trim(block.inlines)), unwrap(trim(block.answer)))
