"""``highyield stats``: the figures from a store filled with known answers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import ReviewSettings
from highyield.review.schedule import CardState, Rating, answer
from highyield.review.stats import compute, text
from highyield.review.store import CardRow, Store

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
                            "suspended": 0}
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
        shown = text(compute(store, ["D"], NOW.astimezone(UTC), EST, 4), width=60)
    lines = shown.splitlines()
    assert lines[0] == ("Cards: 3 new · 2 learning · 1 review · 1 retired · 0 leeches "
                        "(0 suspended)")
    assert lines[2] == "True retention, last 30 days: 50% (2 answers to review cards)"
    assert lines[3] == ("Reviews: 1 today · 1.2 a day on the 4 days studied in the last 30 · "
                        "streak 4 days")
    chart = lines[lines.index("Due in the next 30 days:") + 1:]
    assert len(chart) == 30
    assert chart[0] == "Sat 21 Nov  " + "█" * 40 + " 2"
    assert sum(1 for row in chart if "█" in row) == 2


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
