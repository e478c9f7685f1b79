"""Scheduling, pure: a card's state and a rating in, the new state and a log entry out.

FSRS-6 through the ``fsrs`` package. Nothing here reads a clock, a file or a random
generator of its own: ``now`` is passed in, and the fuzz that spreads review intervals
comes from a seed made of the card's key and its review count, as Anki seeds it, so the
same answer always gives the same interval.
"""

from __future__ import annotations

import enum
import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

import fsrs
from fsrs.scheduler import FUZZ_RANGES

from highyield.config import ReviewSettings

UTC = timezone.utc
Rating = fsrs.Rating
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


class Phase(enum.IntEnum):
    """Where a card is in its life. 1-3 are the fsrs states."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class CardState:
    phase: Phase = Phase.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None  # UTC; None until the first answer
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False
    suspended: bool = False


@dataclass(frozen=True)
class Outcome:
    """What one rating does to a card: shown as a preview, committed when chosen."""

    rating: Rating
    before: CardState
    after: CardState
    reviewed_at: datetime
    new_leech: bool  # this answer made the card a leech: warn the student

    @property
    def interval(self) -> timedelta:
        assert self.after.due is not None
        return self.after.due - self.reviewed_at


@lru_cache(maxsize=16)
def _scheduler(settings: ReviewSettings) -> fsrs.Scheduler:
    return fsrs.Scheduler(desired_retention=settings.desired_retention,
                          learning_steps=settings.learning_steps,
                          relearning_steps=settings.relearning_steps,
                          maximum_interval=settings.maximum_interval,
                          enable_fuzzing=False)  # fuzz is applied here, from the seed


def fuzz_seed(card_id: str, reps: int) -> int:
    digest = hashlib.sha256(f"{card_id}\x1f{reps}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def outcomes(state: CardState, now: datetime, settings: ReviewSettings,
             seed: int | None) -> dict[Rating, Outcome]:
    """The four possible answers, computed once. ``seed`` None turns fuzz off."""
    draw = None if seed is None else random.Random(seed).random()
    return {rating: answer(state, rating, now, settings, draw) for rating in RATINGS}


def answer(state: CardState, rating: Rating, now: datetime, settings: ReviewSettings,
           fuzz_draw: float | None = None) -> Outcome:
    """The state after answering ``rating`` at ``now`` (timezone-aware)."""
    now = now.astimezone(UTC)
    scheduler = _scheduler(settings)
    card, _ = scheduler.review_card(_fsrs_card(state, now), rating, review_datetime=now)
    due = card.due
    if fuzz_draw is not None and card.state is fsrs.State.Review:
        days = fuzzed_days((due - now).days, fuzz_draw, settings.maximum_interval)
        due = now + timedelta(days=days)
    lapsed = state.phase is Phase.REVIEW and rating is Rating.Again
    lapses = state.lapses + lapsed
    new_leech = lapsed and _is_leech(lapses, settings.leech_lapses)
    after = CardState(Phase(card.state.value), card.step, card.stability, card.difficulty,
                      due, now, state.reps + 1, lapses, state.leech or new_leech,
                      state.suspended or (new_leech and settings.leech_suspend))
    return Outcome(rating, state, after, now, new_leech)


def _fsrs_card(state: CardState, now: datetime) -> fsrs.Card:
    if state.phase is Phase.NEW:
        return fsrs.Card(card_id=0, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(card_id=0, state=fsrs.State(state.phase.value), step=state.step,
                     stability=state.stability, difficulty=state.difficulty,
                     due=state.due or now, last_review=state.last_review)


def _is_leech(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at the threshold, and again every half threshold after."""
    return lapses >= threshold and (lapses - threshold) % max(1, threshold // 2) == 0


def fuzzed_days(days: int, draw: float, maximum: int) -> int:
    """py-fsrs's fuzz with the random draw passed in: a day or two either side for short
    intervals, about 5% for long ones. Intervals under 2.5 days are left alone."""
    if days < 2.5:
        return days
    delta = 1.0
    for fuzz in FUZZ_RANGES:
        delta += fuzz["factor"] * max(min(float(days), fuzz["end"]) - fuzz["start"], 0.0)
    high = min(round(days + delta), maximum)
    low = min(max(2, round(days - delta)), high)
    return min(round(draw * (high - low + 1) + low), maximum)


# ---------------------------------------------------------------- study days


def day_start(now: datetime, tz: tzinfo, hour: int) -> datetime:
    """When the study day that ``now`` falls in began, in UTC. A day runs from ``hour``
    local time to the same hour the next day, so 2 am still counts as yesterday."""
    local = now.astimezone(tz)
    day = (local - timedelta(hours=hour)).date()
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def day_end(now: datetime, tz: tzinfo, hour: int) -> datetime:
    """When the next study day begins, in UTC."""
    local = now.astimezone(tz)
    day = (local - timedelta(hours=hour)).date() + timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def format_interval(interval: timedelta) -> str:
    """An interval as Anki's answer buttons show it: 1m, 6m, 1.5h, 4d, 1.2mo, 2.1y."""
    seconds = max(0.0, interval.total_seconds())
    if seconds < 60:
        return f"{round(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return _decimal(seconds / 3600, "h")
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return _decimal(days / 30, "mo")
    return _decimal(days / 365, "y")


def _decimal(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}{unit}"
