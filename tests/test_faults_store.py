"""The review store when the machine, not highyield, is the problem: two quizzes on one
store, a full disk, a damaged or empty store file, a store the user may only read. Real
processes, a real small file system and real permissions."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from highyield import __version__
from highyield.cli import cli
from highyield.config import ReviewSettings
from highyield.errors import HighyieldError
from highyield.review.schedule import CardState, Rating, fuzz_seed, outcomes
from highyield.review.store import (
    SCHEMA_VERSION,
    STATE_COLUMNS,
    Store,
    from_ms,
    state_from_json,
    state_values,
)
from highyield.review.store.migrations import m001_cards_and_reviews
from tests.anki_client import import_apkg
from tests.test_quiz_terminal import BACK_KEYS, FRONT_KEYS, _spawn, _store_rows
from tests.test_terminal import _highyield

FACTS = "# Facts\n" + "".join(f"- Fact {n} is ==answer {n}==.\n" for n in range(8))
MEANWHILE = "Another session answered this card meanwhile; your answer counts after it."


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ two quizzes at once


def _front(child: pexpect.spawn[str], n: int) -> None:
    child.expect_exact(f"Fact {n} is [...].")
    child.expect_exact(FRONT_KEYS)


def _reveal(child: pexpect.spawn[str]) -> None:
    child.send(" ")
    child.expect_exact(BACK_KEYS)


def _grade(child: pexpect.spawn[str], key: str) -> str:
    """Answer; returns what the quiz printed before its "→ next in"."""
    child.send(key)
    child.expect("→ next in")
    return child.before or ""


def _assert_each_review_follows_the_last(store: Path) -> None:
    """Every review's state before is the state the previous review of that card left
    (worked out again by the scheduler from that review), and each card's state is the
    one its last review left."""
    left: dict[tuple[object, object], tuple[object, ...]] = {}
    new = state_values(CardState())
    for key, ord_, at, rating, before in _store_rows(
            store, "SELECT key, ord, reviewed_at, rating, before FROM reviews ORDER BY id"):
        assert isinstance(before, str) and isinstance(at, int) and isinstance(rating, int)
        state = state_from_json(before)
        assert state_values(state) == left.get((key, ord_), new), (key, at)
        moment = from_ms(at)
        assert moment is not None
        seed = fuzz_seed(f"{key}:{ord_}", state.reps)
        after = outcomes(state, moment, ReviewSettings(), seed)[Rating(rating)].after
        left[(key, ord_)] = state_values(after)
    for key, ord_, *state_now in _store_rows(
            store, f"SELECT key, ord, {STATE_COLUMNS} FROM cards"):
        assert tuple(state_now) == left.get((key, ord_), new), key


def test_two_quizzes_on_one_store_answer_from_the_state_the_other_left(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """Both show the same card; whoever commits second has its answer worked out again,
    inside its write, from the state the other's answer left."""
    vault = make_vault({"Facts.md": FACTS})
    store = tmp_path / "s.sqlite3"
    one = _spawn(vault, store)
    _front(one, 0)
    two = _spawn(vault, store)
    _front(two, 0)
    late: list[str] = []
    for n, (first, second, keys) in enumerate([(one, two, "33"), (two, one, "41"),
                                               (one, two, "24"), (two, one, "13"),
                                               (one, two, "32"), (two, one, "43")]):
        if n % 2:  # both revealed before either answers
            _reveal(first)
            _reveal(second)
            _grade(first, keys[0])
        else:  # the second reveals only after the first answered
            _reveal(first)
            _grade(first, keys[0])
            _reveal(second)
        late.append(_grade(second, keys[1]))
        _front(one, n + 1)
        _front(two, n + 1)
    for child in (one, two):
        child.send("q")
        child.expect("Studied 6 cards")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    assert _store_rows(store, "SELECT count(*) FROM reviews") == [(12,)]
    _assert_each_review_follows_the_last(store)
    assert all(MEANWHILE in text for text in late), late
    assert _store_rows(store, "SELECT count(*) FROM reviews WHERE phase_before = 0") == [(6,)]


def test_undo_leaves_an_answer_another_session_built_on(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"Facts.md": FACTS})
    store = tmp_path / "s.sqlite3"
    one = _spawn(vault, store)
    _front(one, 0)
    two = _spawn(vault, store)
    _front(two, 0)
    _reveal(one)
    _grade(one, "3")
    _reveal(two)
    assert MEANWHILE in _grade(two, "3")
    _front(one, 1)
    one.send("u")
    one.expect_exact("Cannot undo: another session has answered that card since.")
    one.send("q")
    one.expect("Studied 1 card")
    one.expect(pexpect.EOF)
    two.send("q")
    two.expect(pexpect.EOF)
    assert _store_rows(store, "SELECT count(*) FROM reviews") == [(2,)]
    _assert_each_review_follows_the_last(store)


# ------------------------------------------------------------------ a full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def _fill(disk: Path) -> Path:
    """Fill the file system to its last byte."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while os.write(fd, b"x" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    assert shutil.disk_usage(disk).free == 0
    return filler


def test_a_full_disk_stops_the_quiz_keeping_every_acknowledged_answer(
        make_vault: Callable[..., Path], small_disk: Path) -> None:
    vault = make_vault({"Facts.md": FACTS})
    store = small_disk / "reviews.sqlite3"
    child = _spawn(vault, store)
    for n in range(2):
        _front(child, n)
        _reveal(child)
        _grade(child, "3")
    _front(child, 2)
    filler = _fill(small_disk)
    _reveal(child)
    child.send("3")
    child.expect(pexpect.EOF)
    child.close()
    said = " ".join((child.before or "").split())
    assert child.exitstatus == 2, said
    assert f"error: cannot save to the review store {store}: the disk is full" in said
    assert ("hint: every answer acknowledged before is saved in it; free some space on "
            "that disk, then run the command again") in said
    assert "internal error" not in said and "→ next in" not in said

    _fill(small_disk)  # the room the quiz's journal took, freed as it ended, taken again
    again = _spawn(vault, store)  # still full: said at once, before any card
    again.expect(pexpect.EOF)
    again.close()
    said = " ".join((again.before or "").split())
    assert again.exitstatus == 2, said
    assert f"error: cannot save to the review store {store}: the disk is full" in said
    assert FRONT_KEYS not in said

    filler.unlink()
    assert _store_rows(store, "PRAGMA integrity_check") == [("ok",)]
    assert _store_rows(store, "SELECT count(*) FROM reviews") == [(2,)]
    _assert_each_review_follows_the_last(store)


def _leave_free(disk: Path, free: int) -> None:
    """Fill the file system but for ``free`` bytes."""
    (disk / "filler").unlink(missing_ok=True)
    (disk / "filler").write_bytes(bytes(shutil.disk_usage(disk).free - free))


def test_a_new_store_on_a_nearly_full_disk_is_made_whole_or_not_at_all(
        make_vault: Callable[..., Path], small_disk: Path, runner: CliRunner) -> None:
    """Whatever room is left, a new store is either put in place whole, or not made and
    the disk said to be full: never left half made in place, blocking every later quiz.
    (SQLite's close, which copies the journal into the file, fails silently on a full
    disk: between about 90 and 130 KB free, that once left a store "damaged".) The range of free
    space reaches past what a new store needs, so both outcomes are met."""
    vault = make_vault({"Facts.md": FACTS})
    store = small_disk / "s.sqlite3"
    outcomes = set()
    for free in range(32 * 1024, 256 * 1024, 8 * 1024):
        _leave_free(small_disk, free)
        result = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input="q")
        made = store.exists()
        outcomes.add(made)
        if not made:
            assert result.exit_code == 2, (free, result.output)
            assert result.output == (
                f"error: cannot save to the review store {store}: the disk is full\n"
                "  hint: every answer acknowledged before is saved in it; free some space on "
                "that disk, then run the command again\n"), free
            assert sorted(p.name for p in small_disk.iterdir()) == ["filler"], free
        (small_disk / "filler").unlink()
        if made:
            assert _store_rows(store, "PRAGMA integrity_check") == [("ok",)], free
            assert _store_rows(store, "PRAGMA user_version") == [(SCHEMA_VERSION,)], free
        again = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input=" 3q")
        assert again.exit_code == 0, (free, again.output)
        assert _store_rows(store, "SELECT count(*) FROM reviews") == [(1,)], free
        for path in small_disk.iterdir():
            path.unlink()
    assert outcomes == {True, False}  # the free space went from too little to enough


def test_a_full_disk_during_a_build_keeps_the_old_deck(
        make_vault: Callable[..., Path], small_disk: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, runner: CliRunner) -> None:
    """The deck and the build cache on the full disk: the build says so, naming the deck,
    and the last deck stays whole and importable."""
    monkeypatch.setenv("HIGHYIELD_HOME", str(small_disk / "home"))
    vault = make_vault({"Facts.md": FACTS})
    deck = small_disk / "out" / "facts.apkg"
    assert runner.invoke(cli, ["build", str(vault), "-o", str(deck)]).exit_code == 0
    old = _sha(deck)
    (vault / "Facts.md").write_text(FACTS + "- Fact 8 is ==answer 8==.\n")
    filler = _fill(small_disk)
    result = runner.invoke(cli, ["build", str(vault), "-o", str(deck)])
    assert result.exit_code == 2, result.output
    assert f"error: cannot write {deck}: the disk is full" in result.output
    assert ("hint: free some space on that disk, then build again; the previous deck is "
            "untouched") in result.output
    assert _sha(deck) == old
    assert sorted(p.name for p in deck.parent.iterdir()) == ["facts.apkg"]
    cards = import_apkg(deck, tmp_path / "anki-old").cards
    assert "Facts Fact 0 is [...]." in {c.question_text for c in cards}
    assert len(cards) == 8

    filler.unlink()
    assert runner.invoke(cli, ["build", str(vault), "-o", str(deck)]).exit_code == 0
    cards = import_apkg(deck, tmp_path / "anki-new").cards
    assert "Facts Fact 8 is [...]." in {c.question_text for c in cards}


# ------------------------------------------------------------------ a damaged or empty store


@pytest.fixture
def studied(make_vault: Callable[..., Path], tmp_path: Path,
            runner: CliRunner) -> tuple[Path, Path]:
    """A vault of 300 facts and a real store with a few answers (several pages)."""
    notes = "# Facts\n" + "".join(f"- Fact {n} is about ==the answer numbered {n}==, which "
                                  "matters.\n" for n in range(300))
    vault = make_vault({"Facts.md": notes})
    store = tmp_path / "reviews.sqlite3"
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)],
                           input=" 3 3 1 4q")
    assert result.exit_code == 0, result.output
    assert store.stat().st_size > 20 * 4096
    return vault, store


def _quiz_and_stats(runner: CliRunner, vault: Path, store: Path) -> list[str]:
    said = []
    for args in (["quiz", str(vault)], ["stats"]):
        result = runner.invoke(cli, [*args, "--state", str(store)], input=" 3q")
        assert result.exit_code == 2, result.output
        assert "internal error" not in result.output and FRONT_KEYS not in result.output
        said.append(result.output)
    return said


def test_a_damaged_store_is_said_to_be_damaged(studied: tuple[Path, Path],
                                               runner: CliRunner) -> None:
    vault, store = studied
    data = bytearray(store.read_bytes())
    middle = len(data) // 4096 // 2 * 4096
    data[middle:middle + 4096] = b"\xde\xad\xbe\xef" * 1024
    store.write_bytes(bytes(data))
    before = _sha(store)
    for said in _quiz_and_stats(runner, vault, store):
        assert (f"error: the review store {store} is damaged (database disk image is "
                "malformed); highyield stopped without changing it") in said
        assert ("hint: restore it from a backup, or move it aside to start afresh (keep "
                "it: SQLite's own tools may recover part of it; see docs/troubleshooting.md)"
                ) in said
    assert _sha(store) == before


def test_a_store_whose_header_is_gone_is_not_taken_for_a_new_one(
        studied: tuple[Path, Path], runner: CliRunner) -> None:
    vault, store = studied
    data = bytearray(store.read_bytes())
    data[:100] = bytes(100)
    store.write_bytes(bytes(data))
    before = _sha(store)
    for said in _quiz_and_stats(runner, vault, store):
        assert (f"error: {store} is not a highyield review store, or it is damaged (file "
                "is not a database)") in said
        assert ("hint: it was left as it is; if it held your answers, restore it from a "
                "backup (see docs/troubleshooting.md); otherwise move it aside, or pass "
                "--state PATH to use another file") in said
    assert _sha(store) == before


def test_an_empty_store_file_is_not_started_afresh(studied: tuple[Path, Path],
                                                   runner: CliRunner) -> None:
    vault, store = studied
    store.write_bytes(b"")
    for said in _quiz_and_stats(runner, vault, store):
        assert (f"error: the review store {store} is an empty file (0 bytes); highyield "
                "does not start it afresh in its place") in said
        assert ("hint: if your answers were in it, restore it from a backup; to start a "
                "new store, delete it or pass --state PATH") in said
    assert store.read_bytes() == b""


# ------------------------------------------------------------------ a store with bad values


@pytest.fixture
def answered(make_vault: Callable[..., Path], tmp_path: Path,
             runner: CliRunner) -> tuple[Path, Path, str]:
    """A vault of 8 facts and a real store with one answer: one card learning, the rest
    new. Returns the vault, the store and the learning card as a damaged store names it."""
    vault = make_vault({"Facts.md": FACTS})
    store = tmp_path / "reviews.sqlite3"
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input=" 3q")
    assert result.exit_code == 0, result.output
    [(key, ord_)] = _store_rows(store, "SELECT key, ord FROM cards WHERE phase = 1")
    return vault, store, f"card {key}:{ord_}"


def _damage(store: Path, sql: str) -> None:
    db = sqlite3.connect(store)
    try:
        db.executescript(sql)
    finally:
        db.close()


def _quiz_in_a_terminal(vault: Path, store: Path) -> str:
    """A quiz in a pseudo-terminal that answers what it shows, then quits."""
    child = _spawn(vault, store)
    said = ""
    while child.expect_exact([FRONT_KEYS, "(u: undo · q: quit)", pexpect.EOF]) != 2:
        said += (child.before or "") + str(child.after)
        child.send(" " if child.after == FRONT_KEYS else "3")
    child.close()
    said = " ".join((said + (child.before or "")).split())
    assert child.exitstatus == 2, said
    return said


def _stats(store: Path) -> str:
    done = subprocess.run([_highyield(), "stats", "--state", str(store)], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"})
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    return " ".join(done.stderr.split())


DAMAGED_HINT = ("hint: restore it from a backup, or move it aside to start afresh (keep it: "
                "SQLite's own tools may recover part of it; see docs/troubleshooting.md)")
DUE_NOW = "UPDATE cards SET due = 1000 WHERE phase = 1;"  # the learning card is shown first


@pytest.mark.parametrize(("sql", "what"), [
    ("DROP TABLE reviews", "(table reviews is missing); highyield stopped without changing it"),
    ("ALTER TABLE cards DROP COLUMN interval_days",
     "(column interval_days of table cards is missing); highyield stopped without changing it"),
])
def test_a_store_without_a_table_or_column_of_its_version_is_said_to_be_damaged(
        answered: tuple[Path, Path, str], sql: str, what: str) -> None:
    vault, store, _ = answered
    _damage(store, sql)
    before = _sha(store)
    for said in (_quiz_in_a_terminal(vault, store), _stats(store)):
        assert f"error: the review store {store} is damaged {what} {DAMAGED_HINT}" in said
        assert "internal error" not in said and FRONT_KEYS not in said
    assert _sha(store) == before


BOTH, STATS = ("quiz", "stats"), ("stats",)


@pytest.mark.parametrize(("sql", "what", "commands"), [
    ("UPDATE cards SET due = -99999999999999 WHERE phase = 1",
     "{card} has a due time out of range (-99999999999999)", BOTH),
    ("UPDATE cards SET due = 99999999999999999 WHERE phase = 1",
     "{card} has a due time out of range (99999999999999999)", STATS),
    ("UPDATE reviews SET reviewed_at = 99999999999999999",
     "review 1 has a time out of range (99999999999999999)", STATS),
    (DUE_NOW + "UPDATE cards SET view = '{bad json' WHERE phase = 1",
     "{card} has a view that is not a JSON object", ("quiz",)),
    (DUE_NOW + "UPDATE cards SET view = '[]' WHERE phase = 1",
     "{card} has a view that is not a JSON object", ("quiz",)),
    (DUE_NOW + """UPDATE cards SET view = '{"front": 1}' WHERE phase = 1""",
     "{card} has a view without the texts the quiz shows", ("quiz",)),
    ("UPDATE decks SET day_starts_at = 99",
     "deck vault has a study day starting at hour 99, not 0-23", STATS),
])
def test_a_value_highyield_never_writes_is_said_to_be_damaged(
        answered: tuple[Path, Path, str], sql: str, what: str,
        commands: tuple[str, ...]) -> None:
    """A time out of range, a view that is not the JSON object the quiz shows, an hour
    outside 0-23: the store is said to be damaged, naming the value, as it is read."""
    vault, store, card = answered
    _damage(store, sql)
    said = [_quiz_in_a_terminal(vault, store) if command == "quiz" else _stats(store)
            for command in commands]
    for text in said:
        assert (f"error: the review store {store} is damaged: {what.format(card=card)} "
                f"{DAMAGED_HINT}") in text
        assert "internal error" not in text and FRONT_KEYS not in text


# ------------------------------------------------------------------ a store one may only read

def _nobody() -> list[str]:
    """Run as the user nobody. Where the interpreter lives in a folder only root may enter
    (/root/.pyenv on some machines), nobody keeps one capability: to read any file and
    enter any folder. It may write nothing of root's either way."""
    become = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    python = Path(os.path.realpath(sys.executable))
    if all(folder.stat().st_mode & 0o001 for folder in python.parents):
        return become
    return [*become, "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]


NOBODY = _nobody()


@pytest.fixture
def shared(studied: tuple[Path, Path]) -> Iterator[tuple[Path, Path]]:
    """The vault and the store in a folder of root's, mode 0755, that every user may reach
    (pytest's own folders are root's alone); the store root's, mode 0644."""
    folder = Path(tempfile.mkdtemp(prefix="highyield-shared-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        vault, store = studied
        shutil.copytree(vault, folder / vault.name)
        shutil.copy(store, folder / store.name)
        (folder / store.name).chmod(0o644)
        yield folder / vault.name, folder / store.name
    finally:
        shutil.rmtree(folder)


def _as(user: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run highyield (from the folder above the test's, so paths show from there)."""
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    here = Path(args[-1]).parent.parent
    return subprocess.run([*user, _highyield(), *args], capture_output=True, text=True,
                          env=env, cwd=here, timeout=60, stdin=subprocess.DEVNULL)


def test_stats_reads_a_store_the_user_may_not_write(shared: tuple[Path, Path]) -> None:
    store = shared[1]
    assert not list(store.parent.glob("*-wal")) and not list(store.parent.glob("*-shm"))
    before = _sha(store)
    as_root = _as([], "stats", "--state", str(store), "--json")
    assert as_root.returncode == 0, as_root.stderr
    mine = _as(NOBODY, "stats", "--state", str(store), "--json")
    assert mine.returncode == 0, mine.stderr
    assert json.loads(mine.stdout) == json.loads(as_root.stdout)
    assert json.loads(mine.stdout)["reviews_today"] == 4
    text = _as(NOBODY, "stats", "--state", str(store))
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Cards: 296 new · 3 learning · 1 review")
    assert _sha(store) == before
    assert sorted(p.name for p in store.parent.iterdir() if "sqlite3" in p.name) == \
        ["reviews.sqlite3"]


def test_a_quiz_on_a_store_the_user_may_not_write_says_so_before_any_card(
        shared: tuple[Path, Path]) -> None:
    vault, store = shared
    before = _sha(store)
    shown = f"{store.parent.name}/{store.name}"
    result = _as(NOBODY, "quiz", str(vault), "--state", str(store))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        f"error: the review store {shown} is read-only for you (nobody): it is root's, "
        "with mode 644; answers cannot be saved in it\n"
        "  hint: make the file and its folder writable, or pass --state PATH to study with "
        "another store; `highyield stats` reads it as it is\n")
    assert FRONT_KEYS not in result.stdout and "Fact" not in result.stdout
    assert _sha(store) == before

    store.chmod(0o666)  # the file may be written, not its folder (where the journal goes)
    result = _as(NOBODY, "quiz", str(vault), "--state", str(store))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        f"error: the review store {shown} is read-only for you (nobody): its folder "
        f"{store.parent.name} is root's, with mode 755, and the journal is written there; "
        "answers cannot be saved in it\n")
    assert FRONT_KEYS not in result.stdout
    assert _sha(store) == before



def test_an_older_store_the_user_may_not_write_is_not_sent_to_stats(
        shared: tuple[Path, Path]) -> None:
    """(Fault probe: the quiz said `stats` reads it as it is, and stats said to run the
    quiz: an older store must be brought up to date, which writes it.)"""
    vault, store = shared
    db = sqlite3.connect(store)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    db.close()
    before = _sha(store)
    quiz = _as(NOBODY, "quiz", str(vault), "--state", str(store))
    assert quiz.returncode == 2 and "read-only for you (nobody)" in quiz.stderr, quiz.stderr
    assert "`highyield stats` reads it" not in quiz.stderr
    assert "(it was written by an older highyield, and is brought up to date once it can " \
        "be)" in quiz.stderr
    stats = _as(NOBODY, "stats", "--state", str(store))
    assert stats.returncode == 2 and "an older highyield" in stats.stderr, stats.stderr
    assert _sha(store) == before

# ------------------------------------------------------------------ a new store, made at once

ONE_FACT = "# A\n\n- The ==aorta== is big.\n"
ROUNDS = 3  # before a store was made whole beside its place, 23 rounds in 24 failed
GATED = """
import os, sys, time
gate = sys.argv.pop(1)
sys.argv[0] = "highyield"
from highyield.cli import main  # loaded now, so that the quizzes start at the same moment
print("ready", flush=True)
while not os.path.exists(gate):
    time.sleep(0.001)
main()
"""


def _together(vault: Path, store: Path, n: int = 3) -> list[str]:
    """``n`` quizzes started at the same moment on one store; each shows its first card
    and quits. Returns what each printed."""
    gate = store.with_name(store.name + ".go")
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm", "NO_COLOR": "1"}
    children = [pexpect.spawn(sys.executable, ["-c", GATED, str(gate), "quiz", str(vault),
                                               "--state", str(store)],
                              env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))
                for _ in range(n)]
    for child in children:
        child.expect_exact("ready")
    gate.touch()
    said = []
    for child in children:
        child.expect_exact([FRONT_KEYS, pexpect.EOF])
        text = child.before or ""
        child.send("q")
        child.expect(pexpect.EOF)
        child.close()
        text = " ".join((text + (child.before or "")).split())
        assert child.exitstatus == 0, text
        said.append(text)
    return said


def test_quizzes_started_together_make_one_new_store(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """No session finds a half-made store (an "empty file", or the schema made twice):
    each studies, and one of them made the store."""
    vault = make_vault({"a.md": ONE_FACT})
    for round_ in range(ROUNDS):
        store = tmp_path / f"s{round_}.sqlite3"
        said = _together(vault, store)
        assert sum(f"New review store: {store}" in text for text in said) == 1, said
        assert _store_rows(store, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        assert _store_rows(store, "SELECT count(*) FROM cards") == [(1,)]
        assert _store_rows(store, "SELECT value FROM meta") == [(__version__,)]
    assert _temporary(tmp_path) == []


def _older_store(store: Path) -> None:
    """A store as highyield 0.1.0 left it: the first migration only."""
    db = sqlite3.connect(store, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN")
        m001_cards_and_reviews(db)
        db.execute("INSERT INTO meta VALUES ('written_by', '0.1.0')")
        db.execute("PRAGMA user_version = 1")
        db.execute("COMMIT")
    finally:
        db.close()


def test_quizzes_started_together_bring_an_older_store_up_to_date_once(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"a.md": ONE_FACT})
    for round_ in range(ROUNDS):
        store = tmp_path / f"s{round_}.sqlite3"
        _older_store(store)
        said = _together(vault, store)
        assert not any("New review store" in text for text in said), said
        assert _store_rows(store, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        assert _store_rows(store, "SELECT count(*) FROM cards WHERE leech = 0") == [(1,)]


STALLED_STORE = """
import sqlite3, sys, time
marker = sys.argv.pop(1)
real = sqlite3.connect

class Stalling(sqlite3.Connection):  # held as it runs its first statement with the marker
    def execute(self, sql, *args):
        if marker in sql:
            print("stalled", file=sys.stderr, flush=True)
            time.sleep(60)
        return super().execute(sql, *args)

def connect(*args, **kwargs):
    return real(*args, factory=Stalling, **kwargs)

sqlite3.connect = connect
sys.argv[0] = "highyield"
from highyield.cli import main
main()
"""


def _killed_making(vault: Path, store: Path, marker: str) -> None:
    """``highyield quiz`` killed as it makes a new store, at the first SQL statement that
    holds ``marker``."""
    child = subprocess.Popen([sys.executable, "-c", STALLED_STORE, marker, "quiz", str(vault),
                              "--state", str(store)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stderr is not None and child.stderr.readline() == "stalled\n"
    finally:
        child.kill()
        child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL


def _temporary(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(".highyield-"))


@pytest.mark.parametrize("marker", ["journal_mode", "CREATE TABLE cards", "ADD COLUMN leech"])
def test_a_quiz_killed_while_making_its_store_leaves_no_half_made_store(
        make_vault: Callable[..., Path], tmp_path: Path, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """Killed before, during or after the schema is written: no store is in place, so the
    next quiz makes one (and is not told of an "empty file" to restore from a backup).
    What the killed quiz left is removed once it is a minute old."""
    vault = make_vault({"a.md": ONE_FACT})
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "state" / "S.sqlite3"
    _killed_making(vault, store, marker)
    assert sorted(p.name for p in store.parent.iterdir() if not p.name.startswith(".")) == []
    result = runner.invoke(cli, ["stats", "--state", str(store)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: no reviews yet: state/S.sqlite3 does not exist\n")

    left = _temporary(store.parent)
    assert left  # the killed quiz's work: another quiz may be making a store there now
    for path in left:
        os.utime(path, (time.time() - 120,) * 2)
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input="q")
    assert result.exit_code == 0, result.output
    assert "New review store: state/S.sqlite3\n" in result.output
    assert _temporary(store.parent) == []
    assert runner.invoke(cli, ["stats", "--state", str(store)]).exit_code == 0


def test_what_an_older_highyield_killed_while_making_a_store_left_is_made_a_store(
        make_vault: Callable[..., Path], tmp_path: Path, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An older highyield made a store in place: a quiz killed then could leave an empty
    file beside an empty rollback journal, which a store in use never has. It never held an
    answer, so it is made a store (a bare empty file is still refused: see
    test_an_empty_store_file_is_not_started_afresh)."""
    vault = make_vault({"a.md": ONE_FACT})
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "S.sqlite3"
    store.write_bytes(b"")
    (tmp_path / "S.sqlite3-journal").write_bytes(b"")
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input="q")
    assert result.exit_code == 0, result.output
    assert "New review store: S.sqlite3\n" in result.output
    assert _store_rows(store, "SELECT count(*) FROM cards") == [(1,)]
    assert not (tmp_path / "S.sqlite3-journal").exists()


# ------------------------------------------------------------------ where a store cannot be


@pytest.fixture
def reachable(make_vault: Callable[..., Path]) -> Iterator[Path]:
    """A folder of root's, mode 0755, that every user may reach, holding a vault ``v``."""
    folder = Path(tempfile.mkdtemp(prefix="highyield-shared-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        shutil.copytree(make_vault({"a.md": ONE_FACT}), folder / "v")
        yield folder
    finally:
        shutil.rmtree(folder)


def _in(folder: Path, user: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run([*user, _highyield(), *args], capture_output=True, text=True,
                          env=env, cwd=folder, timeout=60, stdin=subprocess.DEVNULL)


def test_a_store_in_a_folder_the_user_may_not_enter_is_said_so(reachable: Path) -> None:
    (reachable / "e" / "sub").mkdir(parents=True)
    (reachable / "e" / "sub").chmod(0o700)
    for state in ("e/sub/x.sqlite3", "e/sub/deeper/x.sqlite3", "e/sub/deeper/"):
        for args in (["stats"], ["quiz", "v"]):
            result = _in(reachable, NOBODY, *args, "--state", state)
            assert (result.returncode, result.stdout) == (2, ""), result.stderr
            shown = state + "reviews.sqlite3" if state.endswith("/") else state
            assert result.stderr == (
                f"error: cannot reach the review store {shown}: you (nobody) may not enter "
                "the folder e/sub (it is root's, with mode 700)\n"
                "  hint: make that folder accessible to you, or pass --state PATH to keep "
                "the store elsewhere\n")
    assert os.listdir(reachable / "e" / "sub") == []


def test_a_new_store_in_a_folder_the_user_may_not_write_is_said_so(reachable: Path) -> None:
    (reachable / "e").mkdir()
    for state in ("e/new.sqlite3", "e/deeper/new.sqlite3"):
        result = _in(reachable, NOBODY, "quiz", "v", "--state", state)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert result.stderr == (
            f"error: cannot make the review store {state}: you (nobody) may not write in the "
            "folder e (it is root's, with mode 755)\n"
            "  hint: make that folder writable for you, or pass --state PATH to keep the "
            "store in a folder you may write\n")
        result = _in(reachable, NOBODY, "stats", "--state", state)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"error: no reviews yet: {state} does not exist\n")
    assert os.listdir(reachable / "e") == []


def test_a_new_store_on_a_file_system_mounted_read_only_is_said_so(
        make_vault: Callable[..., Path], tmp_path: Path, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"a.md": ONE_FACT})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ro").mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", "ro"], check=True)
    try:
        result = runner.invoke(cli, ["quiz", str(vault), "--state", "ro/new.sqlite3"])
    finally:
        subprocess.run(["umount", "-l", "ro"], check=True)
    assert (result.exit_code, result.output) == (
        2, "error: cannot make the review store ro/new.sqlite3: the folder ro is on a file "
           "system mounted read-only\n"
           "  hint: make that folder writable for you, or pass --state PATH to keep the "
           "store in a folder you may write\n")


def _refused(runner: CliRunner, vault: Path, state: str, message: str, hint: str) -> None:
    for args in (["quiz", str(vault)], ["stats"]):
        result = runner.invoke(cli, [*args, "--state", state], input="q")
        assert (result.exit_code, result.output) == (2, f"error: {message}\n  hint: {hint}\n")


def test_a_store_that_is_not_a_file_or_not_in_a_folder_is_said_so(
        make_vault: Callable[..., Path], tmp_path: Path, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"a.md": ONE_FACT})
    monkeypatch.chdir(tmp_path)
    os.mkfifo("f.sqlite3")
    os.symlink("/dev/zero", "z.sqlite3")
    (tmp_path / "d" / "reviews.sqlite3").mkdir(parents=True)
    hint = "pass --state PATH to keep the store in a file of its own, or move that one aside"
    for state, kind in (("f.sqlite3", "a named pipe"), ("z.sqlite3", "a device"),
                        ("d", "a folder")):
        shown = "d/reviews.sqlite3" if state == "d" else state
        _refused(runner, vault, state, f"the review store {shown} is not a regular file "
                                       f"({kind}); it was left as it is", hint)
    (tmp_path / "hf").write_text("x\n")
    _refused(runner, vault, "hf/x.sqlite3", "cannot keep the review store hf/x.sqlite3 "
             "there: hf is a file, not a folder", "pass --state PATH to keep the store "
             "elsewhere")
    monkeypatch.setenv("HIGHYIELD_HOME", str(tmp_path / "hf"))
    for args in (["quiz", str(vault)], ["stats"]):
        result = runner.invoke(cli, args, input="q")
        assert (result.exit_code, result.output) == (
            2, "error: HIGHYIELD_HOME is hf, a file, not a folder\n"
               "  hint: point HIGHYIELD_HOME at a folder (highyield makes it if it is "
               "missing), or move hf aside\n")
    assert (tmp_path / "hf").read_text() == "x\n"
    assert stat.S_ISFIFO(os.stat("f.sqlite3").st_mode)


def test_a_store_that_is_a_link_to_a_file_that_is_not_there_is_said_so(
        make_vault: Callable[..., Path], tmp_path: Path, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not "cannot open" (quiz) or "does not exist" (stats); and no store is made through
    the link, even where the folder it points into exists."""
    vault = make_vault({"a.md": ONE_FACT})
    monkeypatch.chdir(tmp_path)
    for target in ("/nonexistent/x.sqlite3", "gone.sqlite3", str(tmp_path / "gone.sqlite3")):
        os.symlink(target, "s.sqlite3")
        _refused(runner, vault, "s.sqlite3", "the review store s.sqlite3 is a link to a file "
                 f"that is not there ({target}); it was left as it is",
                 "put back the store it points to, or delete the link to start a new store "
                 "there, or pass --state PATH")
        assert os.readlink("s.sqlite3") == target
        assert not os.path.lexists("gone.sqlite3") and not os.path.lexists("/nonexistent")
        assert sorted(p.name for p in tmp_path.iterdir() if "sqlite3" in p.name) == \
            ["s.sqlite3"]
        os.unlink("s.sqlite3")


@pytest.mark.parametrize("version", [0, 1, 7])
def test_another_programs_database_is_not_taken_for_a_store(
        make_vault: Callable[..., Path], tmp_path: Path, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch, version: int) -> None:
    vault = make_vault({"a.md": ONE_FACT})
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE x (a)")
    db.execute("CREATE TABLE y (b)")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()
    before = _sha(other)
    _refused(runner, vault, "other.sqlite3", "other.sqlite3 is not a highyield review store: "
             "it is an SQLite database with tables of its own (x, y); it was left as it is",
             "pass --state PATH to keep the review store in another file")
    assert _sha(other) == before
    assert sorted(p.name for p in tmp_path.iterdir() if "sqlite3" in p.name) == \
        ["other.sqlite3"]


@pytest.mark.parametrize("writable", [True, False])
def test_a_store_deleted_as_it_is_opened_is_said_and_no_empty_file_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writable: bool) -> None:
    """Deleted between its checks and SQLite's open, SQLite made an empty file in its
    place, which the next command called an empty store (thirteenth fault probe)."""
    path = tmp_path / "s.sqlite3"
    with Store.open(path):
        pass
    checked = Store._refuse

    def refuse_then_delete(where: Path, writing: bool) -> None:
        checked(where, writing)
        where.unlink()
    monkeypatch.setattr(Store, "_refuse", staticmethod(refuse_then_delete))
    with pytest.raises(HighyieldError, match="cannot open"), \
            Store.open(path, writable=writable):
        pass
    assert not path.exists()
