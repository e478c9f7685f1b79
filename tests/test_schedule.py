"""The scheduler against py-fsrs itself, with a fixed clock, and the study-day edges."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import pytest

from highyield.config import ReviewSettings
from highyield.review.schedule import (
    CardState,
    Phase,
    Rating,
    answer,
    day_end,
    day_start,
    format_interval,
    fuzz_seed,
    fuzzed_days,
    outcomes,
)

UTC = timezone.utc
T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
DEFAULTS = ReviewSettings()
SEQUENCES = [
    [3, 3, 3, 3, 3, 3],
    [1, 1, 3, 3, 1, 3, 4, 2],
    [4, 2, 1, 3, 3, 4],
    [2, 2, 2, 3, 1, 1, 3],
]
# how long after each answer the next one comes (minutes): soon while learning, then days
WAITS = [1, 10, 60 * 24, 60 * 24 * 3, 60 * 24 * 9, 60 * 24 * 20, 60 * 24 * 40, 60 * 24 * 90]


def _reference(ratings: list[int], fuzz: float | None,
               monkeypatch: pytest.MonkeyPatch) -> list[fsrs.Card]:
    if fuzz is not None:
        monkeypatch.setattr("fsrs.scheduler.random", lambda: fuzz)
    scheduler = fsrs.Scheduler(enable_fuzzing=fuzz is not None)
    card = fsrs.Card(card_id=1, due=T0)
    now, cards = T0, []
    for rating, wait in zip(ratings, WAITS, strict=False):
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=now)
        cards.append(card)
        now += timedelta(minutes=wait)
    return cards


def _ours(ratings: list[int], fuzz: float | None) -> list[CardState]:
    state, now, states = CardState(), T0, []
    for rating, wait in zip(ratings, WAITS, strict=False):
        state = answer(state, Rating(rating), now, DEFAULTS, fuzz).after
        states.append(state)
        now += timedelta(minutes=wait)
    return states


@pytest.mark.parametrize("ratings", SEQUENCES)
@pytest.mark.parametrize("fuzz", [None, 0.0, 0.37, 0.999])
def test_matches_py_fsrs_answer_for_answer(ratings: list[int], fuzz: float | None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _reference(ratings, fuzz, monkeypatch)
    got = _ours(ratings, fuzz)
    for want, have in zip(expected, got, strict=True):
        assert have.phase == Phase(want.state.value)
        assert have.step == want.step
        assert have.stability == pytest.approx(want.stability)
        assert have.difficulty == pytest.approx(want.difficulty)
        assert have.due == want.due
        assert have.last_review == want.last_review


def test_a_new_card_shows_anki_s_previews() -> None:
    shown = outcomes(CardState(), T0, DEFAULTS, seed=None)
    assert [format_interval(o.interval) for o in shown.values()] == ["1m", "6m", "10m", "8d"]
    assert all(o.before == CardState() and o.reviewed_at == T0 for o in shown.values())
    assert shown[Rating.Good].after.phase is Phase.LEARNING


def test_fuzz_comes_from_the_seed() -> None:
    review = _ours([3, 3, 3, 3], None)[-1]
    later = review.due
    assert later is not None
    first = outcomes(review, later, DEFAULTS, fuzz_seed("abc:1", 4))
    again = outcomes(review, later, DEFAULTS, fuzz_seed("abc:1", 4))
    assert first == again
    spread = {outcomes(review, later, DEFAULTS, fuzz_seed(f"card{n}:1", 4))[Rating.Good]
              .after.due for n in range(40)}
    unfuzzed = outcomes(review, later, DEFAULTS, None)[Rating.Good].interval.days
    days = {(due - later).days for due in spread if due is not None}
    assert len(days) > 2
    assert all(abs(d - unfuzzed) <= 0.15 * unfuzzed + 2 for d in days)


def test_fuzz_keeps_to_py_fsrs_bounds() -> None:
    assert fuzzed_days(2, 0.9, 36500) == 2
    # 100 days ± 6.975, drawn as py-fsrs draws: low + draw × (high - low + 1), rounded
    assert fuzzed_days(100, 0.0, 36500) == 93
    assert fuzzed_days(100, 0.5, 36500) == 100
    assert fuzzed_days(100, 0.999, 36500) == 108
    assert fuzzed_days(36500, 0.999, 36500) <= 36500
    assert fuzzed_days(40000, 0.5, 36500) == 36500


def test_the_maximum_interval_caps_reviews() -> None:
    capped = ReviewSettings(maximum_interval=3)
    state = CardState()
    now = T0
    for _ in range(6):
        state = answer(state, Rating.Easy, now, capped).after
        assert state.due is not None and state.due - now <= timedelta(days=3)
        now = state.due


def test_steps_come_from_the_settings() -> None:
    slow = ReviewSettings(learning_steps=(timedelta(minutes=5), timedelta(hours=1)))
    shown = outcomes(CardState(), T0, slow, seed=None)
    assert format_interval(shown[Rating.Again].interval) == "5m"
    assert format_interval(shown[Rating.Good].interval) == "1h"


def _lapse_until_leech(settings: ReviewSettings) -> tuple[list[bool], CardState]:
    state = CardState(Phase.REVIEW, None, 10.0, 5.0, T0, T0 - timedelta(days=10), 5, 0)
    warned = []
    for _ in range(12):
        lapsed = answer(state, Rating.Again, state.due or T0, settings)
        warned.append(lapsed.new_leech)
        assert lapsed.after.lapses == state.lapses + 1
        relearned = answer(lapsed.after, Rating.Good, lapsed.after.due or T0, settings)
        state = answer(relearned.after, Rating.Good, relearned.after.due or T0, settings).after
        if state.phase is not Phase.REVIEW:
            state = answer(state, Rating.Good, state.due or T0, settings).after
    return warned, state


def test_a_leech_at_eight_lapses_is_tagged_and_warned_about() -> None:
    warned, state = _lapse_until_leech(DEFAULTS)
    assert [n + 1 for n, w in enumerate(warned) if w] == [8, 12]  # again every half threshold
    assert state.leech and not state.suspended


def test_leeches_can_be_suspended() -> None:
    warned, state = _lapse_until_leech(ReviewSettings(leech_lapses=3, leech_suspend=True))
    assert warned[2] and state.leech and state.suspended


def test_only_a_forgotten_review_card_is_a_lapse() -> None:
    learning = answer(CardState(), Rating.Again, T0, DEFAULTS).after
    assert learning.lapses == 0
    assert answer(learning, Rating.Again, T0, DEFAULTS).after.lapses == 0


EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(("local", "day"), [
    (datetime(2026, 11, 21, 3, 59, tzinfo=EST), 20),  # before 4 am: still yesterday
    (datetime(2026, 11, 21, 4, 0, tzinfo=EST), 21),
    (datetime(2026, 11, 21, 23, 59, tzinfo=EST), 21),
    (datetime(2026, 11, 22, 0, 30, tzinfo=EST), 21),  # after midnight: still today
])
def test_a_study_day_starts_at_4_am_local_time(local: datetime, day: int) -> None:
    now = local.astimezone(UTC)
    start = day_start(now, EST, 4)
    assert start == datetime(2026, 11, day, 4, tzinfo=EST)
    assert day_end(now, EST, 4) == start + timedelta(days=1)
    assert start.tzinfo == UTC


def test_the_hour_is_configurable() -> None:
    now = datetime(2026, 11, 21, 1, 0, tzinfo=EST)
    assert day_start(now, EST, 0) == datetime(2026, 11, 21, 0, 0, tzinfo=EST)
    assert day_end(now, EST, 0) == datetime(2026, 11, 22, 0, 0, tzinfo=EST)


def test_a_day_across_daylight_saving_is_23_or_25_hours() -> None:
    zone = ZoneInfo("America/New_York")
    spring = datetime(2026, 3, 8, 12, 0, tzinfo=zone)  # clocks went forward at 2 am
    assert day_end(spring, zone, 4) - day_start(spring, zone, 4) == timedelta(hours=24)
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=zone)  # its day ends at 4 am EDT
    assert day_end(saturday, zone, 4) - day_start(saturday, zone, 4) == timedelta(hours=23)
    autumn = datetime(2026, 10, 31, 12, 0, tzinfo=zone)
    assert day_end(autumn, zone, 4) - day_start(autumn, zone, 4) == timedelta(hours=25)
    assert day_end(autumn, zone, 4).astimezone(zone).hour == 4


@pytest.mark.parametrize(("interval", "text"), [
    (timedelta(seconds=30), "30s"), (timedelta(minutes=1), "1m"),
    (timedelta(minutes=5, seconds=30), "6m"), (timedelta(hours=1, minutes=30), "1.5h"),
    (timedelta(hours=2), "2h"), (timedelta(days=4), "4d"), (timedelta(days=45), "1.5mo"),
    (timedelta(days=730), "2y"), (timedelta(days=800), "2.2y"),
])
def test_intervals_read_like_anki_s_buttons(interval: timedelta, text: str) -> None:
    assert format_interval(interval) == text
