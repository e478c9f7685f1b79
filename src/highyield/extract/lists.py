"""Lists and what owns them. Each list item belongs to one list (its siblings); a list
belongs to the item it is nested under, or to a lead-in right above it: a paragraph whose
last sentence ends in ``:`` ("Refer urgently if the child has:"), or an item ending in
``:`` with no children of its own, followed by items at its own level ("- Causes e.g.:").
A lead-in item's list runs to the next item ending in ``:``, an item that opens with a
label of its own ("- Treatment: …"), or the end of the list."""

from __future__ import annotations

import re

from highyield.extract.statements import sentences
from highyield.model import BlockKind, Inlines, Note, plain_text

_LABELLED = re.compile(r"^[^:]{1,40}:\s+\S")  # "Treatment: beta blockers"
MAX_LEAD_GAP = 2  # a lead-in paragraph's list starts on the next line or after one blank


class Lists:
    """Worked out once per note, in one pass over its blocks."""

    def __init__(self, note: Note) -> None:
        self.note = note
        self.lead: dict[int, int] = {}  # a list's item → the lead-in block that owns it
        self.owned: dict[int, list[int]] = {}  # a lead-in → the items of its list
        self.lead_words: dict[int, Inlines] = {}  # a lead-in paragraph → its last sentence
        self.members: dict[int, list[int]] = {}  # an item → the items of its list
        self.place: dict[int, int] = {}  # an item's position in its list
        for run in self._runs():
            for part in self._split(run):
                for at, item in enumerate(part):
                    self.members[item], self.place[item] = part, at

    def up(self, index: int) -> int | None:
        """What a block belongs to: its lead-in, else its parent item."""
        return self.lead.get(index, self.note.blocks[index].parent)

    def words(self, index: int) -> str:
        """The text a block shows as a crumb of the breadcrumb."""
        return plain_text(self.lead_words.get(index, self.note.blocks[index].inlines))

    def _runs(self) -> list[list[int]]:
        """Consecutive items under one parent, broken by any other block at their level
        (a paragraph, a heading, a table) or a change of section."""
        runs: list[list[int]] = []
        open_runs: dict[int | None, list[int]] = {}
        section: tuple[str, ...] | None = None
        for i, block in enumerate(self.note.blocks):
            if block.section != section or block.kind is BlockKind.HEADING:
                open_runs.clear()
                section = block.section
            if block.kind is not BlockKind.LIST_ITEM:
                if block.parent is None:
                    open_runs.clear()
                open_runs.pop(block.parent, None)
                continue
            run = open_runs.get(block.parent)
            if run is None:
                run = open_runs[block.parent] = []
                runs.append(run)
            run.append(i)
        return runs

    def _paragraph_lead(self, first: int) -> int | None:
        """The lead-in paragraph right above a list's first item, if there is one."""
        if first == 0:
            return None
        para, item = self.note.blocks[first - 1], self.note.blocks[first]
        if (para.kind is not BlockKind.PARAGRAPH or para.parent != item.parent
                or para.section != item.section
                or item.line > para.end_line + MAX_LEAD_GAP
                or not _leads(plain_text(para.inlines))):
            return None
        last = sentences(para.inlines, para.line)[-1:]
        if not last or not _leads(plain_text(last[0][1])):
            return None
        self.lead_words[first - 1] = last[0][1]
        return first - 1

    def _split(self, run: list[int]) -> list[list[int]]:
        """Each lead-in item's items become a list of their own; the rest stay together,
        owned by a lead-in paragraph above them if there is one."""
        main: list[int] = []
        parts, current, lead = [main], main, None
        for item in run:
            if self._is_lead_item(item):
                main.append(item)
                lead, current = item, []
                parts.append(current)
                self.owned[item] = current
            elif lead is not None and _LABELLED.match(self.words(item)):
                main.append(item)  # "- Treatment: …" is the lead-in's peer, not its item
                lead, current = None, main
            else:
                current.append(item)
                if lead is not None:
                    self.lead[item] = lead
        owner = self._paragraph_lead(run[0])
        if owner is not None:
            self.owned[owner] = main
            self.lead.update((item, owner) for item in main)
        return [p for p in parts if p]

    def _is_lead_item(self, index: int) -> bool:
        block = self.note.blocks[index]
        return _leads(plain_text(block.inlines)) and not self._has_children(index)

    def _has_children(self, index: int) -> bool:
        following = index + 1
        return following < len(self.note.blocks) and \
            self.note.blocks[following].parent == index


def _leads(text: str) -> bool:
    return text.rstrip().endswith(":")
