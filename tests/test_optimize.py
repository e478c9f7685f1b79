"""``highyield optimize``: FSRS fitted to a store's own reviews, kept only when better, and
used by the quiz. The reviews come from a simulated student whose memory lasts three
times as long as FSRS-6's defaults expect, answering cards the quiz scheduled."""

from __future__ import annotations

import math
import os
import random
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect
from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import ReviewSettings, folder_deck
from highyield.review.days import study_date
from highyield.review.fsrs6 import DEFAULT, Memory, Params, forecasts
from highyield.review.optimize import MIN_REVIEWS, Answer, fit
from highyield.review.schedule import Rating, answer
from highyield.review.store import Hidden, Store
from highyield.review.sync import sync_deck
from tests.test_terminal import _highyield

UTC = timezone.utc
LASTING = tuple(w * 3 if i < 4 else w for i, w in enumerate(DEFAULT))  # the student's memory
SETTINGS = ReviewSettings(learning_steps=(), relearning_steps=())


def _facts(n: int) -> str:
    return "# Facts\n" + "".join(f"- Fact {i} is ==answer {i}==.\n" for i in range(n))


def _recall(p: Params, days: int, memory: Memory) -> float:
    return float((1 + p.factor * days / memory.stability) ** p.decay)


def _store(tmp_path: Path, make_vault: Callable[..., Path], facts: int,
           studied: int) -> tuple[Path, Path]:
    """A vault of ``facts`` cards and a store where the first ``studied`` were studied
    for a year and are now buried, so that a quiz shows a new card first."""
    vault = make_vault({"Facts.md": _facts(facts)})
    path = tmp_path / "reviews.sqlite3"
    now = datetime.now(UTC)
    with Store.open(path) as store:
        sync_deck(store, folder_deck(vault, None), now - timedelta(days=400))
        keys = [r[0] for r in store.db.execute("SELECT key FROM cards ORDER BY position")]
        _student_some(store, keys[:studied], now - timedelta(days=400), now - timedelta(days=2))
        store.hide({(k, 1): Hidden(buried_until=now + timedelta(days=2)) for k in keys[:studied]})
    return vault, path


def _student_some(store: Store, keys: list[str], start: datetime, end: datetime) -> None:
    rng, true = random.Random(7), Params.of(LASTING)
    for n, key in enumerate(keys):
        at, memory, last = start + timedelta(days=n % 10, hours=12), None, None
        while at < end:
            elapsed = 0 if last is None else (study_date(at, UTC, 4) - last).days
            rating = Rating.Good if memory is None or rng.random() < _recall(
                true, elapsed, memory) else Rating.Again
            memory = forecasts(memory, elapsed, 0.9, true)[rating - 1].memory
            outcome = answer(store.state(key, 1), rating, at, SETTINGS)
            store.answer(key, 1, outcome, 2000)
            last = study_date(at, UTC, 4)
            assert outcome.after.due is not None
            at = outcome.after.due + timedelta(hours=12)


def _answers(path: Path) -> list[Answer]:
    db = sqlite3.connect(path)
    try:
        return [Answer((k, o), at, r) for k, o, at, r in
                db.execute("SELECT key, ord, reviewed_at, rating FROM reviews")]
    finally:
        db.close()


def test_a_fit_to_a_students_reviews_beats_the_defaults(
        tmp_path: Path, make_vault: Callable[..., Path]) -> None:
    _, path = _store(tmp_path, make_vault, 70, 70)
    result = fit(_answers(path), None, UTC, 4)
    assert result.reviews >= MIN_REVIEWS
    assert result.after.log_loss < result.before.log_loss and result.better
    assert all(math.isfinite(w) for w in result.weights) and len(result.weights) == 21
    # the student remembers longer than FSRS-6 expects: the first stabilities grow
    assert result.weights[2] > DEFAULT[2]


def test_optimize_keeps_a_better_fit_and_the_quiz_uses_it(
        tmp_path: Path, make_vault: Callable[..., Path]) -> None:
    vault, path = _store(tmp_path, make_vault, 71, 70)
    runner = CliRunner()
    dry = runner.invoke(cli, ["optimize", "--state", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert lines[0].startswith("vault: fitted to ") and lines[0].endswith(" reviews")
    assert lines[1].startswith("  log loss ") and "(in use → fitted, on a time-series " \
        "split)" in lines[1]
    assert lines[2] == "  better, not kept (--dry-run)"
    assert _rows(path, "SELECT count() FROM parameters") == [(0,)]
    before = _easy_in_quiz(vault, path)
    kept = runner.invoke(cli, ["optimize", "--state", str(path)])
    assert kept.output.splitlines()[2] == "  better: the quiz uses them from now on"
    [(weights,)] = _rows(path, "SELECT weights FROM parameters WHERE deck = 'vault'")
    fitted = [float(w) for w in str(weights).strip("[]").split(",")]
    assert fitted[3] > DEFAULT[3]  # the first stability after Easy: longer for this student
    after = _easy_in_quiz(vault, path)
    assert _days(after) > _days(before), (before, after)


def _easy_in_quiz(vault: Path, path: Path) -> str:
    """What the quiz's Easy button says for the new card it shows first."""
    child = pexpect.spawn(_highyield(), ["quiz", str(vault), "--state", str(path)],
                          env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
                          encoding="utf-8", timeout=30, dimensions=(40, 100))
    child.expect_exact("Fact 70 is [...].")
    child.send(" ")
    child.expect(r"4 Easy (\d+d)")
    assert isinstance(child.match, re.Match)
    easy = child.match.group(1)
    child.send("q")
    child.expect(pexpect.EOF)
    return str(easy)


def _days(label: str) -> int:
    return int(label.rstrip("d"))


def test_too_few_reviews_say_how_many_are_needed(
        tmp_path: Path, make_vault: Callable[..., Path]) -> None:
    _, path = _store(tmp_path, make_vault, 5, 5)
    result = CliRunner().invoke(cli, ["optimize", "--state", str(path)])
    assert result.exit_code == 0
    have = int(result.output.split(": ", 1)[1].split()[0])
    assert 0 < have < MIN_REVIEWS
    assert result.output == (
        f"vault: {have} reviews to fit to; FSRS needs {MIN_REVIEWS} (reviews on a later "
        "day than the card's answer before)\n  the parameters in use are kept; study more "
        "with `highyield quiz`, or bring your Anki history with `highyield sync-anki`\n")
    assert _rows(path, "SELECT count() FROM parameters") == [(0,)]


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()
