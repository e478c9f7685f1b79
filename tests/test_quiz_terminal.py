"""The real ``highyield quiz`` in a pseudo-terminal: what a student sees and what the store
keeps, including after the process is killed or stopped."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sys
import termios
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect

from highyield.config import ReviewSettings, folder_deck
from highyield.review.schedule import CardState, Rating, answer
from highyield.review.store import Store
from highyield.review.sync import sync_deck
from tests.test_quiz import NOTE, RENAL
from tests.test_terminal import _highyield

FRONT_KEYS = "Space: show answer · e: where in the notes · u: undo · q: quit"
HIDE_KEYS = "-: bury card · =: bury note · @: suspend card · !: suspend note"
BACK_KEYS = "(Space: Good · u: undo · q: quit)"
UNSUSPEND = "not shown until `highyield quiz --unsuspend`."
FACTS = """# Facts
- Sodium is ==140== and potassium is ==4==.
- Calcium is ==10==.
- Chloride is ==100==.
"""


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
    child.expect_exact("── vault · new · [4] + 0 + 0 ──")
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


def _ratings(store: Path) -> list[tuple[object, ...]]:
    return _store_rows(store, "SELECT c.source, r.rating FROM reviews r JOIN cards c "
                              "USING (key, ord) ORDER BY r.id")


def _quit(child: pexpect.spawn[str]) -> None:
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


def test_space_and_enter_on_the_answer_mean_good(make_vault: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    vault = make_vault({"Heart.md": NOTE})
    store = tmp_path / "s.sqlite3"
    child = _spawn(vault, store)
    child.expect_exact(f"{FRONT_KEYS}\r\n{HIDE_KEYS}\r\n")
    child.send(" ")
    child.expect(f"1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy \\d+d   \\{BACK_KEYS[:-1]}\\)")
    child.send(" ")
    child.expect_exact("Good → next in 10m")
    child.expect_exact("Mitral regurgitation gives a [...] murmur.")
    child.send("\r")  # Enter
    child.expect_exact("Source: Heart.md:5")
    child.send("\r")
    child.expect_exact("Good → next in 10m")
    child.expect_exact("Hypertrophic cardiomyopathy murmur [...].")
    _quit(child)
    assert _ratings(store) == [("Heart.md:4", 3), ("Heart.md:5", 3)]


def test_the_cards_left_are_counted_above_every_card(make_vault: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    vault = make_vault({"Heart.md": NOTE, "Renal.md": RENAL})
    store = tmp_path / "s.sqlite3"
    child = _spawn(vault, store)
    child.expect_exact("── vault · new · [4] + 0 + 0 ──")
    child.send(" ")
    child.send(" ")  # Good: learning, back in 10 minutes
    child.expect_exact("── vault · new · [3] + 1 + 0 ──")
    child.send(" ")
    child.send("1")  # Again: learning, back in a minute
    child.expect_exact("── vault · new · [2] + 2 + 0 ──")
    child.send("-")  # buried: out of today's count
    child.expect_exact("── vault · new · [1] + 2 + 0 ──")
    child.send("u")
    child.expect_exact("── vault · new · [2] + 2 + 0 ──")
    _quit(child)


def _reviewed_long_ago(vault: Path, store: Path, source: str) -> None:
    """The card at ``source`` answered Easy 30 days ago: a review card, due today."""
    now = datetime.now(timezone.utc)
    with Store.open(store) as opened:
        sync_deck(opened, folder_deck(vault, None), now)
        key, ord_ = opened.db.execute("SELECT key, ord FROM cards WHERE source = ?",
                                      (source,)).fetchone()
        easy = answer(CardState(), Rating.Easy, now - timedelta(days=30), ReviewSettings())
        opened.answer(key, ord_, easy, 2000)


def test_the_count_of_the_cards_kind_is_marked(make_vault: Callable[..., Path],
                                              tmp_path: Path) -> None:
    vault = make_vault({"Heart.md": NOTE, "Renal.md": RENAL})
    store = tmp_path / "s.sqlite3"
    _reviewed_long_ago(vault, store, "Renal.md:5")
    child = _spawn(vault, store, "--new", "1")
    child.expect_exact("── vault · review · 1 + 0 + [1] ──")
    child.send(" ")
    child.send("3")
    child.expect_exact("── vault · new · [1] + 0 + 0 ──")
    child.send(" ")
    child.send("1")
    child.expect_exact("── vault · learning · 0 + [1] + 0 ──")  # back within 20 minutes
    _quit(child)
    child = _spawn(vault, store, "--new", "1", color=True)  # in colour: Anki's, underlined
    child.expect_exact("\x1b[2m── vault · new · \x1b[0m"
                       "\x1b[34m\x1b[4m1\x1b[0m + \x1b[31m1\x1b[0m + \x1b[32m0\x1b[0m\x1b[2m ──")
    _quit(child)


def test_bury_and_suspend_as_in_anki_and_undo_on_ctrl_z(make_vault: Callable[..., Path],
                                                        tmp_path: Path) -> None:
    vault = make_vault({"Facts.md": FACTS})
    store = tmp_path / "s.sqlite3"
    child = _spawn(vault, store)
    child.expect_exact("Sodium is [...] and potassium is 4.")
    child.send("-")
    child.expect_exact("Buried until tomorrow.")
    child.expect_exact("Sodium is 140 and potassium is [...].")  # the note's other cloze
    child.send("=")
    child.expect_exact("Note buried until tomorrow: 2 cards.")
    child.expect_exact("Calcium is [...].")
    child.send("@")
    child.expect_exact(f"Suspended: {UNSUSPEND}")
    child.expect_exact("Chloride is [...].")
    child.send("\x1a")  # Ctrl-Z
    child.expect_exact("Undone: suspend. That card comes back.")
    child.expect_exact("Calcium is [...].")
    child.send(" ")
    child.expect_exact(BACK_KEYS)
    child.send("!")  # on the answer side too
    child.expect_exact(f"Note suspended: 1 card, {UNSUSPEND}")
    child.expect_exact("Chloride is [...].")
    child.send("u")
    child.expect_exact("Undone: suspend note. That card comes back.")
    child.expect_exact("Calcium is [...].")
    child.send("\x1a")
    child.expect_exact("Undone: bury note. That card comes back.")
    child.expect_exact("Sodium is 140 and potassium is [...].")
    _quit(child)
    assert _store_rows(store, "SELECT ord, buried_until IS NOT NULL, suspended FROM cards "
                              "ORDER BY position") == [(1, 1, 0), (2, 0, 0), (1, 0, 0), (1, 0, 0)]
    assert _store_rows(store, "SELECT count(*) FROM reviews") == [(0,)]


def test_suspended_cards_stay_out_until_unsuspended(make_vault: Callable[..., Path],
                                                   tmp_path: Path) -> None:
    vault = make_vault({"Facts.md": FACTS})
    store = tmp_path / "s.sqlite3"
    child = _spawn(vault, store)
    child.expect_exact("Sodium is [...] and potassium is 4.")
    child.send("!")
    child.expect_exact(f"Note suspended: 2 cards, {UNSUSPEND}")
    child.send("@")
    child.expect_exact(f"Suspended: {UNSUSPEND}")
    child.expect_exact("Chloride is [...].")
    _quit(child)
    child = _spawn(vault, store)
    child.expect_exact("── vault · new · [1] + 0 + 0 ──")
    child.expect_exact("Chloride is [...].")
    _quit(child)
    child = _spawn(vault, store, "--unsuspend")
    child.expect_exact("Unsuspended 3 cards: Facts.md:2, Facts.md:3")
    child.expect_exact("── vault · new · [4] + 0 + 0 ──")
    child.expect_exact("Sodium is [...] and potassium is 4.")
    _quit(child)
    assert _store_rows(store, "SELECT sum(suspended) FROM cards") == [(0,)]
    child = _spawn(vault, store, "--unsuspend")
    child.expect_exact("No suspended cards to unsuspend.")
    _quit(child)


_FOREGROUND = """
import os, signal, sys
pid = os.fork()
if pid == 0:  # the quiz, in its own process group, given the terminal, as a shell does
    os.setpgid(0, 0)
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    os.tcsetpgrp(0, os.getpgrp())
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execv(sys.argv[1], sys.argv[1:])
print("quiz", pid, flush=True)
while True:
    _, status = os.waitpid(pid, os.WUNTRACED | os.WCONTINUED)
    if os.WIFSTOPPED(status):
        print("quiz stopped", flush=True)
    elif not os.WIFCONTINUED(status):
        sys.exit(os.waitstatus_to_exitcode(status))
"""


def _modes(child: pexpect.spawn[str]) -> tuple[bool, bool, bytes]:
    """The pseudo-terminal's canonical mode, echo and suspend character."""
    attrs = termios.tcgetattr(child.child_fd)
    return (bool(attrs[3] & termios.ICANON), bool(attrs[3] & termios.ECHO),
            attrs[6][termios.VSUSP])


def test_a_stopped_quiz_gives_back_the_terminal_and_redraws(make_vault: Callable[..., Path],
                                                            tmp_path: Path) -> None:
    vault = make_vault({"Renal.md": RENAL})
    store = tmp_path / "s.sqlite3"
    # the quiz runs as a job of a parent in its session (as under a shell), so that
    # SIGTSTP really stops it
    child = pexpect.spawn(sys.executable, ["-c", _FOREGROUND, _highyield(), "quiz", str(vault),
                                           "--state", str(store)],
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"},
                          encoding="utf-8", timeout=30, dimensions=(40, 100))
    child.expect(r"quiz (\d+)")
    assert isinstance(child.match, re.Match)
    quiz = int(child.match.group(1))
    child.expect_exact(HIDE_KEYS)
    assert _modes(child) == (False, False, b"\x00")  # keys one at a time; Ctrl-Z is a key
    os.kill(quiz, signal.SIGTSTP)  # Ctrl-Z from a shell, or kill -TSTP
    child.expect_exact("quiz stopped")
    assert _modes(child) == (True, True, b"\x1a")  # the terminal as it was
    os.kill(quiz, signal.SIGCONT)  # fg
    child.expect_exact("── vault · new · [1] + 0 + 0 ──")  # the card drawn again
    child.expect_exact("Nephrotic syndrome means proteinuria over [...].")
    child.expect_exact(HIDE_KEYS)
    assert _modes(child) == (False, False, b"\x00")
    child.send(" ")  # a single key works again
    child.expect_exact("Nephrotic syndrome means proteinuria over «3.5 g/day».")
    child.send("3")
    child.expect_exact("Good → next in 10m")
    _quit(child)
    assert _ratings(store) == [("Renal.md:5", 3)]


def test_child_items_show_under_the_answer_labelled(make_vault: Callable[..., Path],
                                                   tmp_path: Path) -> None:
    note = ("# Heart\n- Aortic stenosis gives a ==crescendo-decrescendo== murmur.\n"
            "    - radiates to the carotids\n    - soft S2\n")
    child = _spawn(make_vault({"Heart.md": note}), tmp_path / "s.sqlite3")
    child.expect_exact("Heart\r\n\r\nAortic stenosis gives a [...] murmur.\r\n\r\nSpace")
    child.send(" ")
    child.expect_exact("\r\nAortic stenosis gives a «crescendo-decrescendo» murmur.\r\n\r\n"
                       "  Under it in the notes:\r\n"
                       "    • radiates to the carotids\r\n"
                       "    • soft S2\r\n"
                       "Source: Heart.md:2\r\n")
    _quit(child)


def test_math_reads_as_text(make_vault: Callable[..., Path], tmp_path: Path) -> None:
    note = ("# Renal\n- Filtration fraction is ==$\\frac{GFR}{RPF}$==, about $\\alpha = 20\\%$.\n"
            "- $\\Delta G = \\frac{a+b}{2}$ is ==$\\le 3$== here.\n")
    child = _spawn(make_vault({"Renal.md": note}), tmp_path / "s.sqlite3")
    child.expect_exact("Filtration fraction is [...], about α = 20%.")
    child.send(" ")
    child.expect_exact("Filtration fraction is «GFR/RPF», about α = 20%.")
    child.send(" ")
    child.expect_exact("Δ G = (a+b)/2 is [...] here.")
    child.send(" ")
    child.expect_exact("Δ G = (a+b)/2 is «≤ 3» here.")
    _quit(child)


def test_a_missing_image_is_said_to_be_missing(make_vault: Callable[..., Path],
                                               tmp_path: Path) -> None:
    note = ("# Heart\n- The ECG shows ==ST elevation== ![[ecg.png]]\n\n"
            "![[missing.png]]\n![[here.png]]\n")
    vault = make_vault({"Heart.md": note, "here.png": b"\x89PNG\r\n\x1a\n"})
    child = _spawn(vault, tmp_path / "s.sqlite3")
    child.expect_exact("The ECG shows [...] [image missing: ecg.png]")
    child.send(" ")
    child.expect_exact("The ECG shows «ST elevation» [image missing: ecg.png]\r\n"
                       "  images: here.png\r\n"
                       "  image missing: missing.png\r\n"
                       "Source: Heart.md:2")
    _quit(child)


def test_a_store_deleted_during_the_quiz_stops_it_before_an_answer_is_confirmed(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """SQLite writes on into a deleted file: the quiz confirmed answers that were lost
    with it (seventeenth fault probe). Now the answer is refused, and the quiz says why."""
    vault = make_vault({"Facts.md": FACTS})
    store = tmp_path / "s.sqlite3"
    child = _spawn(vault, store)
    child.expect_exact(FRONT_KEYS)
    store.unlink()
    child.send(" ")
    child.send("3")
    child.expect(pexpect.EOF)
    child.close()
    said = " ".join((child.before or "").split())
    assert child.exitstatus != 0
    assert f"error: the review store {store} was deleted or moved while in use; this last " \
        "change was not saved" in said, said
    assert "Good → next in" not in said
    assert not store.exists()
