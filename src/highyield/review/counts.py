"""The three numbers Anki shows while you study: the new, learning and review cards left
today, within the day's limits, the card on screen included. The quiz shows them above
every card, so they change with each answer, bury or suspend."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from highyield.review.due import LEARN_AHEAD, Plan
from highyield.review.schedule import Phase, day_end, day_start
from highyield.review.store import Store
from highyield.review.store.reads import answered_since, learning_left, new_left, reviews_left


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
    for deck in plan.which.decks:
        settings = plan.settings[deck]
        new_done, reviews_done = answered_since(
            db, (deck,), day_start(now, plan.tz, settings.day_starts_at))
        which = replace(plan.which, decks=(deck,))
        room = max(0, settings.reviews_per_day - reviews_done - new_done)
        due = reviews_left(db, which, now, end, room)
        review += due
        if plan.new_cards is None:  # new cards fit in the review limit too (due.py)
            new += new_left(db, which, now, max(0, min(settings.new_per_day - new_done,
                                                       room - due)))
    if plan.new_cards is not None:
        new = new_left(db, plan.which, now, max(0, plan.new_cards - new_seen))
    return Left(new, learning_left(db, plan.which, now, now + LEARN_AHEAD), review)
