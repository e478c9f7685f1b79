"""``sync-anki``: the store's and a collection's review histories made one, safely.

The order makes a crash at any moment harmless:

1. both sides are read, and every card merged (``merge``); nothing is written yet;
2. the collection is backed up, as Anki backs it up;
3. the store keeps a pending record of what it is to get (one transaction);
4. the collection gets its answers, states and a marker naming the record (one
   transaction of the collection);
5. the store gets its answers and states, and the record goes (one transaction).

Killed before 4 commits, the collection is as it was, and the next sync drops the record
and starts again. Killed after, the marker says the collection has its side, and the
next sync (which the quiz waits for) finishes the store's from the record.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path

from highyield.config import DeckConfig, ReviewSettings
from highyield.errors import HighyieldError, display_path
from highyield.model import RevlogRow
from highyield.review.anki import collection
from highyield.review.anki.cards import AnkiDay, anki_of, state_of
from highyield.review.anki.collection import Change, Found, NoteText
from highyield.review.anki.merge import Merged, Side, merge
from highyield.review.anki.revlog import answered, row_for
from highyield.review.store import Store, fitted
from highyield.review.store.exchange import (
    Known,
    Pending,
    Written,
    drop,
    finish,
    hold,
    known,
    pending,
)


@dataclass
class Tally:
    matched: int = 0  # cards both sides know
    only_here: int = 0  # cards of these decks Anki does not have
    only_anki: int = 0  # cards of highyield's note types in Anki the store does not have
    set_aside: int = 0  # cards in a filtered deck in Anki, or with a schedule no card has
    to_anki: int = 0  # answers written to the collection
    to_store: int = 0  # answers written to the store
    anki_cards: int = 0  # cards whose schedule changed in Anki
    store_cards: int = 0  # in the store
    presets: int = 0  # Anki option presets given the FSRS parameters fitted here
    notes: int = 0  # Anki notes whose text or highyield's tags changed
    fsrs_off: bool = False  # Anki schedules its own answers with SM-2, not FSRS
    backup: Path | None = None
    finished: bool = False  # an interrupted sync was finished first
    dry_run: bool = False


@dataclass
class _Plan:
    store: list[Written] = field(default_factory=list)
    anki: list[Change] = field(default_factory=list)
    decks: dict[str, set[int]] = field(default_factory=dict)  # with fitted parameters


def sync_anki(store: Store, decks: Sequence[DeckConfig], path: Path, tz: tzinfo,
              dry_run: bool = False, texts: Mapping[str, NoteText] | None = None,
              note_types: frozenset[int] = frozenset()) -> Tally:
    """Merge the decks' review histories with the collection at ``path`` both ways, and
    give its notes the text and tags ``texts`` has for them (by guid)."""
    path = path.resolve()
    tally = Tally(finished=_resume(store, path), dry_run=dry_run)
    settings = {d.name: replace(d.review, weights=fitted.weights(store, d.name))
                for d in decks}
    here = known(store, list(settings))
    with collection.opened(path) as col:
        found, tally.only_anki = collection.find(col, set(here), note_types)
        tally.fsrs_off = not col.get_config("fsrs", False)
        plan = _planned(here, found, collection.revlog(col, {f.cid for f in found.values()}),
                        collection.day_of(col), settings, tz, tally)
        params = {conf: list(weights) for name, dids in plan.decks.items()
                  if (weights := settings[name].weights) is not None
                  for conf in collection.presets(col, dids)}
        notes = collection.note_updates(col, {found[ref].nid: texts[ref[0]] for ref in found
                                              if texts and ref[0] in texts})
        tally.notes = len(notes)
        if dry_run or not (plan.store or plan.anki or notes or
                           collection.new_params(col, params)):
            return tally  # a second sync: nothing to write, no backup either
        plan.anki, moved = collection.placed(col, plan.anki)
        refs = {f.cid: ref for ref, f in found.items()}
        tally.backup = collection.backup(col, path)
        record = Pending(uuid.uuid4().hex, str(path), tuple(plan.store),
                         tuple((*refs[cid], at, to) for cid, at, to in moved))
        hold(store, record)
        tally.presets = collection.write(col, plan.anki, record.id, params, notes)
    finish(store, record)
    return tally


def unfinished(store: Store) -> HighyieldError | None:
    """Why the quiz must wait: a sync killed after the collection got its side."""
    record = pending(store)
    if record is None:
        return None
    return HighyieldError(
        f"a sync with the Anki collection {display_path(Path(record.collection))} was "
        "interrupted before the review store got its side; the quiz waits for it",
        hint=f"finish it: highyield sync-anki '{record.collection}'")


def _resume(store: Store, path: Path) -> bool:
    """Finish a sync that was killed after the collection got its side; drop one killed
    before. True when one was finished."""
    record = pending(store)
    if record is None:
        return False
    if Path(record.collection) != path:
        raise HighyieldError(
            f"a sync with {display_path(Path(record.collection))} was interrupted; it is "
            "finished first", hint=f"run: highyield sync-anki '{record.collection}'")
    with collection.opened(path) as col:
        done = collection.marker(col) == record.id
    if done:
        finish(store, record)
    else:
        drop(store)
    return done


def _planned(here: dict[tuple[str, int], Known], found: dict[tuple[str, int], Found],
             logs: dict[int, list[RevlogRow]], day: AnkiDay,
             settings: dict[str, ReviewSettings], tz: tzinfo, tally: Tally) -> _Plan:
    plan = _Plan()
    for ref, mine in here.items():
        if ref in found and settings[mine.deck].weights is not None:
            plan.decks.setdefault(mine.deck, set()).add(found[ref].did)
    tally.only_here = len(here) - len(found)
    tally.matched = len(found)  # less those set aside, below
    for ref, mine in here.items():
        theirs = found.get(ref)
        if theirs is None:
            continue
        deck = settings[mine.deck]
        try:
            if theirs.filtered:
                raise ValueError("in a filtered deck")
            state = state_of(theirs.card, day, deck, theirs.leech)
        except (ValueError, OverflowError):  # left alone, said; the next sync tries again
            tally.set_aside += 1
            continue
        answers = tuple(a for a in map(answered, logs[theirs.cid]) if a is not None)
        merged = merge(f"{ref[0]}:{ref[1]}", Side(mine.answers, mine.state),
                       Side(answers, state), deck, tz)
        _add(plan, ref, theirs, merged, day, deck, tally)
    return plan


def _add(plan: _Plan, ref: tuple[str, int], theirs: Found, merged: Merged, day: AnkiDay,
         deck: ReviewSettings, tally: Tally) -> None:
    if merged.to_store or merged.store_changed:
        plan.store.append(Written(ref[0], ref[1], tuple(
            (s.answer, s.before, s.after) for s in merged.to_store), merged.state))
        tally.to_store += len(merged.to_store)
        tally.store_cards += merged.store_changed
    rows = tuple(row_for(s.answer, theirs.cid, s.before, s.after) for s in merged.to_anki)
    card = anki_of(merged.state, theirs.card, day, deck) if merged.anki_changed else None
    leech = merged.state.leech and not theirs.leech
    if rows or card is not None or leech:
        plan.anki.append(Change(theirs.cid, card, rows, leech))
        tally.to_anki += len(rows)
        tally.anki_cards += card is not None
