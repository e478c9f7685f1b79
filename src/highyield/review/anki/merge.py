"""One card's two histories made one. Pure.

Each side gets the answers it lacks. The card's state then follows from the merged
history, by one scheduler: when only one side had answers the other lacked, that side's
state is the history's (both schedule as Anki does), and the other side takes it; when
both had, the merged history is answered again, from a new card, by highyield's
scheduler, and both sides take the result. A card suspended on either side is suspended
on both, and a leech on either side is one on both.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import tzinfo

from highyield.config import ReviewSettings
from highyield.review.anki.revlog import Answered, at
from highyield.review.schedule import CardState, Rating, answer, fuzz_seed

SAME_MS = 5


@dataclass(frozen=True)
class Side:
    """What one side knows of a card."""

    answers: tuple[Answered, ...]
    state: CardState


@dataclass(frozen=True)
class Step:
    """One answer in the merged history, with the card's state before and after it."""

    answer: Answered
    before: CardState
    after: CardState


@dataclass(frozen=True)
class Merged:
    to_store: tuple[Step, ...]  # answers only Anki had
    to_anki: tuple[Step, ...]  # answers only the store had
    state: CardState  # the card's state on both sides afterwards
    store_changed: bool
    anki_changed: bool


def merge(card: str, store: Side, anki: Side, settings: ReviewSettings,
          tz: tzinfo) -> Merged:
    """``card``: the card's name in highyield (its fuzz comes from it)."""
    history, only_store, only_anki = _union(store.answers, anki.answers)
    if not only_store and not only_anki:
        return _marks_only(store.state, anki.state)
    steps = replay(card, history, settings, tz)
    if only_store and only_anki:
        state = steps[-1].after
    else:
        state = anki.state if only_anki else store.state
    state = replace(state, suspended=store.state.suspended or anki.state.suspended,
                    leech=store.state.leech or anki.state.leech)
    return Merged(tuple(s for s in steps if s.answer.at_ms in only_anki),
                  tuple(s for s in steps if s.answer.at_ms in only_store), state,
                  state != store.state, state != anki.state)


def _union(store: Sequence[Answered], anki: Sequence[Answered]
           ) -> tuple[list[Answered], set[int], set[int]]:
    """The merged history, and the times of the answers only one side has. An answer in
    Anki within ``SAME_MS`` of one in the store is the same answer (Anki moves a time
    that another card's answer has by a millisecond)."""
    times = sorted(a.at_ms for a in store)
    only_anki = {a.at_ms for a in anki if not _near(times, a.at_ms)}
    seen = sorted(a.at_ms for a in anki)
    only_store = {a.at_ms for a in store if not _near(seen, a.at_ms)}
    history = [*store, *(a for a in anki if a.at_ms in only_anki)]
    return sorted(history, key=lambda a: a.at_ms), only_store, only_anki


def _near(times: list[int], at_ms: int) -> bool:
    i = bisect.bisect_left(times, at_ms - SAME_MS)
    return i < len(times) and times[i] <= at_ms + SAME_MS


def _marks_only(store: CardState, anki: CardState) -> Merged:
    """No answer is new on either side: only a suspension or a leech made on one side
    goes to the other; the schedules stay as they are."""
    suspended, leech = store.suspended or anki.suspended, store.leech or anki.leech
    state = replace(store, suspended=suspended, leech=leech)
    return Merged((), (), state, state != store, suspended != anki.suspended)


def replay(card: str, history: Sequence[Answered], settings: ReviewSettings,
           tz: tzinfo) -> tuple[Step, ...]:
    """The history answered again from a new card, as the quiz would have answered it."""
    state, steps = CardState(), []
    for a in history:
        outcome = answer(state, Rating(a.rating), at(a), settings,
                         fuzz_seed(card, state.reps), tz=tz)
        steps.append(Step(a, state, outcome.after))
        state = outcome.after
    return tuple(steps)
