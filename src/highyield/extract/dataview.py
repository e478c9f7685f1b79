"""Dataview fields in a deck's notes: which ``Key:: value`` lines are metadata, never
cards, under ``inline_cards: auto``. One pass over the notes' text before they are read
for cards: a key written in ``MIN_NOTES`` notes or more is a field everywhere (and every
key is, when the vault lists the Dataview plugin). The keys found go into the deck's
card settings, so the build cache and the quiz's fingerprint change when they do."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from highyield.config import DeckConfig
from highyield.config.inline import Dataview, InlineCards, field_key
from highyield.errors import Diagnostic, display_path, warning
from highyield.extract.statements import find_pair
from highyield.vault.notes import read_note

MIN_NOTES = 3  # a key written in this many notes is a Dataview field, not a card front
# A line's key, after any quote markers, list marker and task box: no colon, at most 80
# characters, not a bracketed field ([key:: value], never a card anyway).
_LINE = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:\[.\][ \t]+)?"
                   r"([^\s:\[(>][^:\n]{0,79})::(?!:)", re.MULTILINE)


@dataclass
class _Key:
    shown: str  # as first written
    notes: int = 0
    lines: list[tuple[str, int]] = field(default_factory=list)  # (path shown, line)


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


def scan_fields(deck: DeckConfig, paths: list[Path]) -> FieldScan:
    """The deck with the keys of its Dataview fields, found in one pass over its notes."""
    if deck.inline_cards is not InlineCards.AUTO:
        return FieldScan(deck)
    keys: dict[str, _Key] = {}
    for path in paths:
        source = read_note(deck.vault, path, [])
        if source is not None and "::" in source.text:
            _scan(source.text, display_path(path), keys)
    frequent = {k for k, v in keys.items() if v.notes >= MIN_NOTES}
    resolved = replace(deck, dataview=Dataview(deck.dataview.plugin, frozenset(frequent)))
    fields = keys if deck.dataview.plugin else {k: keys[k] for k in frequent}
    if not fields:
        return FieldScan(resolved)
    top = min(fields.values(), key=lambda k: (-k.notes, k.shown))
    first = min(line for k in fields.values() for line in k.lines)
    return FieldScan(resolved, sum(len(k.lines) for k in fields.values()), top.shown,
                     top.notes, first)


def _scan(text: str, shown: str, keys: dict[str, _Key]) -> None:
    seen: Counter[str] = Counter()
    line, at = 1, 0
    for m in _LINE.finditer(text):
        line += text.count("\n", at, m.start())
        at = m.start()
        found = find_pair(m.group(0))
        if found is None or found.start() != m.end(1) - m.start():
            continue  # a ratio, a link or a gene fusion, never a card
        raw = m.group(1).strip()
        key = field_key(raw)
        if not key:
            continue
        entry = keys.setdefault(key, _Key(raw))
        entry.lines.append((shown, line))
        if not seen[key]:
            entry.notes += 1
        seen[key] += 1
