"""Note to card drafts: highlighted facts, explicit clozes, Front::Back and multi-line cards.

Nothing here prints; problems come back as diagnostics. Only ``extract.reading`` looks
at the disk, to find a note's images.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from highyield.config import AUTO_OFF, AutoCloze, HighlightRules
from highyield.config.inline import Dataview
from highyield.config.srplugin import DEFAULT_SYNTAX, CardSyntax, SrPlugin
from highyield.errors import Diagnostic, warning
from highyield.extract import auto, basic, clozes, context, headings, wholeline
from highyield.extract.statements import Statement, only_images, plugin_notice, statements
from highyield.extract.tags import anki_tag, note_tags
from highyield.model import (
    Block,
    BlockKind,
    CardKind,
    Draft,
    Embed,
    Inlines,
    Note,
    SourceRef,
    plain_text,
)

__all__ = ["ExtractRules", "Extracted", "extract_note"]

BARE_HINT = ("highlight only the words worth hiding, or write a label before them, "
             "e.g. `Mechanism: ==…==`")


@dataclass(frozen=True)
class ExtractRules:
    highlights: HighlightRules = field(default_factory=HighlightRules)
    tags: tuple[str, ...] = ()  # the deck's extra tags
    inline_cards: bool = True  # Front::Back lines (off for vaults full of Dataview fields)
    auto: AutoCloze = AUTO_OFF  # cards from statements nobody highlighted
    fields: Dataview | None = None  # Dataview fields, never cards (inline_cards: auto)
    srplugin: SrPlugin | None = None  # with it, :: and ? cards only in the notes it reads

    @property
    def syntax(self) -> CardSyntax:
        return self.srplugin.syntax if self.srplugin is not None else DEFAULT_SYNTAX


class _Shown(NamedTuple):
    """What a card whose deletion covers its whole statement shows instead."""

    front: Inlines
    cue: tuple[Inlines, ...] = ()
    extra: tuple[Inlines, ...] = ()
    keyed: Inlines = ()  # the whole-statement front, when highyield chose the answer


class Extracted(NamedTuple):
    """One note's card drafts, its problems, and how many of its statements auto-cloze
    read and left out as no testable fact."""

    drafts: list[Draft]
    diagnostics: list[Diagnostic]
    untestable: int = 0
    unsure: int = 0  # and how many gave a card scoring under the deck's min_score


def extract_note(note: Note, rules: ExtractRules) -> Extracted:
    return _Extractor(note, rules).run()


class _Extractor:
    def __init__(self, note: Note, rules: ExtractRules) -> None:
        self.auto = rules.auto.applies(note.rel)
        self.note = auto.clipping_layout(note) if self.auto else headings.bold_headings(note)
        self.rules = rules
        self.tags = note_tags(note, rules.tags)
        self.explicit = rules.srplugin is None or rules.srplugin.reads(note.tags)
        self.figures: dict[tuple[str, ...], list[Embed]] = {}
        self.drafts: list[Draft] = []
        self.diagnostics: list[Diagnostic] = []
        self.listed: list[tuple[int, Statement]] = []  # cloze drafts of list items

    def run(self) -> Extracted:
        found = [s for s in statements(self.note, self.rules.syntax)
                 if not plugin_notice(s.inlines)]
        self.cites = self.auto and auto.cites(self.note)
        if self.auto:
            found = auto.clean(found, self.cites)
        self.outline = context.Outline(self.note, found)
        facts = []
        for s in found:
            if only_images(s.inlines):
                section = self.note.blocks[s.block].section
                self.figures.setdefault(section, []).extend(
                    n for n in s.inlines if isinstance(n, Embed))
            else:
                facts.append(s)
        for index, block in enumerate(self.note.blocks):
            if block.kind is BlockKind.MULTILINE_CARD and (self.explicit or block.o2a):
                self._basic(basic.multiline(block), index, block.line)
                self._highlighted_question(block)
        carded = {(s.block, s.position) for s in facts if self._statement(s)}
        self._sibling_cues()
        untestable = unsure = 0
        if self.auto:
            drafts, untestable, unsure = auto.auto_drafts(
                self.note, facts, carded | self._multiline_blocks(), self.outline,
                self.tags, self.rules.auto.min_score, self.cites)
            self.drafts.extend(drafts)
        return Extracted(self.drafts, self.diagnostics, untestable, unsure)

    def _multiline_blocks(self) -> set[tuple[int, int]]:
        return {(i, 0) for i, b in enumerate(self.note.blocks)
                if b.kind is BlockKind.MULTILINE_CARD}

    def _statement(self, s: Statement) -> bool:
        """Highlights and clozes make a cloze card; otherwise a Front::Back line makes a
        basic card. True when the statement made a card (or tried to)."""
        s = self._plugin_marks(s)
        over = clozes.over_limit(self.note.display, s.line, s.inlines)
        self.diagnostics.extend([over] if over else [])
        front, left_out, empty = clozes.make_clozes(s.inlines, self.rules.highlights)
        if left_out:
            self.diagnostics.append(clozes.too_many(self.note.display, s.line, left_out))
        if empty:
            self.diagnostics.append(clozes.nothing_hidden(self.note.display, s.line, empty))
        if clozes.has_clozes(front):
            self._cloze(s, front)
            return True
        if self.note.blocks[s.block].kind is BlockKind.CLOZE_NOTE:
            self.diagnostics.append(warning(
                self.note.display, s.line, "Obsidian_to_Anki Cloze note has no deletion; no "
                "card made", "mark the hidden part as {{c1::…}} or ==…== (highyield does "
                "not read the plugin's CurlyCloze {…} form)"))
            return True
        pair = basic.split_pair(s.inlines, self.rules.syntax) \
            if self.rules.inline_cards and self.explicit else None
        if pair is None:
            return False
        if self._is_field(pair):
            return True  # metadata: neither a card nor an auto card
        if pair.complete:
            self._basic(pair, s.block, s.line)
            return True
        side = "front" if not plain_text(pair.front) else "back"
        self.diagnostics.append(warning(
            self.note.display, s.line, f"Front::Back card with an empty {side}; no card made",
            "write the question before :: and the answer after it"))
        return True

    def _plugin_marks(self, s: Statement) -> Statement:
        """In the notes obsidian-spaced-repetition reads, bold and ``{{…}}`` when its
        settings make them deletions (never a table row's bold header)."""
        plugin = self.rules.srplugin
        if plugin is None or not self.explicit or not (plugin.bold or plugin.curly) or \
                basic.split_pair(s.inlines, plugin.syntax) is not None:
            return s  # the plugin reads a Front::Back line as that, never as a cloze
        bold = plugin.bold and self.note.blocks[s.block].kind is not BlockKind.TABLE_ROW
        return replace(s, inlines=clozes.plugin_marks(s.inlines, bold, plugin.curly))

    def _is_field(self, pair: basic.Pair) -> bool:
        fields = self.rules.fields
        return fields is not None and pair.kind is CardKind.BASIC and \
            fields.is_field(plain_text(pair.front))

    def _highlighted_question(self, block: Block) -> None:
        """Highlighted lines right above a ``?`` line are that card's question: said, as
        their cloze cards are not made."""
        if clozes.has_highlights(block.inlines):
            self.diagnostics.append(warning(
                self.note.display, block.line, "highlights in the question of a multi-line "
                "card (the lines above its ?) make no cloze cards",
                "leave a blank line between the highlighted lines and the question, or "
                "take the highlights out of the question"))

    def _basic(self, pair: basic.Pair, index: int, line: int) -> None:
        block = self.note.blocks[index]
        self.drafts.append(Draft(
            kind=pair.kind, ref=SourceRef(self.note.rel, line),
            context=self.outline.breadcrumb(index), front=pair.front, back=pair.back,
            images=context.images_for(block.section, self.figures), tags=self._tags(block),
            anchor=block.anchor))

    def _cloze(self, s: Statement, front: Inlines) -> None:
        block = self.note.blocks[s.block]
        items = self.outline.items(s) or ((block.answer,) if block.answer else ())
        shown = self._unbare(s, front, items) if clozes.is_bare(front) else \
            _Shown(front, (), items)
        front, cue, extra = shown.front, shown.cue, shown.extra
        if not cue and context.refers_back(s):
            cue = self.outline.previous(s)
        images = context.images_for(block.section, self.figures, exclude=s.inlines)
        if block.kind is BlockKind.LIST_ITEM:
            self.listed.append((len(self.drafts), s))
        self.drafts.append(Draft(
            kind=CardKind.CLOZE, ref=SourceRef(self.note.rel, s.line),
            context=self.outline.breadcrumb(s.block), front=front, cue=cue, extra=extra,
            images=images, tags=self._tags(block), anchor=block.anchor,
            written=max((c.number for c in clozes.iter_clozes(s.inlines)), default=0),
            keyed=shown.keyed))

    def _tags(self, block: Block) -> tuple[str, ...]:
        """The note's tags, and those written for this block's card alone."""
        if not block.tags:
            return self.tags
        extra = (anki_tag(t) for t in block.tags)
        return tuple(sorted({*self.tags, *extra} - {""}, key=str.lower))

    def _unbare(self, s: Statement, front: Inlines, items: tuple[Inlines, ...]) -> _Shown:
        """Give a whole-statement deletion something to read: a narrower deletion, its
        child items (or the list it leads in), the answer an auto card would hide, or
        failing those its parent item or lead-in (in the context) or a neighbouring
        statement. A list item's list decides first (``_sibling_cues``)."""
        narrowed = clozes.narrow(front) if not clozes.has_clozes(s.inlines) else None
        if narrowed is not None:
            return _Shown(narrowed, (), items)
        if items:
            return _Shown(front, items)
        if self.note.blocks[s.block].kind is BlockKind.LIST_ITEM:
            return _Shown(front)
        chosen = self._chosen(s, front)
        if chosen is not None:
            return _Shown(chosen, keyed=front)
        if self.outline.belongs(s.block):
            return _Shown(front)
        return _Shown(front, self._neighbour(s))

    def _chosen(self, s: Statement, front: Inlines) -> Inlines | None:
        """The front with only the answer an auto card would hide in it; never in a
        statement with deletions the author wrote (their numbers are theirs)."""
        if clozes.has_clozes(s.inlines):
            return None
        item = self.note.blocks[s.block].kind is BlockKind.LIST_ITEM
        return wholeline.chosen(front, self.outline.breadcrumb(s.block), item)

    def _neighbour(self, s: Statement) -> tuple[Inlines, ...]:
        near = self.outline.neighbour(s)
        if near:
            return (near,)
        self.diagnostics.append(warning(
            self.note.display, s.line, "card shows nothing but its title and headings",
            BARE_HINT))
        return ()

    def _sibling_cues(self) -> None:
        """Cards of items of one list that would read the same (``Ménière triad`` ›
        [...], three times) show the list, with only their own item blank. A bare item
        that still shows nothing shows its list too when a lead-in owns the list (where
        it showed a neighbouring item before lead-ins were read), or a neighbouring item
        when nothing owns its list."""
        same: dict[tuple[int, str, tuple[str, ...]], list[tuple[int, Statement]]] = \
            defaultdict(list)
        for at, s in self.listed:
            d = self.drafts[at]
            hints = (c.hint or "" for c in clozes.iter_clozes(d.front))
            shown = "\x1f".join((" ".join(clozes.visible(d.front).split()), *hints))
            same[self.outline.list_of(s.block), shown,
                 tuple(plain_text(c) for c in d.cue)].append((at, s))
        for group in same.values():
            for at, s in group if len(group) > 1 else ():
                d = self.drafts[at]
                self.drafts[at] = replace(d, cue=(*d.cue, *self.outline.siblings(s.block)))
        for at, s in self.listed:
            d = self.drafts[at]
            if not d.cue and clozes.is_bare(d.front):
                self.drafts[at] = self._bare_item(d, s)

    def _bare_item(self, d: Draft, s: Statement) -> Draft:
        """A bare item shows its list when a lead-in owns it, else the answer an auto card
        would hide, else (outside a parent item or lead-in) a neighbouring item."""
        led = self.outline.led(s.block)
        siblings = self.outline.siblings(s.block) if led else ()
        if siblings:
            return replace(d, cue=siblings)
        chosen = self._chosen(s, d.front)
        if chosen is not None:
            return replace(d, front=chosen, keyed=d.front)
        if led or self.outline.belongs(s.block):
            return d
        return replace(d, cue=self._neighbour(s))

