"""The review store when the machine, not highyield, is the problem: two quizzes on one
store. Real processes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pexpect

from highyield.config import ReviewSettings
from highyield.review.schedule import CardState, Rating, fuzz_seed, outcomes
from highyield.review.store import STATE_COLUMNS, from_ms, state_from_json, state_values
from tests.test_quiz_terminal import FRONT_KEYS, _spawn, _store_rows

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
    child.expect_exact("(u: undo · q: quit)")


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
