"""The review store: a real SQLite file, round trips, migrations, refusing newer stores."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from highyield.config import ReviewSettings
from highyield.errors import HighyieldError
from highyield.review.schedule import CardState, Phase, Rating, answer
from highyield.review.store import (
    SCHEMA_VERSION,
    CardRow,
    Store,
    state_from_json,
    state_from_row,
    state_json,
    state_values,
)
from highyield.review.store.exchange import histories, known
from highyield.review.store.membership import STALE, in_decks
from highyield.review.store.migrations import MIGRATIONS
from highyield.review.store.reads import Filter, counts_by_phase, tag_count

UTC = timezone.utc
T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def view(front: str) -> str:
    """What the quiz shows of a card, as the store keeps it (see ``review.views``)."""
    return json.dumps({"front": front, "back": front, "context": "", "cue": [], "extra": [],
                       "images": []})


def rows(*keys: str) -> list[CardRow]:
    return [CardRow(k, 1, f"n.md:{i + 1}", i * 1000, "t", view(k)) for i, k in enumerate(keys)]


def test_a_new_store_is_wal_full_sync_strict(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s" / "r.sqlite3") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        tables = dict(store.db.execute("SELECT name, sql FROM sqlite_master "
                                       "WHERE type = 'table'").fetchall())
        assert set(tables) == {"meta", "decks", "cards", "reviews", "parameters",
                               "pending_sync", "also_in"}
        assert all(sql.rstrip().endswith("STRICT") for sql in tables.values())
        assert store.version == SCHEMA_VERSION == len(MIGRATIONS)


def test_answers_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    with Store.open(path) as store:
        store.sync("D", rows("a", "b"), "print", 4, T0)
        outcome = answer(store.state("a", 1), Rating.Good, T0, ReviewSettings())
        review, _ = store.answer("a", 1, outcome, duration_ms=1234)
    with Store.open(path) as store:
        assert store.state("a", 1) == outcome.after
        assert store.state("b", 1) == CardState()
        logged = store.db.execute("SELECT key, ord, reviewed_at, rating, phase_before, "
                                  "duration_ms FROM reviews").fetchall()
        assert logged == [("a", 1, int(T0.timestamp() * 1000), 3, 0, 1234)]
        assert review == 1


times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1),
                     timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=d.microsecond
                                                                     // 1000 * 1000))
states = st.builds(CardState, st.sampled_from(Phase), st.none() | st.integers(0, 5),
                   st.none() | st.floats(0.001, 36500), st.none() | st.floats(1, 10),
                   st.none() | times, st.none() | times, st.integers(0, 10**6),
                   st.integers(0, 1000), st.booleans(), st.booleans())


@given(states)
def test_every_state_survives_the_columns_and_the_undo_copy(state: CardState) -> None:
    assert state_from_row(state_values(state)) == state
    assert state_from_json(state_json(state)) == state


def test_undo_puts_the_state_back_and_drops_the_review(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.sqlite3") as store:
        store.sync("D", rows("a"), "print", 4, T0)
        first = answer(CardState(), Rating.Again, T0, ReviewSettings())
        store.answer("a", 1, first, 10)
        second = answer(first.after, Rating.Good, T0 + timedelta(minutes=1), ReviewSettings())
        review, _ = store.answer("a", 1, second, 10)
        assert store.undo(review) == ("a", 1)
        assert store.state("a", 1) == first.after
        assert store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_cards_gone_from_the_notes_are_retired_with_their_history(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.sqlite3") as store:
        assert store.sync("D", rows("a", "b"), "p1", 4, T0).added == 2
        outcome = answer(CardState(), Rating.Good, T0, ReviewSettings())
        store.answer("b", 1, outcome, 10)
        gone = store.sync("D", rows("a"), "p2", 4, T0 + timedelta(days=1))
        assert (gone.added, gone.retired, gone.revived) == (0, 1, 0)
        retired = store.db.execute("SELECT key, retired_at FROM cards WHERE retired_at "
                                   "IS NOT NULL").fetchall()
        assert [k for k, _ in retired] == ["b"]
        assert store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
        back = store.sync("D", rows("a", "b"), "p3", 4, T0 + timedelta(days=2))
        assert (back.added, back.retired, back.revived) == (0, 0, 1)
        assert store.state("b", 1) == outcome.after  # its schedule came back with it
        assert store.fingerprint("D") == "p3"


def test_an_unchanged_sync_writes_nothing_but_the_fingerprint(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.sqlite3") as store:
        store.sync("D", rows("a", "b"), "p1", 4, T0)
        before = store.db.total_changes
        again = store.sync("D", rows("a", "b"), "p2", 4, T0)
        assert (again.added, again.retired, again.revived) == (0, 0, 0)
        assert store.db.total_changes - before == 1  # the decks row


def test_a_card_that_moves_to_another_deck_keeps_its_schedule(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.sqlite3") as store:
        store.sync("A", rows("a"), "p", 4, T0)
        outcome = answer(CardState(), Rating.Easy, T0, ReviewSettings())
        store.answer("a", 1, outcome, 10)
        assert store.sync("B", rows("a"), "p", 4, T0).added == 0
        assert store.view("a", 1, ["B"])[0] == "B"
        assert store.state("a", 1) == outcome.after



def _in(store: Store, deck: str) -> list[str]:
    """The active cards of one deck, as the quiz takes them."""
    sql, params = Filter((deck,)).where(store.db, None)
    return sorted(k for (k,) in store.db.execute(f"SELECT key FROM cards WHERE {sql}", params))


def test_a_card_two_decks_read_is_in_both_and_comes_back_to_one_that_still_has_it(
        tmp_path: Path) -> None:
    """A card the deck that read it last drops is retired, and the other deck is marked
    stale: its next reading brings the card back, with its schedule. (Kept active on the
    other deck's word, a renamed deck's old name would keep it for good.)"""
    with Store.open(tmp_path / "r.sqlite3") as store:
        assert store.sync("All", rows("a", "b"), "p", 4, T0).added == 2
        outcome = answer(CardState(), Rating.Good, T0, ReviewSettings())
        store.answer("a", 1, outcome, 10)
        assert store.sync("Cardio", rows("a"), "p", 4, T0).added == 0
        assert (_in(store, "All"), _in(store, "Cardio")) == (["a", "b"], ["a"])
        assert tag_count(store.db, Filter(("All", "Cardio"))) == 2  # one card, not two
        assert store.view("a", 1, ["All"])[0] == "All"
        assert store.view("a", 1, ["Cardio"])[0] == "Cardio"
        assert {d.deck for d in known(store, ["All"]).values()} == {"All"}
        assert {d.deck for d in known(store, ["Cardio"]).values()} == {"Cardio"}
        assert len(histories(store, "All")[("a", 1)]) == 1
        assert len(histories(store, "Cardio")[("a", 1)]) == 1
        left = store.sync("Cardio", [], "p2", 4, T0 + timedelta(days=1))
        assert left.retired == 1 and store.fingerprint("All") == STALE
        assert (_in(store, "All"), _in(store, "Cardio")) == (["b"], [])
        back = store.sync("All", rows("a", "b"), "p3", 4, T0 + timedelta(days=2))
        assert (back.added, back.revived, back.retired) == (0, 1, 0)
        assert store.state("a", 1) == outcome.after  # its schedule came back with it
        assert (_in(store, "All"), _in(store, "Cardio")) == (["a", "b"], [])
        assert counts_by_phase(store.db, ["Cardio"], T0)["retired"] == 0
        gone = store.sync("All", rows("b"), "p4", 4, T0 + timedelta(days=3))
        assert gone.retired == 1 and counts_by_phase(store.db, ["All"], T0)["retired"] == 1


def test_a_shared_card_its_first_deck_drops_stays_the_other_decks(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.sqlite3") as store:
        store.sync("All", rows("a"), "p", 4, T0)
        store.sync("Cardio", rows("a"), "p", 4, T0)
        assert store.sync("All", [], "p2", 4, T0).retired == 0
        assert (_in(store, "All"), _in(store, "Cardio")) == ([], ["a"])
        assert store.view("a", 1, ["All"])[0] == "Cardio"  # none of those: its own deck
        assert store.sync("Cardio", [], "p3", 4, T0).retired == 1
        assert counts_by_phase(store.db, ["Cardio"], T0)["retired"] == 1
        assert counts_by_phase(store.db, ["All"], T0)["retired"] == 0


def test_a_renamed_deck_gets_its_cards_as_its_own_so_its_queries_stay_indexed(
        tmp_path: Path) -> None:
    """The deck that read a card last is ``cards.deck``; the deck it was in before keeps
    it in ``also_in`` (a renamed deck's old name is never read again)."""
    with Store.open(tmp_path / "r.sqlite3") as store:
        store.sync("Cardio", rows("a"), "p", 4, T0)
        outcome = answer(CardState(), Rating.Good, T0, ReviewSettings())
        store.answer("a", 1, outcome, 10)
        assert store.sync("Heart", rows("a"), "p", 4, T0).added == 0
        assert store.db.execute("SELECT deck FROM cards").fetchall() == [("Heart",)]
        assert store.db.execute("SELECT deck FROM also_in").fetchall() == [("Cardio",)]
        assert in_decks(store.db, ["Heart"]) == ("cards.deck IN (?)", ("Heart",))
        assert _in(store, "Heart") == ["a"] and store.state("a", 1) == outcome.after

def _v1_store(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO cards (key, ord, deck, phase, step, stability, difficulty, due, "
               "last_review, reps, lapses, added_at, source, position, tags, view) VALUES "
               "('k', 1, 'D', 2, NULL, 12.5, 5.1, 1780000000000, 1779000000000, 4, 1, "
               "1770000000000, 'n.md:3', 0, 't', '{}')")
    db.execute("INSERT INTO reviews (key, ord, reviewed_at, rating, phase_before, due_after, "
               "duration_ms, before) VALUES ('k', 1, 1779000000000, 3, 2, 1780000000000, "
               "900, '{}')")
    db.execute("INSERT INTO decks VALUES ('D', 'print', 4, 1779000000000)")
    db.close()


def test_an_older_store_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _v1_store(path)
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        state = store.state("k", 1)
        assert (state.phase, state.stability, state.reps, state.lapses) == \
            (Phase.REVIEW, 12.5, 4, 1)
        assert (state.leech, state.suspended) == (False, False)
        assert state.interval_days == 12  # from its last answer to its due time, in days
        assert store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
        assert store.integrity() == "ok"
        assert tag_count(store.db, Filter(("D",))) == 1  # in its deck, as it was
        assert known(store, ["D"])[("k", 1)].deck == "D"
        assert store.fingerprint("D") == ""  # read again: a card it shares is found


def test_a_store_from_a_newer_highyield_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with Store.open(path) as store:
        store.sync("D", rows("a"), "p", 4, T0)
        store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(HighyieldError) as caught:
        Store.open(path)
    assert f"store version {SCHEMA_VERSION + 5}" in caught.value.message
    assert "newer highyield" in caught.value.message and "not changed" in caught.value.message
    assert "upgrade highyield" in caught.value.hint
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not (tmp_path / "new.sqlite3-wal").exists()


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# not a database\n" * 100)
    with pytest.raises(HighyieldError) as caught:
        Store.open(path)
    assert "is not a highyield review store" in caught.value.message
    assert path.read_text() == "# not a database\n" * 100
