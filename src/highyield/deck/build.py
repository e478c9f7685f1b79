"""Writing one deck: vault → parse → extract → identity → fields → export, reading again
only the notes that changed since the last build (the others come from the build cache),
and saying what changed. ``identity.collect`` reads the same cards without a cache, for
the commands that do not write a deck.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from highyield.config import DeckConfig, settings_of
from highyield.deck.anki_notes import Changes, Packed, settle
from highyield.deck.cache import (
    BuildCache,
    NoteCards,
    cache_file,
    collector_off,
    deck_fingerprint,
    load,
    media_stamp,
    save,
    up_to_date,
)
from highyield.deck.fields import Made
from highyield.deck.leftovers import remove_leftovers
from highyield.deck.parallel import read_many
from highyield.deck.reader import CachedReader, scan_keys
from highyield.deck.recovered import read_back
from highyield.deck.settled import settled, with_keys
from highyield.deck.unsaved import uncopied, unkept, unsaved
from highyield.errors import Diagnostic, display_path, warning
from highyield.extract.auto import AUTO_TAG
from highyield.extract.auto.repeats import left_out
from highyield.extract.dataview import FieldScan
from highyield.identity.clozes import renumber_text
from highyield.identity.collect import Tally, deck_notes, deck_problems, repeated_ids, scope
from highyield.identity.keys import Identified, identify
from highyield.identity.ledger import Entry, ledger_path, local_copy, read_ledger, write_ledger
from highyield.identity.subject import Subject
from highyield.model import CardKind, Progress, SourceRef
from highyield.vault.files import is_read, out_of_sight, unread, vault_files
from highyield.vault.fingerprint import FileStamp, file_stat
from highyield.vault.lock import Waiting, vault_lock
from highyield.vault.media import MediaResolver, MediaSet

if TYPE_CHECKING:
    from highyield.deck.export import Reuse

YOUNG_GC_EVERY = 25  # notes parsed between collections of young objects

__all__ = ["Built", "build"]


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
    standing: tuple[Diagnostic, ...] = ()  # up to date: the last build's problems, unfixed

    @property
    def up_to_date(self) -> bool:
        return self.tally is None


@dataclass
class _Run:
    """One build of one deck, as it goes."""

    deck: DeckConfig
    now: float  # the time changed notes get
    force: bool  # write the deck even if nothing changed
    where: Path  # the build cache's file
    files: list[FileStamp]  # the vault before reading: a note saved since is
    cache: BuildCache  #                 read again next time
    media: MediaSet
    paths: list[Path]  # the deck's notes
    fields: FieldScan  # the Dataview fields that are not cards
    unlisted: list[Diagnostic]  # files and folders of the vault that could not be looked at
    fresh: int = 0  # notes read afresh
    # images left out because they changed while the deck was written, and how
    left_out: dict[str, str] = field(default_factory=dict)
    unsaved: list[OSError] = field(default_factory=list)  # the kept collection's refusals
    uncached: OSError | None = None  # why the cache could not be saved, if so
    unread: str = ""  # why the deck's package gave no card's time, with the cache lost


@dataclass(frozen=True)
class _Keyed:
    """The cards of this build, after repeats were left out, with their identities."""

    made: list[Made]
    identified: Identified
    repeats: int  # auto cards left out because another card says the same


def build(deck: DeckConfig, now: float | None = None, progress: Progress | None = None,
          force: bool = False, waiting: Waiting | None = None) -> Built:
    """Write the deck's .apkg, unless nothing changed since the last build (``force``
    writes it anyway). ``now`` is the build's time, which changed notes get. While another
    build of the vault runs, this one waits for it (``waiting`` is told so first)."""
    with vault_lock(deck.vault, waiting) as alone:
        if alone:
            remove_leftovers(deck, cache_file(deck.name, deck.vault))
        with collector_off():  # on young objects only, every few notes parsed
            return _build(deck, time.time() if now is None else now, progress, force)


def _build(deck: DeckConfig, now: float, progress: Progress | None, force: bool) -> Built:
    where = cache_file(deck.name, deck.vault)
    files = vault_files(deck.vault)
    said = None if force else up_to_date(where, deck_fingerprint(deck, files),
                                         file_stat(deck.output))
    if said is not None:
        return Built(deck, deck.output, None, standing=tuple(map(_from_here, said)))
    unlisted: list[Diagnostic] = []
    paths = deck_notes(deck, unlisted)
    cache = load(where)
    unread = ""
    if not cache.packed:  # lost: each card's time is in the deck's last package, if any
        cache.packed, unread = read_back(deck)
    fields = scan_keys(deck, paths, files, cache)  # the deck as its notes are read
    run = _Run(fields.deck, now, force, where, files, cache.for_settings(settings_of(
        fields.deck)), MediaSet(MediaResolver(deck.vault)), paths, fields, unlisted,
        unread=unread)
    return _finish(run, _read(run, progress))


def _read(run: _Run, progress: Progress | None) -> dict[str, NoteCards]:
    """Each note's cards, by vault-relative path: from the cache when the note is as
    before, else read afresh (on every core when there are many)."""
    rels = [path.relative_to(run.deck.vault).as_posix() for path in run.paths]
    # What tells repeated auto cards apart is made only when the deck has notes that
    # auto-cloze reads (it took two fifths of the time a note takes to read)
    auto = any(map(run.deck.auto.applies, rels))
    reader = CachedReader(run.deck, run.media, run.cache.notes, auto)
    notes: dict[str, NoteCards | None] = {}
    todo = []
    for path, rel in zip(run.paths, rels, strict=True):
        notes[rel] = reader.unchanged(path, rel)
        if notes[rel] is None:
            todo.append((path, rel))
    done, collected_at = len(run.paths) - len(todo), 0
    for rel, cards in read_many(reader, todo):
        notes[rel] = cards
        done += 1
        if reader.fresh - collected_at >= YOUNG_GC_EVERY:
            gc.collect(1)
            collected_at = reader.fresh
        if progress is not None:
            progress(done, len(run.paths))
    run.fresh = reader.fresh
    found = {rel: cards for rel, cards in notes.items() if cards is not None}
    return {**found, **_out_of_sight(run, reader, found)}


def _out_of_sight(run: _Run, reader: CachedReader, found: dict[str, NoteCards]
                  ) -> dict[str, NoteCards]:
    """The notes of the last build in a folder that cannot be read now: their cards are
    kept, not retired (twelfth fault probe)."""
    if not any(unread(d) for d in run.unlisted):
        return {}
    deck = run.deck
    return {rel: reader.kept(rel, old) for rel, old in run.cache.notes.items()
            if rel not in found and old.sha and deck.selection.matches(rel) and
            is_read(Path(rel)) and out_of_sight(deck.vault / rel)}


def _finish(run: _Run, notes: dict[str, NoteCards]) -> Built:
    deck = run.deck
    damaged = _damaged(run)
    once = [*damaged, *_unread(run)]  # said by this build only, not by an up-to-date one
    diagnostics = [*run.unlisted, *(d for n in notes.values() for d in n.diagnostics), *once]
    keyed = _keyed(run, notes, diagnostics, once)
    current = _packed(keyed.made, keyed.identified, run.cache.packed, int(run.now))
    packed, changes = settle(run.cache.packed, current, run.now,
                             _elsewhere(deck, notes.keys(), keyed.identified.ledger),
                             keyed.identified.held)
    current = packed[:len(current)]  # the same cards, with their times: one copy of each
    stamp = media_stamp(run.media.files)
    written = _write(run, packed, bool(changes) or run.cache.media != stamp)
    if run.left_out:  # written without them: the next build must try again
        stamp = tuple(s for s in stamp if s[0] not in run.left_out)
        changed = _left_out(deck, notes, run.left_out)
        once.extend(changed)
        diagnostics.extend(changed)
    ledger = write_ledger(deck.vault, keyed.identified.ledger)
    keyed.identified.ledger.clear()  # written: its memory goes to the cache's save
    problem = ledger.problem
    run.cache.ledger = file_stat(ledger_path(deck.vault)) if problem is None else (-1, -1)
    diagnostics.extend([problem] if problem and problem not in diagnostics else [])
    diagnostics.extend(deck_problems(deck, run.paths, bool(current), run.fields, diagnostics))
    _save(run, notes, packed, stamp, problem is not None or ledger.uncopied is not None or
          any(unread(d) for d in diagnostics), _without(diagnostics, once))
    if run.uncached is not None:  # said once, in place of the damaged cache's promise
        diagnostics = [d for d in diagnostics if d not in damaged]
        diagnostics.append(unsaved(run.uncached, run.where, identity_kept=ledger.kept))
    elif run.unsaved:  # the rest of the cache was saved
        diagnostics.append(unkept(run.unsaved[0], run.where.with_suffix(".anki2")))
    elif ledger.uncopied is not None:  # the rest of the cache was saved
        diagnostics.append(uncopied(local_copy(deck.vault), ledger.uncopied, problem is None))
    diagnostics.sort(key=Diagnostic.place)
    tally = _tally(run, keyed, current, notes, diagnostics)
    return Built(deck, deck.output, tally, changes, run.fresh, _own_cards(keyed),
                 {rel: n.sha for rel, n in notes.items()}, written=written)


def _damaged(run: _Run) -> list[Diagnostic]:
    """The last build's cache was there, and could not be read."""
    if not run.cache.damaged:
        return []
    return [warning(display_path(run.where), None, "the build cache could not be read "
                    f"({run.cache.damaged}): every note was read again", "nothing to do: it "
                    "is written again now; if this happens again, check the disk")]


def _unread(run: _Run) -> list[Diagnostic]:
    """The cache was lost, and the deck's package there gave no card's time."""
    if not run.unread:
        return []
    return [warning(display_path(run.deck.output), None, "each card's time could not be "
                    f"read back from the deck's last package ({run.unread}): every card gets "
                    "this build's time", "importing the deck into Anki replaces edits made "
                    "there (sync-anki leaves them); nothing to do otherwise")]


def _keyed(run: _Run, notes: dict[str, NoteCards], diagnostics: list[Diagnostic],
           once: list[Diagnostic]) -> _Keyed:
    """Repeated auto cards left out, then every card keyed against the ledger (those of
    notes as the last build left them, with the ledger too, keep their keys at once).
    What reading the ledger says goes to ``once`` too: this build writes it whole."""
    made = [m for n in notes.values() for m in n.made]
    out = left_out([m.ranked() for m in made]) if any(m.auto for m in made) else set()
    kept, at = [], 0
    for n in notes.values():
        kept.append([m for i, m in enumerate(n.made, at) if i not in out])
        at += len(n.made)
    made = [m for mine in kept for m in mine]
    told: list[Diagnostic] = []
    ledger = read_ledger(run.deck.vault, told)
    diagnostics.extend(told)
    once.extend(told)
    unchanged = settled(notes, kept, run.cache, file_stat(ledger_path(run.deck.vault)))
    identified = identify([m.subject for m in made], ledger, scope(run.deck, notes.keys()),
                          unchanged, in_place=True)
    notes.update(with_keys(notes, kept, identified.identities))
    diagnostics.extend(repeated_ids(run.deck, identified.repeated_ids))
    return _Keyed(made, identified, len(out))


def _write(run: _Run, packed: list[Packed], changed: bool) -> bool:
    """Write the deck, unless no card or image changed and the deck file is as the last
    build left it. Returns whether it was written."""
    from highyield.deck.export import write_deck  # genanki: only for a new collection

    cache, deck = run.cache, run.deck
    same = not run.force and not changed and \
        file_stat(deck.output) == cache.output != (-1, -1)
    if same:
        return False
    keep = run.where.with_suffix(".anki2")
    run.left_out = write_deck(deck.name, packed, run.media, deck.output, run.now, keep,
                              _reuse(cache, packed, keep, run.force), run.unsaved)
    cache.base = (-1, -1) if run.unsaved else file_stat(keep)  # none kept: none to reuse
    return True


def _left_out(deck: DeckConfig, notes: dict[str, NoteCards], left_out: dict[str, str]
              ) -> list[Diagnostic]:
    """A warning at each line that embeds an image that changed while the deck was
    written, so that it was left out."""
    found = {(rel, embed.target, embed.line): left_out[name]
             for rel, cards in notes.items() for embed, (name, _) in cards.embeds
             if name in left_out}
    return [warning(display_path(deck.vault / rel), line or None,
                    f"image {target!r} changed while the deck was written ({why}); "
                    "it is not packed",
                    "build again once the image is in place")
            for (rel, target, line), why in sorted(found.items())]


def _save(run: _Run, notes: dict[str, NoteCards], packed: list[Packed],
          stamp: tuple[tuple[str, str, int, int], ...], again: bool,
          said: list[Diagnostic]) -> None:
    """Keep what this build learnt, and what it ``said`` (an up-to-date build says it
    again). After a note or folder could not be read, or the ledger not written
    (``again``), the next build is never "up to date": it tries them again, or says
    again that it cannot."""
    cache, deck = run.cache, run.deck
    cache.notes, cache.packed, cache.media = notes, {p.key: p for p in packed}, stamp
    cache.fingerprint = "" if again else deck_fingerprint(deck, run.files)
    cache.output = file_stat(deck.output)
    cache.said = tuple(_anchored(d) for d in sorted(said, key=Diagnostic.place))
    run.uncached = save(run.where, cache)


def _without(said: list[Diagnostic], once: list[Diagnostic]) -> list[Diagnostic]:
    """What this build said, less what it said only once (these very diagnostics)."""
    dropped = {id(d) for d in once}
    return [d for d in said if id(d) not in dropped]


def _anchored(said: Diagnostic) -> Diagnostic:
    """A problem kept for a later build, which may run in another folder: its path whole."""
    return replace(said, path=str(Path.cwd() / said.path)) if said.path else said


def _from_here(said: Diagnostic) -> Diagnostic:
    """A kept problem, its path shown from the current folder."""
    return replace(said, path=display_path(Path(said.path))) if said.path else said


def _own_cards(keyed: _Keyed) -> tuple[tuple[str, Subject], ...]:
    """Each card's key and subject, for ``--write-ids``: clipped articles stay as
    clipped, so auto cards are left out."""
    return tuple((i.key, m.subject) for m, i in
                 zip(keyed.made, keyed.identified.identities, strict=True)
                 if i.key is not None and not m.auto)


def _elsewhere(deck: DeckConfig, rels: Collection[str], ledger: dict[str, Entry]
               ) -> Callable[[str], str]:
    """The note, in another deck on the same vault, that a card lives in now."""
    def where(key: str) -> str:
        entry = ledger.get(key)
        if entry is None or entry.path in rels or not os.path.isfile(deck.vault / entry.path):
            return ""
        return f"{entry.path} (another deck)"
    return where


def _reuse(cache: BuildCache, packed: list[Packed], keep: Path,
           force: bool) -> Reuse | None:
    """Patch the last build's collection, if it is the one the cache describes."""
    from highyield.deck.export import Reuse

    if force or not cache.packed or cache.base == (-1, -1) or file_stat(keep) != cache.base:
        return None
    old = cache.packed
    dirty = frozenset(p.key for p in packed if (q := old.get(p.key)) is None or
                      (q.mod, q.fields, q.tags) != (p.mod, p.fields, p.tags))
    return Reuse(keep, dirty)


def _packed(made: list[Made], identified: Identified, before: dict[str, Packed],
            stamp: int) -> list[Packed]:
    """Each card's Anki note (as the last build wrote it, for a settled card whose
    fields are the very ones it wrote; else with the build's time, which a new card
    keeps)."""
    current = []
    settled = identified.settled
    for n, (m, identity) in enumerate(zip(made, identified.identities, strict=True)):
        if identity.key is None:
            continue
        if n in settled and (old := before.get(identity.key)) is not None and \
                old.fields is m.fields and old.tags == m.tags and old.label is m.label \
                and not old.retired:
            current.append(old)
            continue
        s = m.subject
        label = renumber_text(m.label, identity.numbers) if identity.numbers else m.label
        current.append(Packed(identity.key, s.kind, m.fields_numbered(identity.numbers),
                              m.tags, stamp, label, str(SourceRef(s.path, s.line))))
    return current


def _tally(run: _Run, keyed: _Keyed, current: list[Packed], notes: dict[str, NoteCards],
           diagnostics: list[Diagnostic]) -> Tally:
    identities = keyed.identified.identities
    cards = sum(m.cards for m, i in zip(keyed.made, identities, strict=True) if i.key)
    kinds = {k: sum(1 for p in current if p.kind == k.value) for k in CardKind}
    auto = sum(1 for p in current if AUTO_TAG in p.tags)
    images = len(run.media.files) - len(run.left_out)
    return Tally(sum(1 for n in notes.values() if n.sha and not n.kept), kinds, auto, cards, images,
                 keyed.identified.merged, keyed.repeats, tuple(diagnostics),
                 sum(n.untestable for n in notes.values()),
                 sum(n.unsure for n in notes.values()))
