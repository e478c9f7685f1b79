"""The pipeline for one deck: vault → parse → extract → identity → export.

``collect`` reads every note into cards, for ``cards``, ``check`` and the quiz. ``build``
writes the deck, reading again only the notes that changed since its last build, and
says what changed.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from highyield import buildcache
from highyield.changes import Changes, Packed, settle
from highyield.config import CLIPPINGS, DeckConfig
from highyield.errors import Diagnostic, HighyieldError, Severity, warning
from highyield.extract.auto import AUTO_TAG
from highyield.extract.auto.repeats import drop_repeats, left_out
from highyield.identity import (
    Assigned,
    Identity,
    Subject,
    assign_keys,
    identify,
    renumber_text,
)
from highyield.ledger import Entry, read_ledger, write_ledger
from highyield.media import MediaSet
from highyield.model import Card, CardKind, Draft, anki_cards
from highyield.pack import Made
from highyield.reading import CachedReader, Progress, note_drafts, rules_for
from highyield.snapshot import deck_fingerprint, file_stat, settings_of, vault_files
from highyield.vault import MediaResolver, display_path, find_notes, read_note

if TYPE_CHECKING:
    from highyield.export import Reuse

YOUNG_GC_EVERY = 25  # notes parsed between collections of young objects

__all__ = ["Built", "Collected", "Progress", "Tally", "build", "collect"]


@dataclass(frozen=True)
class Tally:
    """The figures a summary shows."""

    notes: int
    kinds: dict[CardKind, int]  # Anki notes by kind
    auto: int
    cards: int  # Anki cards
    images: int
    merged: int  # exact duplicates made into one card
    repeats: int  # auto cards left out because another card says the same
    diagnostics: tuple[Diagnostic, ...]

    @property
    def anki_notes(self) -> int:
        return sum(self.kinds.values())

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)


@dataclass(frozen=True)
class Collected:
    deck: DeckConfig
    notes: int
    cards: tuple[Card, ...]
    merged: int
    repeats: int
    media: MediaSet
    diagnostics: tuple[Diagnostic, ...]
    ledger: dict[str, Entry] = field(default_factory=dict)  # to write back, when syncing

    def count(self, kind: CardKind) -> int:
        return sum(1 for c in self.cards if c.kind is kind)

    @property
    def errors(self) -> int:
        return self.tally.errors

    @property
    def warnings(self) -> int:
        return self.tally.warnings

    @property
    def tally(self) -> Tally:
        return Tally(self.notes, {k: self.count(k) for k in CardKind},
                     sum(1 for c in self.cards if c.draft.auto),
                     sum(anki_cards(c) for c in self.cards), len(self.media.files),
                     self.merged, self.repeats, self.diagnostics)


@dataclass(frozen=True)
class Built:
    deck: DeckConfig
    output: Path
    tally: Tally | None  # None when the deck was up to date
    changes: Changes = field(default_factory=Changes)
    fresh: int = 0  # notes read afresh; the others came from the cache
    cards: tuple[tuple[str, Subject], ...] = ()  # each own card's key and what it is
    read: dict[str, str] = field(default_factory=dict)  # each note's sha256, as read
    written: bool = True  # False: notes were read, but no card changed and the deck is kept

    @property
    def up_to_date(self) -> bool:
        return self.tally is None


# ---------------------------------------------------------------- collect


def collect(deck: DeckConfig, progress: Progress | None = None) -> Collected:
    """Every card of the deck, keyed with the vault's ledger (which is not written)."""
    paths = _notes(deck)
    rules = rules_for(deck)
    media = MediaSet(MediaResolver(deck.vault))
    diagnostics: list[Diagnostic] = []
    drafts: list[Draft] = []
    read = 0
    for done, path in enumerate(paths, 1):
        source = read_note(deck.vault, path, diagnostics)
        if source is not None:
            read += 1
            found, problems = note_drafts(source, rules, media)
            drafts.extend(found)
            diagnostics.extend(problems)
        if progress is not None:
            progress(done, len(paths))
    drafts, repeats = drop_repeats(drafts)
    assigned = _assign(deck, drafts, paths, diagnostics)
    diagnostics.extend(_deck_problems(deck, paths, bool(assigned.cards)))
    diagnostics.sort(key=lambda d: (d.path, d.line or 0))
    return Collected(deck, read, tuple(assigned.cards),
                     assigned.merged, repeats, media, tuple(diagnostics), assigned.ledger)


def _assign(deck: DeckConfig, drafts: list[Draft], paths: list[Path],
            diagnostics: list[Diagnostic]) -> Assigned:
    ledger = read_ledger(deck.vault, diagnostics)
    assigned = assign_keys(drafts, ledger, _scope(deck, _rels(deck, paths)))
    diagnostics.extend(repeated_ids(deck, assigned.repeated_ids))
    return assigned


def _notes(deck: DeckConfig) -> list[Path]:
    paths = find_notes(deck.vault, deck.selection)
    if not paths:
        raise HighyieldError(
            f"no notes in {display_path(deck.vault)} for deck {deck.name}",
            hint="notes are .md files; check the folder and the deck's include and exclude "
                 f"({', '.join(deck.selection.include)}"
                 + (f"; not {', '.join(deck.selection.exclude)})" if deck.selection.exclude
                    else ")"))
    return paths


def _rels(deck: DeckConfig, paths: list[Path]) -> set[str]:
    return {p.relative_to(deck.vault).as_posix() for p in paths}


def _scope(deck: DeckConfig, rels: Collection[str]) -> Callable[[str], bool]:
    """A ledger entry is this deck's to match by close text when its note is one of the
    deck's notes, or is gone (renamed, moved or deleted)."""
    return lambda rel: rel in rels or not (deck.vault / rel).is_file()


def _deck_problems(deck: DeckConfig, paths: list[Path], any_cards: bool) -> list[Diagnostic]:
    found = _unused_auto_globs(deck, paths)
    if not any_cards:
        found.append(warning(
            display_path(deck.vault), None, "no cards: nothing is highlighted or written as a "
            "card", "mark facts with ==highlights== or write {{c1::clozes}} and Front::Back "
            "lines"))
    return found


def _unused_auto_globs(deck: DeckConfig, paths: list[Path]) -> list[Diagnostic]:
    """An auto_cloze.include that a deck file sets but no note matches is most likely a
    typo; say so instead of making no auto cards in silence."""
    if not deck.auto.enabled or deck.auto.notes.include == CLIPPINGS or deck.source is None:
        return []
    if any(deck.auto.applies(p.relative_to(deck.vault).as_posix()) for p in paths):
        return []
    return [warning(display_path(deck.source), None,
                    f"auto_cloze.include ({', '.join(deck.auto.notes.include)}) matches no note",
                    "globs are relative to the notes folder, e.g. \"Clippings/**\"")]


# ---------------------------------------------------------------- build


def build(deck: DeckConfig, now: float | None = None, progress: Progress | None = None,
          force: bool = False) -> Built:
    """Write the deck's .apkg, unless nothing changed since the last build (``force``
    writes it anyway). ``now`` is the build's time, which changed notes get."""
    with buildcache.collector_off():  # on young objects only, every few notes parsed
        return _build(deck, time.time() if now is None else now, progress, force)


def _build(deck: DeckConfig, now: float, progress: Progress | None, force: bool) -> Built:
    where = buildcache.cache_file(deck.name, deck.vault)
    files = vault_files(deck.vault)
    if not force and buildcache.up_to_date(where, deck_fingerprint(deck, files),
                                           file_stat(deck.output)):
        return Built(deck, deck.output, None)
    paths = _notes(deck)
    cache = buildcache.load(where, settings_of(deck))
    media = MediaSet(MediaResolver(deck.vault))
    reader = CachedReader(deck, media, cache.notes, deck.auto.enabled)
    notes = {}
    collected_at = 0
    for done, path in enumerate(paths, 1):
        rel = path.relative_to(deck.vault).as_posix()
        notes[rel] = reader.read(path, rel)
        if reader.fresh - collected_at >= YOUNG_GC_EVERY:
            gc.collect(1)
            collected_at = reader.fresh
        if progress is not None:
            progress(done, len(paths))
    return _finish(deck, paths, notes, media, cache, reader.fresh, now,
                   (where, files, force))


def _finish(deck: DeckConfig, paths: list[Path], notes: dict[str, buildcache.NoteCards],
            media: MediaSet, cache: buildcache.BuildCache, fresh: int, now: float,
            saved: tuple[Path, list[tuple[str, int, int]], bool]) -> Built:
    from highyield.export import write_deck  # genanki loads only when a deck is written

    where, files, force = saved  # files: the vault before reading (a note saved since
    diagnostics = [d for n in notes.values() for d in n.diagnostics]  # is read next time)
    made = [m for n in notes.values() for m in n.made]
    out = left_out([m.ranked() for m in made]) if any(m.auto for m in made) else set()
    made = [m for i, m in enumerate(made) if i not in out]
    result = identify([m.subject for m in made], read_ledger(deck.vault, diagnostics),
                      _scope(deck, notes.keys()))
    current = _packed(made, result.identities)
    diagnostics.extend(repeated_ids(deck, result.repeated_ids))
    packed, changes = settle(cache.packed, current, now,
                             _elsewhere(deck, notes.keys(), result.ledger))
    stamp = buildcache.media_stamp(media.files)
    same = not force and not changes and cache.media == stamp and \
        file_stat(deck.output) == cache.output != (-1, -1)
    if not same:
        keep = where.with_suffix(".anki2")
        write_deck(deck.name, packed, media.files, deck.output, now, keep,
                   _reuse(cache, packed, keep, force))
        cache.base = file_stat(keep)
    problem = write_ledger(deck.vault, result.ledger)
    diagnostics.extend([problem] if problem else [])
    diagnostics.extend(_deck_problems(deck, paths, bool(current)))
    diagnostics.sort(key=lambda d: (d.path, d.line or 0))
    cache.notes, cache.packed, cache.media = notes, {p.key: p for p in packed}, stamp
    cache.fingerprint, cache.output = deck_fingerprint(deck, files), file_stat(deck.output)
    buildcache.save(where, cache)
    cards_in = sum(m.cards for m, i in zip(made, result.identities, strict=True) if i.key)
    tally = _tally(current, cards_in, sum(1 for n in notes.values() if n.sha),
                   len(media.files), result.merged, len(out), diagnostics)
    cards = tuple((i.key, m.subject) for m, i in zip(made, result.identities, strict=True)
                  if i.key is not None and not m.auto)  # clipped articles stay as clipped
    return Built(deck, deck.output, tally, changes, fresh, cards,
                 {rel: n.sha for rel, n in notes.items()}, written=not same)


def repeated_ids(deck: DeckConfig, found: list[tuple[str, str, int]]) -> list[Diagnostic]:
    return [warning(display_path(deck.vault / path), line,
                    f"block id ^hy-{key} is also in another note; this copy is a card of its "
                    "own", "delete the id here (build --write-ids gives the copy its own)")
            for key, path, line in found]


def _elsewhere(deck: DeckConfig, rels: Collection[str], ledger: dict[str, Entry]
               ) -> Callable[[str], str]:
    """The note, in another deck on the same vault, that a card lives in now."""
    def where(key: str) -> str:
        entry = ledger.get(key)
        if entry is None or entry.path in rels or not (deck.vault / entry.path).is_file():
            return ""
        return f"{entry.path} (another deck)"
    return where


def _reuse(cache: buildcache.BuildCache, packed: list[Packed], keep: Path,
           force: bool) -> Reuse | None:
    """Patch the last build's collection, if it is the one the cache describes."""
    from highyield.export import Reuse

    if force or not cache.packed or cache.base == (-1, -1) or file_stat(keep) != cache.base:
        return None
    old = cache.packed
    dirty = frozenset(p.key for p in packed if (q := old.get(p.key)) is None or
                      (q.mod, q.fields, q.tags) != (p.mod, p.fields, p.tags))
    return Reuse(keep, dirty)


def _packed(made: list[Made], identities: list[Identity]) -> list[Packed]:
    current = []
    for m, identity in zip(made, identities, strict=True):
        if identity.key is None:
            continue
        s = m.subject
        label = renumber_text(m.label, identity.numbers) if identity.numbers else m.label
        current.append(Packed(identity.key, s.kind, m.fields_numbered(identity.numbers),
                              m.tags, 0, label, f"{s.path}:{s.line}"))
    return current


def _tally(current: list[Packed], cards: int, notes: int, images: int, merged: int,
           repeats: int, diagnostics: list[Diagnostic]) -> Tally:
    kinds = {k: sum(1 for p in current if p.kind == k.value) for k in CardKind}
    auto = sum(1 for p in current if AUTO_TAG in p.tags)
    return Tally(notes, kinds, auto, cards, images, merged, repeats, tuple(diagnostics))
