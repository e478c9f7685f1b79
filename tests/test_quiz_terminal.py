"""The real ``highyield quiz`` in a pseudo-terminal: what a student sees and what the store
keeps, including after the process is killed."""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pexpect

from tests.test_quiz import NOTE, RENAL
from tests.test_terminal import _highyield

FRONT_KEYS = "Space: show answer · e: where in the notes · s: skip · u: undo · q: quit"


def _spawn(vault: Path, store: Path, *args: str, color: bool = False) -> pexpect.spawn[str]:
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    if not color:
        env["NO_COLOR"] = "1"
    return pexpect.spawn(_highyield(), ["quiz", str(vault), "--state", str(store), *args],
                         env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))


def _store_rows(store: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(store)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_reveal_grade_undo_and_quit(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"Heart.md": NOTE, "Renal.md": RENAL})
    store = tmp_path / "reviews.sqlite3"
    child = _spawn(vault, store)
    child.expect("Read vault: 4 cards \\(4 added\\)")
    child.expect("── vault · new · #1 ")
    child.expect("Heart › Murmurs")
    child.expect_exact("Aortic stenosis gives a [...] systolic murmur.")
    child.expect_exact(FRONT_KEYS)
    child.send(" ")
    child.expect_exact("Aortic stenosis gives a «crescendo-decrescendo» systolic murmur.")
    child.expect_exact("Source: Heart.md:4")
    child.expect("1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy \\d+d")
    child.send("3")
    child.expect_exact("Good → next in 10m")
    child.expect_exact("Mitral regurgitation gives a [...] murmur.")
    child.send("u")
    child.expect_exact("Undone: Good. That card comes back.")
    child.expect_exact("Aortic stenosis gives a [...] systolic murmur.")
    child.send(" ")
    child.expect_exact("Source: Heart.md:4")
    child.send("1")
    child.expect_exact("Again → next in 1m")
    child.expect_exact("Mitral regurgitation gives a [...] murmur.")
    child.send("e")
    child.expect_exact(f"Edit: {vault / 'Heart.md'}:5")
    child.send("q")
    child.expect("Studied 1 card in \\d+s · 0% correct \\(0 of 1\\)")
    child.expect("Due next: 1 more today, the next in (1m|\\d+s)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert _store_rows(store, "SELECT c.source, r.rating, r.phase_before FROM reviews r "
                              "JOIN cards c USING (key, ord)") == [("Heart.md:4", 1, 0)]
    assert _store_rows(store, "SELECT source, phase, reps FROM cards ORDER BY position") == [
        ("Heart.md:4", 1, 1), ("Heart.md:5", 0, 0), ("Heart.md:6", 0, 0), ("Renal.md:5", 0, 0)]


def test_the_blank_is_coloured_on_a_colour_terminal(make_vault: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    vault = make_vault({"Renal.md": RENAL})
    child = _spawn(vault, tmp_path / "s.sqlite3", color=True)
    child.expect_exact("over \x1b[1;36m[...]\x1b[0m.")
    child.send(" ")
    child.expect_exact("over \x1b[1;33m3.5 g/day\x1b[0m.")
    child.send("q")
    child.expect(pexpect.EOF)


def test_ctrl_c_ends_cleanly(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"Heart.md": NOTE})
    store = tmp_path / "s.sqlite3"
    child = _spawn(vault, store)
    child.expect_exact(FRONT_KEYS)
    child.send(" ")
    child.send("4")
    child.expect_exact("Easy → next in")
    child.expect_exact(FRONT_KEYS)
    child.sendintr()
    child.expect("Studied 1 card in \\d+s · 100% correct")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    assert _store_rows(store, "SELECT count(*) FROM reviews") == [(1,)]


def _consistent(store: Path) -> None:
    """Every card's state agrees with its review log."""
    rows = _store_rows(store, "SELECT c.key, c.phase, c.reps, c.last_review, count(r.id), "
                              "max(r.reviewed_at) FROM cards c LEFT JOIN reviews r "
                              "USING (key, ord) GROUP BY c.key, c.ord")
    for key, phase, reps, last_review, logged, last_logged in rows:
        assert reps == logged, key
        assert (phase == 0) == (logged == 0), key
        assert last_review == last_logged, key


def test_killing_the_quiz_loses_no_acknowledged_answer(make_vault: Callable[..., Path],
                                                       tmp_path: Path) -> None:
    notes = "# Facts\n" + "".join(f"- Fact {n} is ==answer {n}==.\n" for n in range(12))
    vault = make_vault({"Facts.md": notes})
    store = tmp_path / "s.sqlite3"
    child = _spawn(vault, store)
    answered = 0
    for grade in "3134321":
        child.expect_exact(FRONT_KEYS)
        child.send(" ")
        child.expect("1 Again")
        child.send(grade)
        child.expect("→ next in")
        answered += 1
    child.expect_exact(FRONT_KEYS)
    child.kill(signal.SIGKILL)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert _store_rows(store, "SELECT count(*) FROM reviews") == [(answered,)]
    assert _store_rows(store, "PRAGMA integrity_check") == [("ok",)]
    _consistent(store)

    child = _spawn(vault, store)  # again, killed right after a grade, without waiting
    child.expect_exact(FRONT_KEYS)
    child.send(" ")
    child.expect("1 Again")
    child.send("3")
    child.kill(signal.SIGKILL)
    child.close()
    reviews = _store_rows(store, "SELECT count(*) FROM reviews")[0][0]
    assert reviews in (answered, answered + 1)
    assert _store_rows(store, "PRAGMA integrity_check") == [("ok",)]
    _consistent(store)
