"""Dataview fields in a deck's notes: which ``Key:: value`` lines are metadata, never
cards, under ``inline_cards: auto``. One pass over the notes' text before they are read
for cards: a key written in ``MIN_NOTES`` notes or more is a field everywhere (and every
key is, when the vault lists the Dataview plugin). The keys found go into the deck's
card settings, so the build cache reads every note again when they change (the quiz
reads every note whenever a note changes). The count is of lines as written: one in a
code block counts too, though it is never a card either way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from highyield.config import DeckConfig
from highyield.config.inline import Dataview, InlineCards, field_key
from highyield.errors import Diagnostic, display_path, warning
from highyield.extract.statements import LOOK_AROUND, find_pair
from highyield.vault.notes import note_bytes
from highyield.vault.text import text_of

MIN_NOTES = 3  # a key written in this many notes is a Dataview field, not a card front
# A line's key, after any quote markers, list marker and task box: no colon, at most 80
# characters, not a bracketed field ([key:: value], never a card anyway).
_LINE = re.compile(r"[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:\[.\][ \t]+)?"
                   r"([^\s:\[(>][^:\n]{0,79})::(?!:)")


@dataclass
class _Key:
    shown: str  # as first written
    first: tuple[int, int]  # (note, line) of its first line: the note's index in the deck
    notes: int = 0
    lines: int = 0


@dataclass(frozen=True)
class FieldScan:
    """The deck with its Dataview fields resolved, and what ``check`` says about them."""

    deck: DeckConfig
    lines: int = 0  # lines left out as Dataview fields
    example: str = ""  # the field written in the most notes
    notes: int = 0  # how many notes write it
    first: tuple[str, int] = ("", 0)  # the first line left out

    def diagnostic(self) -> Diagnostic | None:
        if not self.lines:
            return None
        why = "the vault uses the Dataview plugin" if self.deck.dataview.plugin else \
            f"their keys are each in {MIN_NOTES} notes or more"
        hint = ("set `inline_cards: true` in the deck file to make them cards"
                if self.deck.source is not None else
                "build with a deck file that sets `inline_cards: true` to make them cards")
        lines = f"{self.lines} lines look" if self.lines != 1 else "1 line looks"
        notes = f"{self.notes} note{'s' if self.notes != 1 else ''}"
        return warning(self.first[0], self.first[1],
                       f"{lines} like Dataview fields, e.g. `{self.example}::` in {notes} "
                       f"({why}); they are not cards", hint)


# Each key a note's ``Key:: value`` lines write: (key, as first written, its first line,
# how many lines), as the build cache keeps them by the note's file stamp
NoteKeys = tuple[tuple[str, str, int, int], ...]


def scan_fields(deck: DeckConfig, paths: list[Path],
                known: Callable[[Path], NoteKeys | None] = lambda path: None,
                found: dict[Path, NoteKeys] | None = None) -> FieldScan:
    """The deck with the keys of its Dataview fields, found in one pass over its notes.
    ``known`` gives a note's keys as found before (the note unchanged since), and
    ``found`` gets each note's keys."""
    if deck.inline_cards is not InlineCards.AUTO:
        return FieldScan(deck)
    keys: dict[str, _Key] = {}
    for index, path in enumerate(paths):
        mine = known(path)
        if mine is None:
            mine = note_keys(_text(deck.vault, path))
        if found is not None:
            found[path] = mine
        for key, shown, line, lines in mine:
            entry = keys.setdefault(key, _Key(shown, (index, line)))
            entry.lines += lines
            entry.notes += 1
    frequent = {k for k, v in keys.items() if v.notes >= MIN_NOTES}
    resolved = replace(deck, dataview=Dataview(deck.dataview.plugin, frozenset(frequent)))
    fields = keys if deck.dataview.plugin else {k: keys[k] for k in frequent}
    if not fields:
        return FieldScan(resolved)
    top = min(fields.values(), key=lambda k: (-k.notes, k.shown))
    note, line = min(k.first for k in fields.values())
    return FieldScan(resolved, sum(k.lines for k in fields.values()), top.shown, top.notes,
                     (display_path(paths[note]), line))


def _text(vault: Path, path: Path) -> str:
    """A note's text for counting keys; "" for one ``vault.notes`` would not read (its
    problem is reported when the notes are read for cards)."""
    data = note_bytes(vault, path)
    return "" if data is None else text_of(data)


def note_keys(text: str) -> NoteKeys:
    """The keys of the note's ``Key:: value`` lines: only lines holding ``::`` are looked
    at, each once."""
    keys: dict[str, list[Any]] = {}
    line, at = 1, 0
    found = text.find("::")
    while found != -1:
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end == -1 else end
        line += text.count("\n", at, start)
        at = start
        raw = _key(text[start:end])
        if raw is not None:
            keys.setdefault(field_key(raw), [raw, line, 0])[2] += 1
        found = text.find("::", end)
    return tuple((key, shown, first, lines) for key, (shown, first, lines) in keys.items())


def _key(line: str) -> str | None:
    """The key of a ``Key:: value`` line that would otherwise be a card."""
    m = _LINE.match(line)
    if m is None or not field_key(m.group(1)):
        return None
    pair = find_pair(line[:m.end() + LOOK_AROUND])  # its surroundings, not a long line
    if pair is None or pair.start() != m.end(1):
        return None  # a ratio, a link or a gene fusion: never a card anyway
    return m.group(1).strip()
