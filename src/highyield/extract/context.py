"""What a card shows around its statement: the breadcrumb, cue items, extra items, images."""

from __future__ import annotations

from highyield.extract.clozes import plain_unwrap
from highyield.extract.statements import Statement, sentences, trim
from highyield.model import Block, BlockKind, Embed, Inlines, Note, plain_text


def breadcrumb(note: Note, block: Block) -> tuple[str, ...]:
    """Note title, heading path, then the parent list items, outermost first."""
    return (note.title, *block.section, *parent_texts(note, block))


def parent_texts(note: Note, block: Block) -> list[str]:
    chain: list[str] = []
    parent = block.parent
    while parent is not None:
        text = plain_text(note.blocks[parent].inlines)
        if text:
            chain.append(text)
        parent = note.blocks[parent].parent
    return chain[::-1]


def children(note: Note, index: int) -> tuple[Inlines, ...]:
    """The items directly under a list item, as plain context."""
    return tuple(
        trim(plain_unwrap(note.blocks[i].inlines)) for i in note.children(index)
        if note.blocks[i].kind in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH))


def neighbour(note: Note, statement: Statement) -> Inlines | None:
    """The statement just before (or else just after) this one, for a cue of last resort."""
    block = note.blocks[statement.block]
    if block.kind is BlockKind.PARAGRAPH:
        parts = [s for _, s in sentences(block.inlines, block.line)]
        candidates = [statement.position - 1, statement.position + 1]
        for i in candidates:
            if 0 <= i < len(parts):
                return trim(plain_unwrap(parts[i]))
        return None
    if block.kind is BlockKind.LIST_ITEM:
        siblings = [i for i, b in enumerate(note.blocks)
                    if b.kind is BlockKind.LIST_ITEM and b.parent == block.parent
                    and b.section == block.section]
        at = siblings.index(statement.block)
        for i in (at - 1, at + 1):
            if 0 <= i < len(siblings):
                return trim(plain_unwrap(note.blocks[siblings[i]].inlines))
    return None


def images_for(section: tuple[str, ...], figures: dict[tuple[str, ...], list[Embed]],
               exclude: Inlines = ()) -> tuple[Embed, ...]:
    """A figure standing alone in a section illustrates that section and its subsections.
    Images the statement already shows are not repeated."""
    shown = {_base(n.target) for n in exclude if isinstance(n, Embed)}
    found: list[Embed] = []
    for where, embeds in figures.items():
        if section[:len(where)] == where:
            found.extend(e for e in embeds if _base(e.target) not in shown)
    return tuple(found)


def _base(target: str) -> str:
    return target.replace("\\", "/").rsplit("/", 1)[-1].lower()
