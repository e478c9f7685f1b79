"""Which decks a card is in, as SQL. A note two decks read gives both the same card (one
schedule, one history), and each deck's quiz, stats and sync take it. ``cards.deck`` is the
deck that read the card last, which the store's indexes serve; the ``also_in`` table holds
the other decks that have it, if any. When none of the decks asked about shares a card,
the SQL is the plain, indexed ``deck IN (...)``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def marks(decks: Sequence[str]) -> str:
    return ", ".join("?" * len(decks))


def in_decks(db: sqlite3.Connection, decks: Sequence[str],
             card: str = "cards") -> tuple[str, tuple[str, ...]]:
    """SQL, and its parameters: the card (a row of ``card``, the cards table or its alias)
    is in one of these decks."""
    plain = f"{card}.deck IN ({marks(decks)})"
    if not _shared(db, decks):
        return plain, tuple(decks)
    return (f"({plain} OR EXISTS (SELECT 1 FROM also_in a WHERE a.key = {card}.key AND "
            f"a.ord = {card}.ord AND a.deck IN ({marks(decks)})))", (*decks, *decks))


def _shared(db: sqlite3.Connection, decks: Sequence[str]) -> bool:
    return db.execute(f"SELECT 1 FROM also_in WHERE deck IN ({marks(decks)}) LIMIT 1",
                      tuple(decks)).fetchone() is not None


def deck_among(decks: Sequence[str]) -> str:
    """The card's deck if it is one of these, else the first of these it is also in: the
    deck whose settings apply to it here. Takes the decks twice as parameters."""
    return (f"CASE WHEN cards.deck IN ({marks(decks)}) THEN cards.deck ELSE (SELECT "
            f"min(a.deck) FROM also_in a WHERE a.key = cards.key AND a.ord = cards.ord "
            f"AND a.deck IN ({marks(decks)})) END")
