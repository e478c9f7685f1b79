"""Answers as Anki's review log keeps them, and as highyield's store does. Pure.

A review is known on both sides by its card and its time in milliseconds: Anki's revlog
``id`` is the time of the answer, and highyield's ``reviewed_at`` the same. Anki's manual
entries (a due date set by hand, a reset: ``ease`` 0, or ``type`` 4 and 5) are not
answers and stay in Anki only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from highyield.model import RevlogRow
from highyield.review.schedule import CardState, Phase
from highyield.review.store import from_ms
from highyield.review.store.values import EARLIEST_MS, LATEST_MS

MAX_TAKEN_MS = 60_000  # Anki keeps at most a minute an answer
FILTERED, MANUAL, RESCHEDULED = 3, 4, 5
_KIND = {Phase.NEW: 0, Phase.LEARNING: 0, Phase.REVIEW: 1, Phase.RELEARNING: 2}


@dataclass(frozen=True)
class Answered:
    """One answer to one card, as both sides can keep it."""

    at_ms: int
    rating: int  # 1-4
    duration_ms: int


def answered(row: RevlogRow) -> Answered | None:
    """The answer a revlog row records, or None for a manual entry, and for a time the
    review store keeps no answer at (before 1970 or from the year 3000: a damaged row,
    which the store took and then called damaged; fifteenth fault probe)."""
    if not 1 <= row.ease <= 4 or row.type in (MANUAL, RESCHEDULED) or \
            not EARLIEST_MS <= row.id < LATEST_MS:
        return None
    return Answered(row.id, row.ease, max(0, row.time))


def row_for(answer: Answered, cid: int, before: CardState, after: CardState) -> RevlogRow:
    """The revlog row of an answer given in the quiz, as Anki would have written it."""
    return RevlogRow(answer.at_ms, cid, answer.rating, _ivl(after, answer.at_ms),
                     _ivl(before, answer.at_ms) if before.phase is not Phase.NEW else 0,
                     _factor(after), min(answer.duration_ms, MAX_TAKEN_MS),
                     _KIND[before.phase])


def _ivl(state: CardState, at_ms: int) -> int:
    """Days for a review card; minus the seconds to its due time while learning."""
    if state.phase is Phase.REVIEW:
        return state.interval_days
    if state.due is None:
        return 0
    return -max(0, round(state.due.timestamp() - at_ms / 1000))


def _factor(state: CardState) -> int:
    """FSRS's difficulty as Anki logs it: 100 for the easiest (1) to 1100 (10)."""
    if state.difficulty is None:
        return 0
    return round(((state.difficulty - 1) / 9 + 0.1) * 1000)


def at(answer: Answered) -> datetime:
    return from_ms(answer.at_ms)
