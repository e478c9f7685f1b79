"""The review store: every card's scheduling state and every answer, in one SQLite file.

This package is the only place with SQL on highyield's own data. (The other SQL in
highyield is ``deck.export``'s, on the Anki collection it writes into a package.) Each
answer is one transaction (a review row appended, the card's state updated), committed
before the quiz shows the next card; WAL mode with ``synchronous=FULL`` makes a committed
answer survive a crash or power cut. Cards that leave the notes are marked retired, never deleted.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import overload

from highyield import __version__
from highyield.errors import HighyieldError, display_path
from highyield.review.schedule import CardState, Outcome
from highyield.review.store import connect, create, failures, location, membership, values
from highyield.review.store.migrations import MIGRATIONS, missing, upgrade

SCHEMA_VERSION = len(MIGRATIONS)
STATE_COLUMNS = ("phase, step, stability, difficulty, due, last_review, reps, lapses, "
                 "leech, suspended, interval_days")


@dataclass(frozen=True)
class CardRow:
    """A card as the notes give it: what the store keeps besides the schedule."""

    key: str
    ord: int
    source: str  # path:line
    position: int  # order in the notes
    tags: str  # space-separated
    view: str  # JSON: what the quiz shows


@dataclass(frozen=True)
class Hidden:
    """What the student chose to keep a card out of the quiz: buried until a time (the next
    study day), or suspended until they unsuspend it. Leeches may be suspended too."""

    buried_until: datetime | None = None
    suspended: bool = False


@dataclass(frozen=True)
class Synced:
    added: int
    retired: int
    revived: int
    total: int


def to_ms(moment: datetime | None) -> int | None:
    return None if moment is None else round(moment.timestamp() * 1000)


@overload
def from_ms(ms: int) -> datetime: ...
@overload
def from_ms(ms: None) -> None: ...
def from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, timezone.utc)


def state_from_row(row: Sequence[object], card: str = "a card") -> CardState:
    """A card's state from its columns (``STATE_COLUMNS``); a phase or a time highyield
    never writes raises ``values.BadValue``."""
    phase, step, stability, difficulty, due, last, reps, lapses, leech, suspended, days = row
    return CardState(values.phase(phase, card), step, stability,  # type: ignore[arg-type]
                     difficulty, values.moment(due, card, "a due time"),  # type: ignore[arg-type]
                     values.moment(last, card, "a last review time"),
                     reps, lapses, bool(leech), bool(suspended), days)  # type: ignore[arg-type]


def state_values(state: CardState) -> tuple[object, ...]:
    return (int(state.phase), state.step, state.stability, state.difficulty,
            to_ms(state.due), to_ms(state.last_review), state.reps, state.lapses,
            int(state.leech), int(state.suspended), state.interval_days)


def state_json(state: CardState) -> str:
    data = asdict(state)
    data.update(phase=int(state.phase), due=to_ms(state.due),
                last_review=to_ms(state.last_review))
    return json.dumps(data, sort_keys=True)


def state_from_json(text: str, owner: str = "a review") -> CardState:
    data = values.state_data(text, owner)
    data.update(phase=values.phase(data["phase"], owner),
                due=values.moment(data["due"], owner, "a due time before it"),
                last_review=values.moment(data["last_review"], owner, "a last review time"))
    return CardState(**data)  # type: ignore[arg-type]


def _newer(shown: str, version: int) -> HighyieldError:
    return HighyieldError(
        f"{shown} was written by a newer highyield (store version {version}; this "
        f"highyield {__version__} reads up to {SCHEMA_VERSION}); it was not changed",
        hint="upgrade highyield (pip install -U highyield) to study with it")


def _changed(old: sqlite3.Row, row: CardRow) -> bool:
    """Whether what the notes give of a card differs from what the store has."""
    return (old["source"], old["position"], old["tags"], old["view"]) != \
        (row.source, row.position, row.tags, row.view)


class Store:
    def __init__(self, db: sqlite3.Connection, path: Path, created: bool = False) -> None:
        self.db, self.path, self.created = db, path, created
        row = db.execute("PRAGMA database_list").fetchone()  # the file it writes (the
        self.file: str = row[2] if row else ""  # temporary one while a store is made)

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path, writable: bool = True) -> Store:
        """Open (or create) the store, bringing an older schema up to date. A new store
        is made whole beside its place before it is put there (``create``). A store from
        a newer highyield is refused and left exactly as it was, and so are an empty
        file, a damaged one, another program's database and one this user may not write.
        ``writable`` False only reads it (``stats``): that works on a store the user may
        read but not write.

        An SQLite failure inside ``with Store.open(...)`` leaves it as a HighyieldError
        that says what happened to the store (a full disk, a damaged file…)."""
        exists = location.check(path, writable)
        if not exists and not writable:
            raise failures.no_reviews(display_path(path))
        if writable:
            create.remove_leftovers(path)
        created = not exists and cls._make(path)
        cls._refuse(path, writable)
        db = cls._connect(path, writable)
        try:
            version = cls._version(db, path)
        except BaseException:
            db.close()
            raise
        if not writable and version < SCHEMA_VERSION and failures.writable(path):
            db.close()  # an older store is brought up to date first, where it may be
            return cls.open(path)
        store = cls(db, path, created)
        try:
            if writable:
                store._prepare(version)
            else:
                store._check_readable(version)
        except BaseException:
            db.close()
            raise
        return store

    @classmethod
    def _make(cls, path: Path) -> bool:
        """A new store at ``path``, made whole before it is put there (``create``). False
        when another highyield made it meanwhile."""
        try:
            return create.make(path, lambda db: cls(db, path, created=True)._prepare(),
                               SCHEMA_VERSION)
        except create.NotWhole as exc:
            raise failures.not_made(path, exc) from None
        except sqlite3.Error as exc:
            raise failures.explain(exc, path) or exc from None
        except OSError as exc:
            raise failures.cannot_open(display_path(path), exc) from None

    @classmethod
    def _refuse(cls, path: Path, writable: bool) -> None:
        """Refuse, before opening it, an empty file (never started afresh) and, to write
        in, a store this user may not write or on a full disk."""
        if connect.empty(path):
            raise failures.empty(display_path(path))
        if writable and not failures.writable(path):
            raise failures.read_only(path, current=not cls._older(path))
        if writable and failures.full(path):
            raise failures.disk_full(display_path(path))

    @staticmethod
    def _older(path: Path) -> bool:
        """Whether the store is of an older version (read only; False when that cannot
        be told)."""
        try:
            db = connect.reader(path)
            try:
                return 0 < int(db.execute("PRAGMA user_version").fetchone()[0]) < SCHEMA_VERSION
            finally:
                db.close()
        except (OSError, sqlite3.Error):
            return False

    @staticmethod
    def _connect(path: Path, writable: bool) -> sqlite3.Connection:
        try:
            return connect.writer(path) if writable else connect.reader(path)
        except (OSError, sqlite3.Error) as exc:
            raise failures.cannot_open(display_path(path), exc) from None

    @staticmethod
    def _version(db: sqlite3.Connection, path: Path) -> int:
        """The store's version; another program's database or a newer highyield's store
        is refused, before anything is written to it."""
        shown = display_path(path)
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            tables = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                "'sqlite%' ORDER BY name")]
        except sqlite3.DatabaseError as exc:
            raise (failures.explain(exc, path) or failures.not_a_store(shown, exc)) from None
        if tables and (not version or "meta" not in tables):
            raise failures.foreign(shown, tables)
        if version > SCHEMA_VERSION:
            raise _newer(shown, version)
        if version and not tables:
            raise failures.not_a_store(shown, "it has no tables")
        return version

    def _prepare(self, version: int = 0) -> None:
        if not self.created:
            self._check_intact(version)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        with self.transaction():  # may it be written? Said before the quiz shows a card
            found = upgrade(self.db, __version__)
        if found > SCHEMA_VERSION:  # a newer highyield brought it up to date meanwhile
            raise _newer(display_path(self.path), found)
        self.created = self.created or found == 0

    def _check_intact(self, version: int) -> None:
        """A damaged store is said to be so before anything is written to it: one SQLite
        finds damaged, or one without a table or column its version has."""
        try:
            result = str(self.db.execute("PRAGMA quick_check").fetchone()[0])
            lacks = missing(self.db, version) if result == "ok" else None
        except sqlite3.DatabaseError as exc:
            raise self._failed(exc) from None
        if result != "ok":
            raise failures.damaged(display_path(self.path), "database disk image is "
                                                            "malformed")
        if lacks is not None:
            raise failures.damaged(display_path(self.path), lacks)

    def _check_readable(self, version: int) -> None:
        if version < SCHEMA_VERSION:
            raise HighyieldError(
                f"{display_path(self.path)} was written by an older highyield (store "
                f"version {version}), and this user may not write it to bring it up to date",
                hint="run `highyield quiz` once as a user who may write it")
        self._check_intact(version)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error):
            explained = failures.explain(exc, self.path)
            if explained is not None:
                raise explained from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        try:
            yield self.db
            if self._deleted():  # SQLite would write on into the lost file
                raise failures.deleted(display_path(self.path))
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:  # SQLite may have rolled back already
                with suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._failed(exc) from None
            raise

    def _deleted(self) -> bool:
        """Was the file this connection writes deleted since it was opened?"""
        return bool(self.file) and not os.path.lexists(self.file)

    def _failed(self, exc: sqlite3.Error) -> Exception:
        return failures.explain(exc, self.path) or exc

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # ------------------------------------------------------------ decks and cards

    def fingerprint(self, deck: str) -> str | None:
        row = self.db.execute("SELECT fingerprint FROM decks WHERE name = ?",
                              (deck,)).fetchone()
        return None if row is None else str(row[0])

    def day_starts_at(self, decks: Sequence[str]) -> int | None:
        """The hour a study day begins for the first of these decks the store knows."""
        for deck in decks:
            row = self.db.execute("SELECT day_starts_at FROM decks WHERE name = ?",
                                  (deck,)).fetchone()
            if row is not None:
                return values.hour(row[0], f"deck {deck}")
        return None

    def decks(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM decks ORDER BY name")]

    def sync(self, deck: str, rows: Sequence[CardRow], fingerprint: str, day_starts_at: int,
             now: datetime, unseen: Callable[[str], bool] = lambda source: False) -> Synced:
        """Make the deck's cards those of ``rows``: new ones added, changed ones updated,
        missing ones taken out of the deck (see ``membership.leave``) unless ``unseen``
        says their note cannot be read now; returning ones revived. One transaction, the
        deck's cards read inside it (two quizzes reading two decks that share cards)."""
        ms = to_ms(now)
        added = revived = 0
        with self.transaction() as db:
            known = membership.cards_of(db, deck)
            for row in rows:
                old = known.pop((row.key, row.ord), None)
                if old is None:
                    joined = membership.join(db, deck, row, ms)
                    added += joined == "new"
                    revived += joined == "revived"
                elif _changed(old, row) or old["retired_at"] is not None:
                    revived += old["retired_at"] is not None
                    db.execute("UPDATE cards SET source = ?, position = ?, tags = ?, view = ?, "
                               "retired_at = NULL WHERE key = ? AND ord = ?",
                               (row.source, row.position, row.tags, row.view, row.key, row.ord))
            retired = membership.leave(db, deck, [old for old in known.values()
                                                  if old["retired_at"] is None
                                                  and not unseen(old["source"])], ms)
            db.execute("INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?)",
                       (deck, fingerprint, day_starts_at, ms))
        return Synced(added, retired, revived, len(rows))

    def state(self, key: str, ord: int) -> CardState:
        row = self.db.execute(f"SELECT {STATE_COLUMNS} FROM cards WHERE key = ? AND ord = ?",
                              (key, ord)).fetchone()
        if row is None:
            raise KeyError((key, ord))
        return state_from_row(row, values.card(key, ord))

    def view(self, key: str, ord: int, decks: Sequence[str]) -> tuple[str, str, str]:
        """(deck, source, view JSON) of a card; the deck is one of ``decks`` when the card
        is in one of them."""
        among, args = membership.deck_among(decks)
        row = self.db.execute(f"SELECT coalesce({among}, deck), source, view FROM cards "
                              "WHERE key = ? AND ord = ?", (*args, key, ord)).fetchone()
        if row is None:
            raise KeyError((key, ord))
        return row[0], row[1], values.view(row[2], values.card(key, ord))

    # ------------------------------------------------------------ answering

    def answer(self, key: str, ord: int, outcome: Outcome, duration_ms: int,
               again: Callable[[CardState], Outcome] | None = None) -> tuple[int, Outcome]:
        """Record one answer: a review row and the card's new state, in one transaction.
        The card's state is read again inside it: when another session answered the card
        since ``outcome`` was worked out, ``again`` works the answer out from the state
        that session left. Returns the review's id (which ``undo`` takes) and the outcome
        recorded."""
        with self.transaction() as db:
            current = self.state(key, ord)
            if again is not None and state_values(current) != state_values(outcome.before):
                outcome = again(current)
            after = outcome.after
            assert after.due is not None
            cursor = db.execute(
                "INSERT INTO reviews (key, ord, reviewed_at, rating, phase_before, due_after, "
                "duration_ms, before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, ord, to_ms(outcome.reviewed_at), int(outcome.rating),
                 int(outcome.before.phase), to_ms(after.due), duration_ms,
                 state_json(outcome.before)))
            self._set_state(key, ord, after)
        assert cursor.lastrowid is not None
        return cursor.lastrowid, outcome

    def _set_state(self, key: str, ord: int, state: CardState) -> None:
        names = STATE_COLUMNS.split(", ")
        assignments = ", ".join(f"{n} = ?" for n in names)
        self.db.execute(f"UPDATE cards SET {assignments} WHERE key = ? AND ord = ?",
                        (*state_values(state), key, ord))

    def undo(self, review_id: int) -> tuple[str, int] | None:
        """Take back an answer: the card gets its state from before, and the review row
        goes. One transaction. Returns the card's (key, ord); None, changing nothing,
        when another session has answered the card since (its answer counts from this
        one)."""
        with self.transaction() as db:
            row = db.execute("SELECT key, ord, before FROM reviews WHERE id = ?",
                             (review_id,)).fetchone()
            if row is None:
                raise KeyError(review_id)
            key, ord_, before = row
            if db.execute("SELECT 1 FROM reviews WHERE key = ? AND ord = ? AND id > ?",
                          (key, ord_, review_id)).fetchone():
                return None
            self._set_state(key, ord_, state_from_json(before, f"review {review_id}"))
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        return key, ord_

    def hidden(self, refs: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Hidden]:
        """Whether each of these cards is buried or suspended now, as ``hide`` takes it."""
        found: dict[tuple[str, int], Hidden] = {}
        for key, ord_ in refs:
            row = self.db.execute("SELECT buried_until, suspended FROM cards WHERE key = ? "
                                  "AND ord = ?", (key, ord_)).fetchone()
            if row is None:
                raise KeyError((key, ord_))
            found[key, ord_] = Hidden(from_ms(row[0]), bool(row[1]))
        return found

    def hide(self, cards: Mapping[tuple[str, int], Hidden]) -> None:
        """Bury, suspend, or bring back cards (``Hidden()``: shown again). One
        transaction."""
        with self.transaction() as db:
            db.executemany("UPDATE cards SET buried_until = ?, suspended = ? WHERE key = ? "
                           "AND ord = ?", [(to_ms(h.buried_until), int(h.suspended), key, ord_)
                                           for (key, ord_), h in cards.items()])

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
