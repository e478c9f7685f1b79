"""The review store's schema, as an ordered list of named migrations. The store's version
(``PRAGMA user_version``) is how many of them have run. Never edit a released migration:
append a new one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache

Migration = Callable[[sqlite3.Connection], None]


def m001_cards_and_reviews(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE meta (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT""")
    db.execute("""
        CREATE TABLE decks (
            name TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,      -- the notes the cards were last read from
            day_starts_at INTEGER NOT NULL, -- hour, local time
            synced_at INTEGER NOT NULL      -- ms since the epoch, UTC
        ) STRICT""")
    # Times are milliseconds since the epoch, UTC. A card is keyed by its note's stable
    # key (the .apkg guid) and its ordinal: the cloze number, or 0/1 for front/back.
    db.execute("""
        CREATE TABLE cards (
            key TEXT NOT NULL,
            ord INTEGER NOT NULL,
            deck TEXT NOT NULL,
            phase INTEGER NOT NULL DEFAULT 0,  -- 0 new, 1 learning, 2 review, 3 relearning
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due INTEGER,
            last_review INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            added_at INTEGER NOT NULL,
            retired_at INTEGER,                -- gone from the notes; history kept
            source TEXT NOT NULL,              -- path:line in the notes
            position INTEGER NOT NULL,         -- order in the notes, for new cards
            tags TEXT NOT NULL,                -- space-separated
            view TEXT NOT NULL,                -- what the quiz shows (JSON)
            PRIMARY KEY (key, ord)
        ) STRICT""")
    db.execute("""
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            ord INTEGER NOT NULL,
            reviewed_at INTEGER NOT NULL,
            rating INTEGER NOT NULL,           -- 1 again, 2 hard, 3 good, 4 easy
            phase_before INTEGER NOT NULL,
            due_after INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            before TEXT NOT NULL,              -- the card's state before, for undo (JSON)
            FOREIGN KEY (key, ord) REFERENCES cards (key, ord)
        ) STRICT""")
    db.execute("CREATE INDEX reviews_by_time ON reviews (reviewed_at)")
    db.execute("CREATE INDEX reviews_by_card ON reviews (key, ord)")


def m002_leeches_and_burying(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE cards ADD COLUMN leech INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE cards ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE cards ADD COLUMN buried_until INTEGER")
    db.execute("CREATE INDEX cards_by_due ON cards (deck, phase, due)")
    db.execute("CREATE INDEX cards_by_position ON cards (deck, phase, position)")


def m003_review_intervals(db: sqlite3.Connection) -> None:
    """A review card's interval in days, which Anki's rules for the next one start from.
    A card scheduled before is given the days from its last answer to its due time."""
    db.execute("ALTER TABLE cards ADD COLUMN interval_days INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE cards SET interval_days = max(1, CAST(round((due - last_review) "
               "/ 86400000.0) AS INTEGER)) WHERE phase = 2 AND due IS NOT NULL "
               "AND last_review IS NOT NULL")


def m004_fitted_parameters(db: sqlite3.Connection) -> None:
    """FSRS parameters fitted to a deck's reviews (``highyield optimize``)."""
    db.execute("""
        CREATE TABLE parameters (
            deck TEXT PRIMARY KEY,
            weights TEXT NOT NULL,             -- JSON: the 21 FSRS-6 parameters
            reviews INTEGER NOT NULL,          -- how many reviews they were fitted to
            log_loss REAL NOT NULL,            -- on a time-series split
            fitted_at INTEGER NOT NULL
        ) STRICT""")


def m005_pending_anki_sync(db: sqlite3.Connection) -> None:
    """A ``sync-anki`` that has written the Anki collection and not yet the store: what
    the store is to get. While it is there, the quiz waits for ``sync-anki`` to finish."""
    db.execute("""
        CREATE TABLE pending_sync (
            id TEXT PRIMARY KEY,
            collection TEXT NOT NULL,          -- the collection's path
            changes TEXT NOT NULL              -- JSON: the answers and states to write
        ) STRICT""")


def m006_decks_sharing_cards(db: sqlite3.Connection) -> None:
    """The other decks a card is in, besides ``cards.deck`` (the deck that read it last):
    a note two decks read gives both the same card (one schedule), and each deck's quiz
    and stats take it."""
    db.execute("""
        CREATE TABLE also_in (
            key TEXT NOT NULL,
            ord INTEGER NOT NULL,
            deck TEXT NOT NULL,                -- never the card's own cards.deck
            PRIMARY KEY (key, ord, deck),
            FOREIGN KEY (key, ord) REFERENCES cards (key, ord)
        ) STRICT""")
    db.execute("CREATE INDEX also_in_by_deck ON also_in (deck)")
    db.execute("UPDATE decks SET fingerprint = ''")  # each deck reads its notes again


MIGRATIONS: tuple[Migration, ...] = (m001_cards_and_reviews, m002_leeches_and_burying,
                                     m003_review_intervals, m004_fitted_parameters,
                                     m005_pending_anki_sync, m006_decks_sharing_cards)


def upgrade(db: sqlite3.Connection, written_by: str) -> int:
    """Run the migrations the store lacks, inside the caller's write transaction (BEGIN
    IMMEDIATE): the version is read inside it, so two processes opening an older store
    at once never run a migration twice. Returns the version found."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    for migration in MIGRATIONS[version:]:
        migration(db)
    if version < len(MIGRATIONS):
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('written_by', ?)", (written_by,))
    return version


@cache
def columns(version: int) -> dict[str, tuple[str, ...]]:
    """The tables, and their columns, of a store of this version: the first ``version``
    migrations run on an empty database in memory."""
    db = sqlite3.connect(":memory:")
    try:
        for migration in MIGRATIONS[:version]:
            migration(db)
        return {table: tuple(c[1] for c in db.execute(f"PRAGMA table_info({table})"))
                for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = "
                                           "'table' ORDER BY name").fetchall()}
    finally:
        db.close()


def missing(db: sqlite3.Connection, version: int) -> str | None:
    """The first table or column a store of this version should have and ``db`` lacks."""
    for table, wanted in columns(version).items():
        found = {c[1] for c in db.execute(f"PRAGMA table_info({table})")}
        if not found:
            return f"table {table} is missing"
        for column in wanted:
            if column not in found:
                return f"column {column} of table {table} is missing"
    return None
