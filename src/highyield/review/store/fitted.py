"""The store's FSRS parameters, fitted to each deck's reviews, and the reviews they are
fitted to."""

from __future__ import annotations

import json
import math
from datetime import datetime

from highyield.review.store import Store, to_ms
from highyield.review.store.membership import in_decks
from highyield.review.store.values import BadValue

WEIGHTS = 21  # FSRS-6


def weights(store: Store, deck: str) -> tuple[float, ...] | None:
    """The parameters fitted to the deck, or None (FSRS-6's own are used)."""
    row = store.db.execute("SELECT weights FROM parameters WHERE deck = ?", (deck,)).fetchone()
    return None if row is None else _checked(row[0], deck)


def keep(store: Store, deck: str, fitted: tuple[float, ...], reviews: int, log_loss: float,
         now: datetime) -> None:
    with store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO parameters VALUES (?, ?, ?, ?, ?)",
                   (deck, json.dumps(list(fitted)), reviews, log_loss, to_ms(now)))


def answers(store: Store, deck: str) -> list[tuple[str, int, int, int]]:
    """Every answer to the deck's cards: (key, ordinal, time in ms, rating)."""
    inside, args = in_decks(store.db, [deck], "c")
    return store.db.execute(
        "SELECT r.key, r.ord, r.reviewed_at, r.rating FROM reviews r JOIN cards c "
        f"ON c.key = r.key AND c.ord = r.ord WHERE {inside} ORDER BY r.id", args).fetchall()


def _checked(text: str, deck: str) -> tuple[float, ...]:
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if not isinstance(found, list) or len(found) != WEIGHTS or not all(
            isinstance(w, (int, float)) and math.isfinite(w) for w in found):
        raise BadValue(f"the parameters of deck {deck} are not {WEIGHTS} numbers")
    return tuple(float(w) for w in found)
