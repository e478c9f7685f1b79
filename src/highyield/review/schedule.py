"""Scheduling, pure: a card's state and a rating in, the new state and a log entry out.

It schedules as Anki 26 does with FSRS on: FSRS-6 memory states (``fsrs6``), elapsed
time counted in study days (``days``), learning steps (``steps``) that become whole days
when they reach past the end of the study day, Anki's rules that keep the four buttons
apart, and fuzz drawn as Anki draws it (``fuzz``). Nothing here reads a clock, a file or
a random generator of its own: ``now`` and the time zone are passed in, and the fuzz
comes from a seed made of the card's id and its review count, so the same answer always
gives the same interval. docs/scheduling.md says where highyield differs from Anki.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from highyield.config import ReviewSettings
from highyield.review.balance import balanced
from highyield.review.days import UTC, Today, day_end, day_start
from highyield.review.f32 import f32, rounded, whole
from highyield.review.fsrs6 import Forecast, Memory, Params, forecasts
from highyield.review.fuzz import Draw, card_number, floor_for, fuzzed, learning_spread, seed_of
from highyield.review.steps import Steps

__all__ = ["RATINGS", "UTC", "CardState", "Outcome", "Phase", "Rating", "answer", "day_end",
           "day_start", "format_interval", "fuzz_seed", "is_leech", "outcomes", "schedule"]


class Rating(enum.IntEnum):
    Again = 1
    Hard = 2
    Good = 3
    Easy = 4


RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


class Phase(enum.IntEnum):
    """Where a card is in its life."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class CardState:
    phase: Phase = Phase.NEW
    step: int | None = None  # (re)learning: how many of its steps the card has done
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None  # UTC; None until the first answer
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False
    suspended: bool = False
    interval_days: int = 0  # a review card's interval (Anki's ``ivl``); 0 while learning


@dataclass(frozen=True)
class Outcome:
    """What one rating does to a card: shown as a preview, committed when chosen."""

    rating: Rating
    before: CardState
    after: CardState
    reviewed_at: datetime
    new_leech: bool  # this answer made the card a leech: warn the student
    scheduled: int  # seconds of a (re)learning step, or days of a review interval
    shown: timedelta  # the wait the button shows: the step, or the days to its study day

    @property
    def interval(self) -> timedelta:
        return self.shown


def fuzz_seed(card_id: str, reps: int) -> int:
    """The seed of a card's fuzz, made as Anki makes it: its id (a number made from
    highyield's id) plus the answers it has had."""
    return seed_of(card_number(card_id), reps)


def outcomes(state: CardState, now: datetime, settings: ReviewSettings, seed: int | None,
             *, tz: tzinfo = UTC, load: Sequence[int] | None = None) -> dict[Rating, Outcome]:
    """The four possible answers at ``now`` (timezone-aware), computed once. ``seed``
    None turns fuzz off. Study days follow the clocks of ``tz`` (the student's zone).
    ``load``, the cards due on each day from today, turns on the load balancer."""
    draw = None if seed is None else Draw.of(seed)
    return schedule(state, now, settings, draw, tz=tz, load=load)


def answer(state: CardState, rating: Rating, now: datetime, settings: ReviewSettings,
           seed: int | None = None, *, tz: tzinfo = UTC) -> Outcome:
    """The state after answering ``rating`` at ``now``."""
    return outcomes(state, now, settings, seed, tz=tz)[rating]


def schedule(state: CardState, now: datetime, settings: ReviewSettings, draw: Draw | None,
             *, tz: tzinfo = UTC, load: Sequence[int] | None = None) -> dict[Rating, Outcome]:
    """The four possible answers, with the random numbers given (None: no fuzz)."""
    today = Today.at(now, tz, settings.day_starts_at)
    memory = None if state.stability is None or state.difficulty is None or \
        state.phase is Phase.NEW else Memory(state.stability, state.difficulty)
    elapsed = today.elapsed_days(state.last_review)
    ahead = forecasts(memory, elapsed, settings.desired_retention, Params.of(settings.weights))
    plan = _Plan(state, settings, ahead, None if draw is None else draw.factor, load)
    nexts = _NEXT[state.phase](plan)
    return {rating: _place(plan, rating, nxt, today, draw)
            for rating, nxt in zip(RATINGS, nexts, strict=True)}


# ---------------------------------------------------------------- where a rating leads


@dataclass(frozen=True)
class _Next:
    """Where one rating sends a card, before it is placed in time."""

    phase: Phase
    step: int | None
    secs: int = 0  # (re)learning: the wait
    days: int = 0  # review: the interval; relearning: the interval it goes back to


@dataclass(frozen=True)
class _Plan:
    state: CardState
    settings: ReviewSettings
    ahead: tuple[Forecast, Forecast, Forecast, Forecast]  # Again, Hard, Good, Easy
    factor: float | None  # fuzz; None: off
    load: Sequence[int] | None  # cards due on each day from today; None: no balancing

    @property
    def maximum(self) -> int:
        return max(1, self.settings.maximum_interval)

    def review(self, interval: float, minimum: int = 1) -> int:
        """A review interval, balanced or fuzzed, at least ``minimum`` and at most the
        maximum."""
        least = min(max(minimum, 1), self.maximum)
        if self.factor is not None and self.load is not None:
            days = balanced(interval, least, self.maximum, self.factor, self.load)
            if days is not None:
                return days
        return fuzzed(interval, least, self.maximum, self.factor)

    def wait_or_review(self, phase: Phase, step: int | None, secs: int | None,
                       rating: Rating, steps: Steps, days: int = 0) -> _Next:
        """The step's wait; without one, FSRS decides: a wait shorter than half a day
        when the steps are empty (FSRS-6 short-term scheduling), else a review."""
        if secs is not None:
            return _Next(phase, step, secs, days)
        interval = self.ahead[rating - 1].interval
        if not steps.secs and interval < 0.5:
            return _Next(phase, step, whole(f32(interval * 86400.0)), days)
        return _Next(Phase.REVIEW, None, days=self.review(max(1, rounded(interval))))

    def easy(self) -> _Next:
        """Easy out of (re)learning: a review at least a day longer than Good's would be."""
        good = self.review(self.ahead[2].interval)
        return _Next(Phase.REVIEW, None,
                     days=self.review(max(1, rounded(self.ahead[3].interval)), good + 1))


def _learning(plan: _Plan) -> tuple[_Next, ...]:
    steps = Steps.of(plan.settings.learning_steps)
    step = plan.state.step or 0
    learning = Phase.LEARNING
    return (plan.wait_or_review(learning, 0, steps.again(), Rating.Again, steps),
            plan.wait_or_review(learning, step, steps.hard(step), Rating.Hard, steps),
            plan.wait_or_review(learning, steps.index(step) + 1, steps.good(step),
                                Rating.Good, steps),
            plan.easy())


def _relearning(plan: _Plan) -> tuple[_Next, ...]:
    steps = Steps.of(plan.settings.relearning_steps)
    step, kept = plan.state.step or 0, plan.state.interval_days
    again = plan.ahead[0].interval
    relearning = Phase.RELEARNING
    return (plan.wait_or_review(relearning, 0, steps.again(), Rating.Again, steps,
                                days=max(1, rounded(again))),
            plan.wait_or_review(relearning, step, steps.hard(step), Rating.Hard, steps, kept),
            plan.wait_or_review(relearning, steps.index(step) + 1, steps.good(step),
                                Rating.Good, steps, kept),
            plan.easy())


def _review(plan: _Plan) -> tuple[_Next, ...]:
    return (_lapse(plan), *_passing(plan))


def _lapse(plan: _Plan) -> _Next:
    """Again on a review card: relearning steps, or FSRS's short wait, or a review of
    FSRS's interval for a forgotten card (neither fuzzed nor capped, as in Anki)."""
    steps = Steps.of(plan.settings.relearning_steps)
    interval = plan.ahead[0].interval
    days = max(1, rounded(interval))
    if steps.secs:
        return _Next(Phase.RELEARNING, 0, steps.secs[0], days)
    if interval < 0.5:
        return _Next(Phase.RELEARNING, 0, whole(f32(interval * 86400.0)), days)
    return _Next(Phase.REVIEW, None, days=days)


def _passing(plan: _Plan) -> tuple[_Next, _Next, _Next]:
    """Hard, Good and Easy on a review card. Hard is at least a day more than last time
    while the interval grows, Good at least a day more than Hard, Easy than Good."""
    previous, maximum = plan.state.interval_days, plan.maximum
    least = 1
    days = []
    for forecast in plan.ahead[1:]:
        chosen = plan.review(forecast.interval,
                             max(floor_for(forecast.interval, previous, maximum), least))
        days.append(chosen)
        least = chosen + 1
    hard, good, easy = (_Next(Phase.REVIEW, None, days=d) for d in days)
    return hard, good, easy


_NEXT = {Phase.NEW: _learning, Phase.LEARNING: _learning, Phase.REVIEW: _review,
         Phase.RELEARNING: _relearning}


# ---------------------------------------------------------------- placed in time


def _place(plan: _Plan, rating: Rating, nxt: _Next, today: Today,
           draw: Draw | None) -> Outcome:
    state, settings = plan.state, plan.settings
    if nxt.phase is Phase.REVIEW:
        due, shown, scheduled = today.later(nxt.days), timedelta(days=nxt.days), nxt.days
    else:
        scheduled = nxt.secs
        in_days = today.in_days(nxt.secs)
        if in_days is None:
            spread = learning_spread(nxt.secs, draw)
            due, shown = today.now + timedelta(seconds=nxt.secs + spread), \
                timedelta(seconds=nxt.secs)
        else:
            due, shown = today.later(in_days), timedelta(days=in_days)
    lapsed = state.phase is Phase.REVIEW and rating is Rating.Again
    lapses = state.lapses + lapsed
    new_leech = lapsed and is_leech(lapses, settings.leech_lapses)
    memory = plan.ahead[rating - 1].memory.stored()
    after = CardState(nxt.phase, nxt.step, memory.stability, memory.difficulty, due,
                      today.now, state.reps + 1, lapses, state.leech or new_leech,
                      state.suspended or (new_leech and settings.leech_suspend),
                      0 if nxt.phase is Phase.LEARNING else nxt.days)
    return Outcome(rating, state, after, today.now, new_leech, scheduled, shown)


def is_leech(lapses: int, threshold: int) -> bool:
    """Anki's rule: a leech at the threshold, and again every half threshold after
    (rounded up: a threshold of 3 warns at 3, 5, 7…)."""
    every = max(1, -(-threshold // 2))
    return threshold > 0 and lapses >= threshold and (lapses - threshold) % every == 0


# ---------------------------------------------------------------- shown


MONTH_DAYS = 365 / 12


def format_interval(interval: timedelta) -> str:
    """An interval as Anki's answer buttons show it: 1m, 6m, 1.5h, 4d, 1.2mo, 2.1y."""
    seconds = max(0.0, interval.total_seconds())
    if seconds < 60:
        return f"{rounded(seconds)}s"
    if seconds < 3600:
        return f"{rounded(seconds / 60)}m"
    if seconds < 86400:
        return _decimal(seconds / 3600, "h")
    days = seconds / 86400
    if days < MONTH_DAYS:
        return f"{rounded(days)}d"
    if days < 365:
        return _decimal(days / MONTH_DAYS, "mo")
    return _decimal(days / 365, "y")


def _decimal(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}{unit}"
