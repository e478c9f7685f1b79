"""What a card shows around its statement: the breadcrumb, cue items, extra items, images."""

from __future__ import annotations

from highyield.extract.clozes import plain_unwrap
from highyield.extract.statements import Statement, sentences, trim
from highyield.model import Block, BlockKind, Embed, Inlines, Note, plain_text

PRONOUNS = frozenset({"it", "its", "they", "their", "them", "this", "these", "those",
                      "he", "she", "his", "her", "such"})


def breadcrumb(note: Note, block: Block) -> tuple[str, ...]:
    """Note title, heading path, then the parent list items, outermost first. A heading
    that repeats the title (the usual first H1) is shown once."""
    crumbs: list[str] = []
    for crumb in (note.title, *block.section, *parent_texts(note, block)):
        if not crumbs or crumb.casefold() != crumbs[-1].casefold():
            crumbs.append(crumb)
    return tuple(crumbs)


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


def refers_back(statement: Statement) -> bool:
    """A sentence that opens with a pronoun ("They are ineffective…") needs the one
    before it to be understood."""
    words = plain_text(statement.inlines).split(maxsplit=1)
    return statement.position > 0 and bool(words) and words[0].casefold() in PRONOUNS


def previous(note: Note, statement: Statement) -> tuple[Inlines, ...]:
    block = note.blocks[statement.block]
    parts = [s for _, s in sentences(block.inlines, block.line)]
    if 0 < statement.position <= len(parts):
        return (trim(plain_unwrap(parts[statement.position - 1])),)
    return ()


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
