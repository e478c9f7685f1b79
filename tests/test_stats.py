"""``highyield stats``: the figures from a store filled with known answers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import ReviewSettings
from highyield.review.schedule import CardState, Rating, answer
from highyield.review.stats import Stats, compute, forecast_chart, text
from highyield.review.store import CardRow, Hidden, Store

UTC = timezone.utc
EST = timezone(timedelta(hours=-5))
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=EST)


def _store(path: Path, now: datetime) -> None:
    """Six cards: two graduated three days ago, one forgotten since, one learning, two new;
    one more retired."""
    rows = [CardRow(f"k{n}", 1, f"n.md:{n}", n, "", "{}") for n in range(7)]
    settings = ReviewSettings()
    with Store.open(path) as store:
        store.sync("D", rows, "p", 4, now - timedelta(days=5))
        store.sync("D", rows[:6], "p", 4, now - timedelta(days=4))  # k6 retired
        for key, first in (("k0", Rating.Easy), ("k1", Rating.Easy)):
            done = answer(CardState(), first, now - timedelta(days=3), settings)
            store.answer(key, 1, done, 2000)
        review = answer(store.state("k1", 1), Rating.Again, now - timedelta(days=2), settings)
        store.answer("k1", 1, review, 3000)
        passed = answer(store.state("k0", 1), Rating.Good, now - timedelta(days=1), settings)
        store.answer("k0", 1, passed, 3000)
        store.answer("k2", 1, answer(CardState(), Rating.Good, now, settings), 1000)


def test_figures(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _store(path, NOW)
    with Store.open(path) as store:
        stats = compute(store, ["D"], NOW.astimezone(UTC), EST, 4)
    assert stats.counts == {"new": 3, "learning": 2, "review": 1, "retired": 1, "leech": 0,
                            "suspended": 0, "buried": 0}
    assert stats.retention == 0.5 and stats.retention_reviews == 2  # k1 forgotten, k0 kept
    assert stats.reviews_by_day[-4:] == [2, 1, 1, 1] and sum(stats.reviews_by_day) == 5
    assert stats.reviews_today == 1
    assert stats.streak == 4
    assert stats.due_today == 2  # k2 in 10 minutes and k1 relearning, overdue
    assert sum(stats.forecast) == 3 and len(stats.forecast) == 30
    assert stats.due_week == sum(stats.forecast[:7])
    assert stats.first_day == "2026-11-21"


def test_the_streak_allows_today_not_studied_yet(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _store(path, NOW - timedelta(days=1))
    with Store.open(path) as store:
        assert compute(store, ["D"], NOW.astimezone(UTC), EST, 4).streak == 4
        assert compute(store, ["D"], (NOW + timedelta(days=1)).astimezone(UTC), EST,
                       4).streak == 0


def test_the_text_draws_a_forecast(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _store(path, NOW)
    with Store.open(path) as store:
        shown = text(compute(store, ["D"], NOW.astimezone(UTC), EST, 4))
    lines = shown.splitlines()
    assert lines[0] == "Cards: 3 new · 2 learning · 1 review · 1 retired · 0 leeches · 0 suspended"
    assert lines[2] == "True retention, last 30 days: 50% (2 answers to review cards)"
    assert lines[3] == ("Reviews: 1 today · 1.2 a day on the 4 days studied in the last 30 · "
                        "streak 4 days")
    # a week a row, a mark a day: two due today (one overdue), one in 16 days (as Anki
    # schedules it: Good on a card a day after its first Good)
    assert lines[4:] == [
        "",
        "Due in the next 30 days, a mark a day (· none, █ 2):",
        "  Sat 21 Nov  █······  2",
        "  Sat 28 Nov  ·······  0",
        "  Sat 5 Dec   ··▄····  1",
        "  Sat 12 Dec  ·······  0",
        "  Sat 19 Dec  ··       0"]


def test_the_forecast_marks_each_day_by_how_many_are_due() -> None:
    busy = [40, 20, 5, 1, 0, 0, 39] + [0] * 9 + [12] + [0] * 13
    stats = Stats(counts={}, due_today=40, due_tomorrow=20, due_week=105, forecast=busy,
                  retention=None, retention_reviews=0, reviews_today=0,
                  reviews_by_day=[0] * 30, streak=0, first_day="2026-11-21")
    assert forecast_chart(stats) == [
        "Due in the next 30 days, a mark a day (· none, █ 40):",
        "  Sat 21 Nov  █▄▁▁··█  105",
        "  Sat 28 Nov  ·······    0",
        "  Sat 5 Dec   ··▃····   12",
        "  Sat 12 Dec  ·······    0",
        "  Sat 19 Dec  ··         0"]
    assert forecast_chart(replace(stats, forecast=[0] * 30)) == [
        "Nothing is due in the next 30 days."]


def test_suspended_cards_are_counted_with_the_way_back(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _store(path, NOW)
    with Store.open(path) as store:
        store.hide({("k3", 1): Hidden(suspended=True), ("k4", 1): Hidden(suspended=True)})
        shown = text(compute(store, ["D"], NOW.astimezone(UTC), EST, 4))
    assert shown.splitlines()[0] == ("Cards: 3 new · 2 learning · 1 review · 1 retired · "
                                     "0 leeches · 2 suspended")
    assert shown.endswith("\n\nSuspended cards are not shown; `highyield quiz --unsuspend` "
                          "brings them back.")


def test_the_command_prints_json(tmp_path: Path, runner: CliRunner) -> None:
    home = Path(str(tmp_path / "_home" / "highyield"))
    _store(home / "reviews.sqlite3", datetime.now(UTC))
    result = runner.invoke(cli, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["counts"]["retired"] == 1 and figures["retention"] == 0.5
    assert sum(figures["reviews_by_day"]) == 5
    shown = runner.invoke(cli, ["stats"])
    assert shown.output.startswith("Cards: 3 new · 2 learning · 1 review")


def test_no_store_yet(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["stats", "--state", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 1
    assert "error: no reviews yet:" in result.output
    assert "hint: run `highyield quiz` to study" in result.output
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_buried_card_is_due_when_it_comes_back(tmp_path: Path) -> None:
    """k1 is due today, but buried until the next study day: the quiz will show it then,
    and the forecast says so."""
    path = tmp_path / "r.sqlite3"
    _store(path, NOW)
    tomorrow = datetime(2026, 11, 22, 4, 0, tzinfo=EST)
    with Store.open(path) as store:
        store.hide({("k1", 1): Hidden(buried_until=tomorrow)})
        stats = compute(store, ["D"], NOW.astimezone(UTC), EST, 4)
        later = compute(store, ["D"], tomorrow.astimezone(UTC), EST, 4)
    assert (stats.due_today, stats.due_tomorrow) == (1, 1)
    assert (stats.counts["buried"], later.counts["buried"]) == (1, 0)
    lines = text(stats).splitlines()
    assert lines[0] == ("Cards: 3 new · 2 learning · 1 review · 1 retired · 0 leeches · "
                        "0 suspended · 1 buried")
    assert lines[-1] == ("Buried cards are not shown today; they come back when the next "
                         "study day begins (the forecast counts them then).")
