"""What a card shows around its statement: the breadcrumb, cue items, extra items, images."""

from __future__ import annotations

from collections import defaultdict

from highyield.extract.clozes import plain_unwrap
from highyield.extract.lists import Lists
from highyield.extract.statements import Statement, trim
from highyield.model import Block, BlockKind, Embed, Inlines, Note, Text, plain_text, preview_text

_CONTEXT_KINDS = (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH)
MAX_SIBLINGS = 9  # items of a list shown on the card of one of them
BLANK: Inlines = (Text("[...]"),)  # the card's own item, among its siblings
PRONOUNS = frozenset({"it", "its", "they", "their", "them", "this", "these", "those",
                      "he", "she", "his", "her", "such"})


def breadcrumb(note: Note, block: Block) -> tuple[str, ...]:
    """Note title, heading path, then the parent list items, outermost first. A heading
    that repeats the title (the usual first H1) is shown once."""
    return _crumbs(note.title, block.section, parent_texts(note, block))


def _crumbs(title: str, section: tuple[str, ...], chain: list[str]) -> tuple[str, ...]:
    crumbs: list[str] = []
    for crumb in (title, *section, *chain):
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


class Outline:
    """The shape of a note, worked out once per note: each item's children, each item's
    siblings, and each paragraph's sentences. Looking these up per card by scanning the
    note would make a long note quadratic."""

    def __init__(self, note: Note, found: list[Statement]) -> None:
        self.note = note
        self.lists = Lists(note)
        self._children: dict[int, list[int]] = defaultdict(list)
        self._siblings: dict[tuple[int | None, tuple[str, ...]], list[int]] = defaultdict(list)
        self._place: dict[int, int] = {}  # an item's position among its siblings
        for i, block in enumerate(note.blocks):
            if block.parent is not None and block.kind in _CONTEXT_KINDS:
                self._children[block.parent].append(i)
            if block.kind is BlockKind.LIST_ITEM:
                siblings = self._siblings[block.parent, block.section]
                self._place[i] = len(siblings)
                siblings.append(i)
        self._sentences: dict[int, list[Inlines]] = defaultdict(list)
        for s in found:
            if note.blocks[s.block].kind is BlockKind.PARAGRAPH:
                self._sentences[s.block].append(s.inlines)

    def children(self, index: int) -> tuple[Inlines, ...]:
        """The items directly under a list item, as plain context."""
        return tuple(trim(plain_unwrap(self.note.blocks[i].inlines))
                     for i in self._children.get(index, ()))

    def breadcrumb(self, index: int) -> tuple[str, ...]:
        """As ``breadcrumb``, with a list's lead-in in the place of a parent item."""
        chain: list[str] = []
        at = self.lists.up(index)
        while at is not None:
            text = self.lists.words(at)
            if text:
                chain.append(text)
            at = self.lists.up(at)
        return _crumbs(self.note.title, self.note.blocks[index].section, chain[::-1])

    def items(self, statement: Statement) -> tuple[Inlines, ...]:
        """What a statement's card shows as its list: a list item's children, or the
        list a lead-in owns (a lead-in paragraph's last sentence owns it)."""
        index = statement.block
        block = self.note.blocks[index]
        owned = self.lists.owned.get(index)
        if owned and (block.kind is BlockKind.LIST_ITEM or plain_text(statement.inlines)
                      == plain_text(self.lists.lead_words.get(index, ()))):
            return tuple(self._plain(i) for i in owned)
        return self.children(index) if block.kind is BlockKind.LIST_ITEM else ()

    def belongs(self, index: int) -> bool:
        """Is the block under a parent item or a lead-in, which its breadcrumb shows?"""
        return self.lists.up(index) is not None

    def led(self, index: int) -> bool:
        """Is the item in a list that a lead-in owns?"""
        return index in self.lists.lead

    def list_of(self, index: int) -> int:
        """Which list an item is in (its list's first item)."""
        return self.lists.members[index][0]

    def siblings(self, index: int) -> tuple[Inlines, ...]:
        """The items of a list item's list, nearest first in the list's order, with the
        item itself as a blank: at most ``MAX_SIBLINGS`` of them, so a list of a thousand
        highlighted items stays linear."""
        members, at = self.lists.members[index], self.lists.place[index]
        if len(members) < 2:
            return ()
        start = max(0, min(at - MAX_SIBLINGS // 2, len(members) - MAX_SIBLINGS))
        shown = (BLANK if i == index else self._plain(i)
                 for i in members[start:start + MAX_SIBLINGS])
        return tuple(item for item in shown if preview_text(item).strip())  # not "<svg>"

    def _plain(self, index: int) -> Inlines:
        return trim(plain_unwrap(self.note.blocks[index].inlines))

    def neighbour(self, statement: Statement) -> Inlines | None:
        """The statement just before (or else just after) this one, a cue of last resort."""
        block = self.note.blocks[statement.block]
        if block.kind is BlockKind.PARAGRAPH:
            sentences, at = self._sentences[statement.block], statement.position
            found = [sentences[i] for i in (at - 1, at + 1) if 0 <= i < len(sentences)]
        elif block.kind is BlockKind.LIST_ITEM:
            items, at = self._siblings[block.parent, block.section], self._place[statement.block]
            found = [self.note.blocks[items[i]].inlines for i in (at - 1, at + 1)
                     if 0 <= i < len(items)]
        else:
            return None
        return trim(plain_unwrap(found[0])) if found else None

    def previous(self, statement: Statement) -> tuple[Inlines, ...]:
        """The sentence before this one in its paragraph."""
        parts = self._sentences.get(statement.block, [])
        if 0 < statement.position <= len(parts):
            return (trim(plain_unwrap(parts[statement.position - 1])),)
        return ()


def refers_back(statement: Statement) -> bool:
    """A sentence that opens with a pronoun ("They are ineffective…") needs the one
    before it to be understood."""
    return statement.position > 0 and opens_with_pronoun(statement)


def opens_with_pronoun(statement: Statement) -> bool:
    words = plain_text(statement.inlines).split(maxsplit=1)
    return bool(words) and words[0].casefold() in PRONOUNS


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
