"""The statements auto-cloze reads: sentences and list items with their citation markers
cut, and lists of short items read as one statement ("Etiology: a; b; c")."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from highyield.extract.auto import noise
from highyield.extract.auto.spans import Span
from highyield.extract.statements import Statement, trim
from highyield.model import PLAIN, BlockKind, Cloze, Inline, Inlines, Note, Text, flatten

MAX_ITEM_WORDS = 8  # a list whose items are all this short reads as one statement
ITEM_STRENGTH = 0.9
CITED_SHARE = 0.2  # a note cites when this share of its statements ends in numbers


@dataclass(frozen=True)
class Unit:
    statement: Statement
    offered: tuple[Span, ...] = ()  # spans known to be answers: a list's items

    item: bool = False  # a list item of its own

    @property
    def text(self) -> str:
        return flatten(self.statement.inlines, PLAIN)


def cites(note: Note) -> bool:
    """Does the note end its statements in citation numbers ("… apoptosis 2, 1")? Only
    then are trailing numbers taken for citations."""
    ends = [flatten(b.inlines, PLAIN) for b in note.blocks
            if b.kind in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH)]
    cited = sum(1 for t in ends if noise.trailing_citation(t) is not None)
    return cited >= 2 and cited >= CITED_SHARE * len(ends)


def clean(found: list[Statement], trailing: bool) -> list[Statement]:
    """Statements without citation markers, or the emoji a page opens a line with."""
    return [replace(s, inlines=_undecorated(strip_citations(s.inlines, trailing)))
            for s in found]


def _undecorated(inlines: Inlines) -> Inlines:
    """"✅ Metoprolol …", "👉 Key point: …": a symbol before the first word is decoration."""
    if not inlines or not isinstance(inlines[0], Text):
        return inlines
    text = inlines[0].text
    start = 0
    while start < len(text) and (text[start].isspace() or _decoration(text[start])):
        start += 1
    if start == 0 or start == len(text):
        return inlines
    return (Text(text[start:]), *inlines[1:])


def _decoration(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk", "Mn", "Cf") and char not in "°"


def strip_citations(inlines: Inlines, trailing: bool) -> Inlines:
    nodes: list[Inline] = [Text(noise.strip_bracketed(n.text)) if isinstance(n, Text) else n
                           for n in inlines]
    if trailing and nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(noise.strip_trailing(nodes[-1].text))
    return trim(tuple(n for n in nodes if not isinstance(n, Text) or n.text))


def units(note: Note, found: list[Statement], skip: set[tuple[int, int]]) -> list[Unit]:
    """Every statement that has no card of its own yet (``skip`` holds the (block,
    position) of those that do), with short-item lists folded into their lead-in."""
    by_block: dict[int, Statement] = {s.block: s for s in found
                                      if note.blocks[s.block].kind is BlockKind.LIST_ITEM}
    children: dict[int, list[int]] = {}
    for i, block in enumerate(note.blocks):
        if block.parent is not None and i in by_block:
            children.setdefault(block.parent, []).append(i)
    folded: dict[int, Unit] = {}
    for lead, kids in children.items():
        unit = _list_unit(by_block.get(lead), [by_block[k] for k in kids])
        if unit is not None and not skip.intersection((k, 0) for k in (lead, *kids)):
            folded[lead] = unit
    inside = {k for lead in folded for k in children[lead]}
    result = []
    for s in found:
        if s.block in folded and s.position == 0:
            result.append(folded[s.block])
        elif s.block not in inside and (s.block, s.position) not in skip \
                and s.block not in folded:
            result.append(Unit(s, item=note.blocks[s.block].kind is BlockKind.LIST_ITEM))
    return result


def _list_unit(lead: Statement | None, kids: list[Statement]) -> Unit | None:
    if lead is None or not flatten(lead.inlines, PLAIN).rstrip().endswith(":"):
        return None
    if any(len(flatten(k.inlines, PLAIN).split()) > MAX_ITEM_WORDS for k in kids):
        return None
    nodes: list[Inline] = list(lead.inlines)
    offered: list[Span] = []
    at = len(flatten(lead.inlines, PLAIN))
    for n, kid in enumerate(kids):
        nodes.append(Text(" " if n == 0 else "; "))
        start = at + (1 if n == 0 else 2)
        nodes.extend(kid.inlines)
        at = start + len(flatten(kid.inlines, PLAIN))
        offered.append(Span(start, at, "item", ITEM_STRENGTH))
    return Unit(replace(lead, inlines=tuple(nodes)), tuple(offered))


def hide(inlines: Inlines, start: int, end: int) -> Inlines:
    """The statement with characters ``start:end`` of its plain text made a cloze. Markup
    the span cuts into is hidden whole."""
    before: list[Inline] = []
    inside: list[Inline] = []
    after: list[Inline] = []
    at = 0
    for node in inlines:
        text = flatten((node,), PLAIN)
        a, b = at, at + len(text)
        at = b
        if b <= start and not (a == b == start):
            before.append(node)
        elif a >= end:
            after.append(node)
        elif isinstance(node, Text):
            _split_text(node.text, a, start, end, before, inside, after)
        else:
            inside.append(node)
    return (*_kept(before), Cloze(1, tuple(_kept(inside))), *_kept(after))


def _split_text(text: str, a: int, start: int, end: int, before: list[Inline],
                inside: list[Inline], after: list[Inline]) -> None:
    lo, hi = max(start - a, 0), min(end - a, len(text))
    before.append(Text(text[:lo]))
    inside.append(Text(text[lo:hi]))
    after.append(Text(text[hi:]))


def _kept(nodes: Iterable[Inline]) -> list[Inline]:
    return [n for n in nodes if not isinstance(n, Text) or n.text]
