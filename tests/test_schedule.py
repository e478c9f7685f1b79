"""The scheduler's rules one by one, with Anki 26's own figures where its notes and tests
give them. tests/test_anki_parity.py holds the whole against the anki package."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from highyield.config import ReviewSettings
from highyield.review.balance import balanced
from highyield.review.days import Today
from highyield.review.fuzz import Draw, bounds, floor_for, fuzzed
from highyield.review.schedule import (
    CardState,
    Phase,
    Rating,
    answer,
    day_end,
    day_start,
    format_interval,
    fuzz_seed,
    is_leech,
    outcomes,
    schedule,
)

UTC = timezone.utc
NY = ZoneInfo("America/New_York")
T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
DEFAULTS = ReviewSettings()


def _shown(state: CardState, now: datetime,
           settings: ReviewSettings = DEFAULTS) -> list[str]:
    return [format_interval(o.interval)
            for o in outcomes(state, now, settings, None, tz=NY).values()]


def _answered(ratings: list[tuple[Rating, datetime]],
              settings: ReviewSettings = DEFAULTS) -> CardState:
    state = CardState()
    for rating, now in ratings:
        state = answer(state, rating, now, settings, tz=NY).after
    return state


def _at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


def test_a_new_card_shows_anki_s_previews() -> None:
    shown = outcomes(CardState(), T0, DEFAULTS, seed=None)
    assert [format_interval(o.interval) for o in shown.values()] == ["1m", "6m", "10m", "8d"]
    assert all(o.before == CardState() and o.reviewed_at == T0 for o in shown.values())
    assert shown[Rating.Good].after.phase is Phase.LEARNING


def test_elapsed_time_counts_study_days_from_the_rollover() -> None:
    """The issue's card: Good, Good at 10:10, then two days later at 5 am. Two study days
    have passed (not 1 day and 19 hours), as Anki counts them."""
    state = _answered([(Rating.Good, _at(2, 10)), (Rating.Good, _at(2, 10, 10))])
    assert (state.phase, state.interval_days) == (Phase.REVIEW, 2)
    assert _shown(state, _at(4, 5)) == ["10m", "8d", "11d", "19d"]
    assert Today.at(_at(4, 5), NY, 4).elapsed_days(state.last_review) == 2
    assert Today.at(_at(4, 3, 59), NY, 4).elapsed_days(state.last_review) == 1


def test_a_second_answer_the_same_day_uses_fsrs_short_term_stability() -> None:
    first = answer(CardState(), Rating.Good, _at(2, 10), DEFAULTS, tz=NY).after
    assert (first.stability, first.difficulty) == (2.3065, 2.118)
    later = outcomes(first, _at(2, 10, 10), DEFAULTS, None, tz=NY)
    # Anki's figures: 0.77508 / 2.3065 / 2.3065 / 3.94605, kept to four decimals
    assert [o.after.stability for o in later.values()] == [0.7751, 2.3065, 2.3065, 3.9461]


def test_memory_is_kept_rounded_as_anki_stores_it() -> None:
    state = _answered([(Rating.Hard, _at(2, 10)), (Rating.Good, _at(3, 11)),
                       (Rating.Good, _at(9, 12))])
    assert state.stability is not None and state.difficulty is not None
    assert round(state.stability, 4) == state.stability
    assert round(state.difficulty, 3) == state.difficulty


@pytest.mark.parametrize(("stability", "difficulty", "previous", "elapsed", "expected"), [
    (1.0, 9.0, 1, 1, [2, 3, 4]),  # FSRS says 2, 2, 3: Good and Easy are pushed apart
    (3.0, 8.0, 5, 0, [3, 4, 5]),  # 3, 3, 5: Good is a day more than Hard
    (4.0, 9.0, 6, 1, [6, 7, 8]),  # 5, 5, 6: none below last time's 6, within fuzz reach
    (2.0, 8.0, 6, 0, [2, 3, 4]),  # 2, 2, 3: shrunk far below 6, so no floor from it
])
def test_review_buttons_are_kept_apart_as_in_anki(stability: float, difficulty: float,
                                                  previous: int, elapsed: int,
                                                  expected: list[int]) -> None:
    last = _at(1, 12, month=5)
    state = CardState(Phase.REVIEW, None, stability, difficulty,
                      last + timedelta(days=previous), last, 5, 0, interval_days=previous)
    shown = outcomes(state, last + timedelta(days=elapsed), DEFAULTS, None, tz=NY)
    assert [o.scheduled for o in shown.values()][1:] == expected
    assert shown[Rating.Again].after.phase is Phase.RELEARNING


def test_the_floor_follows_anki_s_examples() -> None:
    assert floor_for(2.7269483, 4, 36500) == 4
    assert floor_for(2.7269483, 5, 36500) == 0
    assert floor_for(4.591988, 4, 36500) == 5


def test_after_a_lapse_easy_is_a_day_more_than_good() -> None:
    state = _answered([(Rating.Good, _at(2, 10)), (Rating.Good, _at(2, 10, 10)),
                       (Rating.Again, _at(4, 5))])
    assert (state.phase, state.lapses) == (Phase.RELEARNING, 1)
    assert _shown(state, _at(4, 5, 10)) == ["10m", "15m", "1d", "2d"]


def test_a_day_long_step_answered_in_the_evening_is_due_the_next_study_day() -> None:
    slow = ReviewSettings(learning_steps=(timedelta(minutes=10), timedelta(days=1)))
    stepped = answer(CardState(), Rating.Good, _at(5, 20), slow, tz=NY)
    assert (stepped.after.phase, format_interval(stepped.interval)) == (Phase.LEARNING, "1d")
    assert stepped.after.due == _at(6, 4)  # the next study day, not 20:00 tomorrow


def test_a_step_past_the_rollover_is_due_when_the_next_day_begins() -> None:
    stepped = answer(CardState(), Rating.Good, _at(5, 3, 55), DEFAULTS, tz=NY)
    assert format_interval(stepped.interval) == "1d"
    assert stepped.after.due == _at(5, 4)
    before = answer(CardState(), Rating.Good, _at(5, 3, 40), DEFAULTS, tz=NY)
    assert before.after.due == _at(5, 3, 50)


@pytest.mark.parametrize(("steps", "expected"), [
    ((1, 10), ["1m", "6m", "10m", "8d"]),  # Hard on the first step: halfway to the second
    ((10,), ["10m", "15m", "2d", "8d"]),  # one step: half as long again
    ((60 * 24,), ["1d", "2d", "2d", "8d"]),  # 1.5 days rounds to 2
    ((5, 60),  ["5m", "33m", "1h", "8d"]),
])
def test_hard_on_the_first_step_waits_as_anki_s_does(steps: tuple[int, ...],
                                                      expected: list[str]) -> None:
    settings = ReviewSettings(learning_steps=tuple(timedelta(minutes=m) for m in steps))
    assert _shown(CardState(), _at(5, 12), settings) == expected


def test_hard_on_a_later_step_repeats_it() -> None:
    on_second = answer(CardState(), Rating.Good, _at(5, 12), DEFAULTS, tz=NY).after
    assert _shown(on_second, _at(5, 12, 10))[:2] == ["1m", "10m"]


def test_without_steps_fsrs_gives_short_waits_itself() -> None:
    bare = ReviewSettings(learning_steps=(), relearning_steps=(), desired_retention=0.95)
    shown = outcomes(CardState(), _at(5, 12), bare, None, tz=NY)
    assert shown[Rating.Again].after.phase is Phase.LEARNING
    assert shown[Rating.Again].interval < timedelta(hours=12)
    assert shown[Rating.Good].after.phase is Phase.REVIEW


@pytest.mark.parametrize(("interval", "minimum", "expected"), [
    (2.5, 1, (2, 3, 4)), (7.0, 1, (5, 7, 9)), (17.0, 1, (14, 17, 20)),
    (37.0, 1, (33, 37, 41)), (100.0, 101, (101, 105, 108)),
    (25.0, 1, (22, 25, 28)),  # the Good 25d: 22-28, not 22-29
])
def test_fuzz_spans_anki_s_range(interval: float, minimum: int,
                                 expected: tuple[int, int, int]) -> None:
    drawn = tuple(fuzzed(interval, minimum, 36500, f) for f in (0.0, 0.5, 0.99))
    assert drawn == expected
    assert bounds(interval, minimum, 36500) == (expected[0], expected[2])


def test_short_intervals_are_not_fuzzed() -> None:
    assert bounds(2.4, 1, 36500) == (2, 2)
    assert fuzzed(1.2, 1, 36500, 0.99) == 1


def test_fuzz_comes_from_the_seed() -> None:
    state = _answered([(Rating.Good, _at(2, 10)), (Rating.Good, _at(2, 10, 10)),
                       (Rating.Good, _at(4, 12))])
    later = _at(15, 12)
    first = outcomes(state, later, DEFAULTS, fuzz_seed("abc:1", 3), tz=NY)
    assert first == outcomes(state, later, DEFAULTS, fuzz_seed("abc:1", 3), tz=NY)
    unfuzzed = outcomes(state, later, DEFAULTS, None, tz=NY)[Rating.Good].scheduled
    low, high = (schedule(state, later, DEFAULTS, Draw(f, 0, 0), tz=NY)[Rating.Good].scheduled
                 for f in (0.0, 0.9999999))
    drawn = {outcomes(state, later, DEFAULTS, fuzz_seed(f"card{n}:1", 3), tz=NY)[Rating.Good]
             .scheduled for n in range(60)}
    assert low < unfuzzed < high
    assert drawn <= set(range(low, high + 1)) and len(drawn) > 3


def test_the_load_balancer_prefers_the_emptier_days_in_the_fuzz_range() -> None:
    crowded = [10] * 99
    crowded[11] = 0  # 10 days fuzz to 8-12; only day 11 is free
    assert [balanced(10.0, 1, 36500, f, crowded) for f in (0.01, 0.5, 0.99)] == [11] * 3
    empty = [0] * 99  # nothing due: every day weighs the same, as plain fuzz
    assert [balanced(10.0, 1, 36500, f, empty) for f in (0.0, 0.5, 0.99)] == \
        [fuzzed(10.0, 1, 36500, f) for f in (0.0, 0.5, 0.99)]
    assert balanced(91.0, 1, 36500, 0.5, crowded) is None  # beyond 90 days: fuzz only


def test_a_learning_step_is_spread_by_up_to_a_quarter() -> None:
    dues = {answer(CardState(), Rating.Again, T0, DEFAULTS, fuzz_seed(f"c{n}", 0)).after.due
            for n in range(40)}
    assert all(d is not None and T0 + timedelta(seconds=60) <= d < T0 +
               timedelta(seconds=75) for d in dues)
    assert len(dues) > 5


def test_the_maximum_interval_caps_reviews() -> None:
    capped = ReviewSettings(maximum_interval=3)
    state, now = CardState(), T0
    for _ in range(6):
        done = answer(state, Rating.Easy, now, capped)
        assert done.interval <= timedelta(days=3)
        state, now = done.after, done.after.due or now


def test_steps_come_from_the_settings() -> None:
    slow = ReviewSettings(learning_steps=(timedelta(minutes=5), timedelta(hours=1)))
    shown = outcomes(CardState(), T0, slow, seed=None)
    assert format_interval(shown[Rating.Again].interval) == "5m"
    assert format_interval(shown[Rating.Good].interval) == "1h"


def _lapse_until_leech(settings: ReviewSettings) -> tuple[list[bool], CardState]:
    state = CardState(Phase.REVIEW, None, 10.0, 5.0, T0, T0 - timedelta(days=10), 5, 0,
                      interval_days=10)
    warned = []
    for _ in range(12):
        lapsed = answer(state, Rating.Again, state.due or T0, settings)
        warned.append(lapsed.new_leech)
        assert lapsed.after.lapses == state.lapses + 1
        state = lapsed.after
        while state.phase is not Phase.REVIEW:
            state = answer(state, Rating.Good, state.due or T0, settings).after
        state = answer(state, Rating.Good, state.due or T0, settings).after
    return warned, state


def test_a_leech_at_eight_lapses_is_tagged_and_warned_about() -> None:
    warned, state = _lapse_until_leech(DEFAULTS)
    assert [n + 1 for n, w in enumerate(warned) if w] == [8, 12]  # again every half threshold
    assert state.leech and not state.suspended


def test_an_odd_threshold_warns_again_every_half_rounded_up() -> None:
    warned, _ = _lapse_until_leech(ReviewSettings(leech_lapses=3))
    assert [n + 1 for n, w in enumerate(warned) if w] == [3, 5, 7, 9, 11]
    assert [n for n in range(1, 20) if is_leech(n, 5)] == [5, 8, 11, 14, 17]


def test_leeches_can_be_suspended() -> None:
    warned, state = _lapse_until_leech(ReviewSettings(leech_lapses=3, leech_suspend=True))
    assert warned[2] and state.leech and state.suspended


def test_only_a_forgotten_review_card_is_a_lapse() -> None:
    learning = answer(CardState(), Rating.Again, T0, DEFAULTS).after
    assert learning.lapses == 0
    assert answer(learning, Rating.Again, T0, DEFAULTS).after.lapses == 0


def test_a_review_falls_due_when_its_study_day_begins_across_the_clock_change() -> None:
    easy = answer(CardState(), Rating.Easy, _at(2, 10), DEFAULTS, tz=NY)
    assert easy.interval == timedelta(days=8)
    assert easy.after.due == _at(10, 4)  # 4 am EDT: clocks went forward on the 8th
    autumn = answer(CardState(), Rating.Easy, _at(28, 22, month=10), DEFAULTS, tz=NY)
    assert autumn.after.due == datetime(2026, 11, 5, 4, tzinfo=NY)  # 4 am EST


def test_a_clock_that_goes_backwards_breaks_nothing() -> None:
    state = _answered([(Rating.Good, _at(2, 10)), (Rating.Good, _at(2, 10, 10)),
                       (Rating.Good, _at(4, 12))])
    earlier = _at(1, 9)  # before the card was ever answered
    shown = outcomes(state, earlier, DEFAULTS, fuzz_seed("k:1", state.reps), tz=NY)
    assert all(o.interval >= timedelta(minutes=10) for o in shown.values())
    dues = [o.after.due for o in shown.values()]
    assert all(due is not None and due > earlier for due in dues)
    assert shown[Rating.Good].after.due == _at(1 + shown[Rating.Good].scheduled, 4)
    assert Today.at(earlier, NY, 4).elapsed_days(state.last_review) == 0


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
    spring = datetime(2026, 3, 8, 12, 0, tzinfo=NY)  # clocks went forward at 2 am
    assert day_end(spring, NY, 4) - day_start(spring, NY, 4) == timedelta(hours=24)
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=NY)  # its day ends at 4 am EDT
    assert day_end(saturday, NY, 4) - day_start(saturday, NY, 4) == timedelta(hours=23)
    autumn = datetime(2026, 10, 31, 12, 0, tzinfo=NY)
    assert day_end(autumn, NY, 4) - day_start(autumn, NY, 4) == timedelta(hours=25)
    assert day_end(autumn, NY, 4).astimezone(NY).hour == 4


def test_elapsed_days_count_the_day_before_a_clock_change_as_anki_does() -> None:
    """Anki reckons the end of the day in the UTC offset of the moment: a review at
    4:07 am on the Saturday before the clocks go back and another that afternoon are on
    the same study day (0 days), although the wall-clock day is 25 hours long. The next
    day, the 48 hours and 53 minutes to its end count as 2 days, in Anki too."""
    morning = _at(31, 4, 7, month=10)
    assert Today.at(_at(31, 15, month=10), NY, 4).elapsed_days(morning) == 0
    assert Today.at(_at(1, 12, month=11), NY, 4).elapsed_days(morning) == 2
    assert Today.at(_at(1, 12, month=11), NY, 4).elapsed_days(_at(31, 5, 7, month=10)) == 1


@pytest.mark.parametrize(("interval", "text"), [
    (timedelta(seconds=30), "30s"), (timedelta(minutes=1), "1m"),
    (timedelta(minutes=5, seconds=30), "6m"), (timedelta(hours=1, minutes=30), "1.5h"),
    (timedelta(hours=2), "2h"), (timedelta(days=4), "4d"), (timedelta(days=30), "30d"),
    (timedelta(days=45), "1.5mo"), (timedelta(days=730), "2y"), (timedelta(days=800), "2.2y"),
])
def test_intervals_read_like_anki_s_buttons(interval: timedelta, text: str) -> None:
    assert format_interval(interval) == text
