"""Which decks a card is in, as SQL. A note two decks read gives both the same card (one
schedule, one history), and each deck's quiz, stats and sync take it. ``cards.deck`` is the
deck that read the card last, which the store's indexes serve; the ``also_in`` table holds
the other decks that have it, if any. When none of the decks asked about shares a card,
the SQL is the plain, indexed ``deck IN (...)``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from highyield.review.store import CardRow

STALE = "-"  # a deck's fingerprint when a card it may still have was retired: read it again


def _marks(decks: Sequence[str]) -> str:
    return ", ".join("?" * len(decks))


def in_decks(db: sqlite3.Connection, decks: Sequence[str],
             card: str = "cards") -> tuple[str, tuple[str, ...]]:
    """SQL, and its parameters: the card (a row of ``card``, the cards table or its alias)
    is in one of these decks."""
    plain = f"{card}.deck IN ({_marks(decks)})"
    if not _shared(db, decks):
        return plain, tuple(decks)
    return (f"({plain} OR EXISTS (SELECT 1 FROM also_in a WHERE a.key = {card}.key AND "
            f"a.ord = {card}.ord AND a.deck IN ({_marks(decks)})))", (*decks, *decks))


def _shared(db: sqlite3.Connection, decks: Sequence[str]) -> bool:
    return db.execute(f"SELECT 1 FROM also_in WHERE deck IN ({_marks(decks)}) LIMIT 1",
                      tuple(decks)).fetchone() is not None


def deck_among(decks: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """SQL, and its parameters: the card's deck if it is one of these, else the first of
    these it is also in (the deck whose settings apply to it here), else NULL."""
    return (f"CASE WHEN cards.deck IN ({_marks(decks)}) THEN cards.deck ELSE (SELECT "
            f"min(a.deck) FROM also_in a WHERE a.key = cards.key AND a.ord = cards.ord "
            f"AND a.deck IN ({_marks(decks)})) END", (*decks, *decks))


def cards_of(db: sqlite3.Connection, deck: str) -> dict[tuple[str, int], sqlite3.Row]:
    """The deck's cards: those it read last (``cards.deck``), and those it is also in."""
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    columns = "c.key, c.ord, c.deck, c.source, c.position, c.tags, c.view, c.retired_at"
    cursor.execute(f"SELECT {columns} FROM cards c WHERE c.deck = ? UNION ALL "
                   f"SELECT {columns} FROM also_in a JOIN cards c ON c.key = a.key "
                   "AND c.ord = a.ord WHERE a.deck = ?", (deck, deck))
    return {(r["key"], r["ord"]): r for r in cursor}


def join(db: sqlite3.Connection, deck: str, row: CardRow,
         ms: int | None) -> Literal["new", "joined", "revived"]:
    """A card the deck did not have: new, or one another deck has ("joined") or had
    ("revived"), with its schedule. It becomes this deck's (``cards.deck``, whose queries
    the indexes serve); a deck that still has it keeps it in ``also_in``."""
    if db.execute("INSERT INTO cards (key, ord, deck, added_at, source, position, tags, "
                  "view) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key, ord) DO NOTHING",
                  (row.key, row.ord, deck, ms, row.source, row.position, row.tags,
                   row.view)).rowcount:
        return "new"
    moved = db.execute("INSERT OR IGNORE INTO also_in SELECT key, ord, deck FROM cards "
                       "WHERE key = ? AND ord = ? AND retired_at IS NULL",
                       (row.key, row.ord)).rowcount
    db.execute("UPDATE cards SET deck = ?, source = ?, position = ?, tags = ?, view = ?, "
               "retired_at = NULL WHERE key = ? AND ord = ?",
               (deck, row.source, row.position, row.tags, row.view, row.key, row.ord))
    return "joined" if moved else "revived"


def leave(db: sqlite3.Connection, deck: str, gone: Sequence[sqlite3.Row],
          ms: int | None) -> int:
    """These cards leave the deck. One the deck is only also in leaves ``also_in``. One
    it read last is retired (it stays this deck's), and the other decks that had it are
    marked ``STALE``: each reads its notes again at its next quiz, and a card it still
    has comes back with its schedule (a deck renamed in its file is never read again
    under its old name, so its cards must not be kept on its word). Returns how many
    were retired."""
    retired = 0
    for card in gone:
        ref = (card["key"], card["ord"])
        if card["deck"] != deck:
            db.execute("DELETE FROM also_in WHERE key = ? AND ord = ? AND deck = ?",
                       (*ref, deck))
            continue
        db.execute("UPDATE decks SET fingerprint = ? WHERE name IN (SELECT deck FROM also_in "
                   "WHERE key = ? AND ord = ?)", (STALE, *ref))
        db.execute("DELETE FROM also_in WHERE key = ? AND ord = ?", ref)
        db.execute("UPDATE cards SET retired_at = ? WHERE key = ? AND ord = ?", (ms, *ref))
        retired += 1
    return retired
