"""The Anki notes a build writes (``Packed``), and what changed since the build before:
new, updated, moved and retired cards, and each note's modification time for Anki.

Anki's importer updates a note only when the incoming one is newer. An unchanged card
keeps the time it had, so re-importing changes nothing (and leaves alone an edit made in
Anki); a changed card gets the build's time, one second past its old one at least, so two
builds in the same second still update it. A card gone from the notes stays in the deck,
tagged ``highyield::retired``: Anki's importer never deletes a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from highyield.model import RETIRED_TAG, SourceRef

TEXT_FIELDS = 2  # Text and Extra, or Front and Back; Context and Source follow


class Packed(NamedTuple):
    """One Anki note as a build wrote it. (A named tuple: the build cache holds one per
    card, and these pickle and load two to three times faster than a dataclass.)"""

    key: str
    kind: str  # CardKind value
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    mod: int  # seconds
    label: str  # the card's text on one line
    source: str  # path:line
    retired: bool = False


@dataclass(frozen=True, slots=True)  # a first build has one per card
class Change:
    what: str  # "new", "updated", "moved", "back" (from retirement), "retired" or "known"
    source: str
    label: str
    was: str = ""  # a moved card's source before

@dataclass(frozen=True)
class Changes:
    items: list[Change] = field(default_factory=list)
    first: bool = False  # no earlier build of the deck was recorded here (no build cache)

    def count(self, what: str) -> int:
        return sum(1 for c in self.items if c.what == what)

    def __bool__(self) -> bool:
        return bool(self.items)


def settle(old: dict[str, Packed], current: Sequence[Packed], now: float,
           elsewhere: Callable[[str], str] = lambda key: "",
           known: Callable[[str], bool] = lambda key: False) -> tuple[list[Packed], Changes]:
    """The notes to write (current ones, then retired ones) with their times, and what
    changed. Each of the ``current`` notes gets the time it should have, whatever it came
    with; ``old`` is the last build's.
    ``elsewhere`` names the note of another deck a card gone from this one lives in now:
    such a card leaves this deck instead of being retired. ``known``: did the vault's
    ledger hold the key? A card the last build here did not write (there was none on this
    computer, or it was in another deck) is "known", not "new", when the ledger held it."""
    stamp = int(now)
    out: list[Packed] = []
    items: list[Change] = []
    for note in current:
        before = old.get(note.key)
        what = _compare(before, note)
        if what == "new" and known(note.key):
            what = "known"
        if what:
            was = before.source if before is not None and what == "moved" else ""
            items.append(Change(what, note.source, note.label, was))
        if before is not None and not what:
            same_place = before.source == note.source and before.label == note.label
            out.append(before if same_place else note._replace(mod=before.mod))
        elif note.mod != (mod := _later(before, stamp)):
            out.append(note._replace(mod=mod))
        else:  # a new card, made with the build's time
            out.append(note)
    present = {n.key for n in current}
    for key in sorted(old.keys() - present, key=lambda k: (_where(old[k].source), k)):
        before = old[key]
        moved_to = elsewhere(key)
        if moved_to:  # (a retired one too: the deck must stop retiring it in Anki)
            items.append(Change("moved", moved_to, before.label, before.source))
            continue
        if not before.retired:
            items.append(Change("retired", before.source, before.label))
            before = before._replace(retired=True, mod=_later(before, stamp),
                                     tags=(*before.tags, RETIRED_TAG))
        out.append(before)
    return out, Changes(items, first=not old)


def _compare(before: Packed | None, note: Packed) -> str:
    if before is None:
        return "new"
    if before.retired:
        return "back"
    if before.fields[:TEXT_FIELDS] != note.fields[:TEXT_FIELDS] or \
            before.kind != note.kind:
        return "updated"
    if before.fields == note.fields and before.tags == note.tags:
        return ""
    if _where(before.source)[0] != _where(note.source)[0]:
        return "moved"  # the same text in another note (its tags may follow the folder)
    return "updated"  # its headings, parent item or tags changed


def _where(source: str) -> tuple[str, int]:
    ref = SourceRef.parse(source)
    return (ref.path, ref.line)


def _later(before: Packed | None, stamp: int) -> int:
    return stamp if before is None else max(stamp, before.mod + 1)
