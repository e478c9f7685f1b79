"""The store's side of ``sync-anki``: each card's answers and state, read; the answers and
states Anki gave, written, through a pending record that outlives a crash.

A sync writes the store in two transactions: first the pending record (what the store is
to get), then, once the Anki collection holds its side, the answers and states with the
record removed. While a record is there the quiz does not start (``pending``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from highyield.review.anki.revlog import Answered
from highyield.review.schedule import CardState
from highyield.review.store import (
    STATE_COLUMNS,
    Store,
    state_from_json,
    state_from_row,
    state_json,
    state_values,
    to_ms,
)
from highyield.review.store.membership import deck_among, in_decks
from highyield.review.store.values import card


@dataclass(frozen=True)
class Known:
    """A card of the store: its deck, state and answers (oldest first)."""

    deck: str
    state: CardState
    answers: tuple[Answered, ...]


@dataclass(frozen=True)
class Written:
    """What the store gets for one card: answers with the state before and after each,
    and the card's state afterwards."""

    key: str
    ord: int
    answers: tuple[tuple[Answered, CardState, CardState], ...]
    state: CardState


@dataclass(frozen=True)
class Pending:
    id: str
    collection: str
    cards: tuple[Written, ...]
    # answers of the store that Anki got a few ms later (that time was taken there):
    # key, ord, time here, time there; the store's moves to match
    moved: tuple[tuple[str, int, int, int], ...] = ()


def known(store: Store, decks: Sequence[str]) -> dict[tuple[str, int], Known]:
    """Every card of these decks, retired ones too."""
    answers: dict[tuple[str, int], list[Answered]] = defaultdict(list)
    inside, args = in_decks(store.db, decks, "c")
    for key, ord_, at_ms, rating, duration in store.db.execute(
            "SELECT r.key, r.ord, r.reviewed_at, r.rating, r.duration_ms FROM reviews r "
            f"JOIN cards c ON c.key = r.key AND c.ord = r.ord WHERE {inside} "
            "ORDER BY r.reviewed_at, r.id", args):
        answers[key, ord_].append(Answered(at_ms, rating, duration))
    inside, args = in_decks(store.db, decks)
    among, first = deck_among(decks)
    return {(row[0], row[1]): Known(row[2], state_from_row(row[3:], card(row[0], row[1])),
                                    tuple(answers[row[0], row[1]]))
            for row in store.db.execute(
                f"SELECT key, ord, {among}, {STATE_COLUMNS} FROM cards WHERE {inside}",
                (*first, *args))}


def histories(store: Store, deck: str
              ) -> dict[tuple[str, int], list[tuple[Answered, CardState]]]:
    """Each studied card's answers, oldest first, each with the card's state before it."""
    found: dict[tuple[str, int], list[tuple[Answered, CardState]]] = defaultdict(list)
    inside, args = in_decks(store.db, [deck], "c")
    for key, ord_, at_ms, rating, duration, before in store.db.execute(
            "SELECT r.key, r.ord, r.reviewed_at, r.rating, r.duration_ms, r.before FROM "
            f"reviews r JOIN cards c ON c.key = r.key AND c.ord = r.ord WHERE {inside} "
            "ORDER BY r.reviewed_at, r.id", args):
        found[key, ord_].append((Answered(at_ms, rating, duration),
                                 state_from_json(before, card(key, ord_))))
    return found


def pending(store: Store) -> Pending | None:
    row = store.db.execute("SELECT id, collection, changes FROM pending_sync").fetchone()
    return None if row is None else Pending(row[0], row[1], *_loaded(row[2]))


def hold(store: Store, record: Pending) -> None:
    """Keep what the store is to get, before the collection is written."""
    with store.transaction() as db:
        db.execute("DELETE FROM pending_sync")
        db.execute("INSERT INTO pending_sync VALUES (?, ?, ?)",
                   (record.id, record.collection, _dumped(record)))


def drop(store: Store) -> None:
    """Forget a pending record whose collection never got its side."""
    with store.transaction() as db:
        db.execute("DELETE FROM pending_sync")


def finish(store: Store, record: Pending) -> None:
    """Write the record's answers and states, and remove it: one transaction. An answer
    the store has (the same card and time) is not written twice."""
    with store.transaction() as db:
        for written in record.cards:
            for answered, before, after in written.answers:
                if db.execute("SELECT 1 FROM reviews WHERE key = ? AND ord = ? AND "
                              "reviewed_at = ?", (written.key, written.ord,
                                                  answered.at_ms)).fetchone():
                    continue
                db.execute("INSERT INTO reviews (key, ord, reviewed_at, rating, phase_before, "
                           "due_after, duration_ms, before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (written.key, written.ord, answered.at_ms, answered.rating,
                            int(before.phase), to_ms(after.due) or answered.at_ms,
                            answered.duration_ms, state_json(before)))
            names = STATE_COLUMNS.split(", ")
            db.execute(f"UPDATE cards SET {', '.join(f'{n} = ?' for n in names)} WHERE "
                       "key = ? AND ord = ?",
                       (*state_values(written.state), written.key, written.ord))
        for key, ord_, at, to in record.moved:
            db.execute("UPDATE reviews SET reviewed_at = ? WHERE key = ? AND ord = ? AND "
                       "reviewed_at = ?", (to, key, ord_, at))
            db.execute("UPDATE cards SET last_review = ? WHERE key = ? AND ord = ? AND "
                       "last_review = ?", (to, key, ord_, at))
        db.execute("DELETE FROM pending_sync WHERE id = ?", (record.id,))


def _dumped(record: Pending) -> str:
    cards = [{"key": w.key, "ord": w.ord, "state": state_json(w.state),
              "answers": [[a.at_ms, a.rating, a.duration_ms, state_json(b), state_json(c)]
                          for a, b, c in w.answers]} for w in record.cards]
    return json.dumps({"cards": cards, "moved": [list(m) for m in record.moved]})


def _loaded(text: str) -> tuple[tuple[Written, ...], tuple[tuple[str, int, int, int], ...]]:
    """A record's cards and moved answers (a record an earlier version wrote is the list
    of cards alone)."""
    data = json.loads(text)
    cards, moved = (data, []) if isinstance(data, list) else (data["cards"], data["moved"])
    return tuple(Written(c["key"], c["ord"], tuple(
        (Answered(a[0], a[1], a[2]), state_from_json(a[3]), state_from_json(a[4]))
        for a in c["answers"]), state_from_json(c["state"])) for c in cards), \
        tuple((m[0], m[1], m[2], m[3]) for m in moved)
