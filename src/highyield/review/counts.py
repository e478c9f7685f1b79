"""The three numbers Anki shows while you study: the new, learning and review cards left
today, within the day's limits, the card on screen included. The quiz shows them above
every card, so they change with each answer, bury or suspend."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from highyield.review.due import LEARN_AHEAD, Plan, room
from highyield.review.schedule import Phase, day_end
from highyield.review.store import Store
from highyield.review.store.reads import learning_left, new_left, reviews_left


@dataclass(frozen=True)
class Left:
    new: int
    learning: int
    review: int

    def index(self, phase: Phase) -> int:
        """Which of the three numbers a card in ``phase`` is counted in."""
        if phase is Phase.NEW:
            return 0
        return 2 if phase is Phase.REVIEW else 1


def left(store: Store, plan: Plan, now: datetime, new_seen: int = 0) -> Left:
    """What is left to study at ``now``; ``new_seen`` is how many new cards this session
    showed (for ``--new``). Learning cards count once they are due, or due within the
    twenty minutes the quiz shows them early, as in Anki."""
    db = store.db
    end = day_end(now, plan.tz, plan.hour())
    new = review = 0
    for n, deck in enumerate(plan.which.decks):
        reviews_room, new_room = room(store, plan, deck, now)
        # a card two of the decks have is counted in the first
        which = replace(plan.which, decks=(deck,), outside=plan.which.decks[:n])
        review += reviews_left(db, which, now, end, reviews_room)
        if plan.new_cards is None:
            new += new_left(db, which, now, new_room)
    if plan.new_cards is not None:
        new = new_left(db, plan.which, now, max(0, plan.new_cards - new_seen))
    return Left(new, learning_left(db, plan.which, now, now + LEARN_AHEAD), review)
