"""The study session, driven by a script of keys with a fixed clock, over a real store."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from highyield.cli.quiz_setup import plan_for, unsuspend, where_in
from highyield.config import DeckConfig, ReviewSettings, folder_deck
from highyield.review.days import start_of, study_date
from highyield.review.due import Loads, Plan, day_load
from highyield.review.schedule import CardState, Phase, Rating, answer
from highyield.review.screen import Style
from highyield.review.session import Session, Summary
from highyield.review.store import CardRow, Store
from highyield.review.store.reads import Filter, all_tags
from highyield.review.sync import fingerprint, sync_deck

EST = timezone(timedelta(hours=-5))
MORNING = datetime(2026, 11, 21, 9, 0, tzinfo=EST)  # a Saturday, 9 am
NOTE = """# Heart

## Murmurs
- Aortic stenosis gives a ==crescendo-decrescendo== systolic murmur.
- Mitral regurgitation gives a ==holosystolic== murmur.
- Hypertrophic cardiomyopathy murmur ==increases with Valsalva==.
"""
RENAL = """---
tags: [renal/glomerular]
---
# Nephrotic syndrome
- Nephrotic syndrome means proteinuria over ==3.5 g/day==.
"""
NEPHROTIC = "Nephrotic syndrome means proteinuria over [...]."


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(timezone.utc)

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class Script:
    """A terminal that types the given keys, each a few seconds after the last."""

    style = Style(color=False)

    def __init__(self, keys: Iterable[str], clock: Clock, step: float = 5) -> None:
        self.keys, self.clock, self.step = list(keys), clock, step
        self.out: list[str] = []

    def write(self, text: str) -> None:
        self.out.append(text)

    def page(self, text: str) -> None:
        self.out.append(text)

    def key(self) -> str:
        self.clock.advance(seconds=self.step)
        if not self.keys:
            return ""
        key = self.keys.pop(0)
        if key == "^C":
            raise KeyboardInterrupt
        return key

    @property
    def text(self) -> str:
        return "".join(self.out)

    def fronts(self) -> list[str]:
        """The statement line of each card front shown, in order."""
        shown = []
        for chunk in self.out:
            if chunk.startswith("\n── "):
                shown.append(chunk.split("\n\n")[1].strip())
        return shown


@pytest.fixture
def deck(make_vault: Callable[..., Path], tmp_path: Path) -> DeckConfig:
    vault = make_vault({"Heart.md": NOTE, "Renal.md": RENAL})
    return folder_deck(vault, tmp_path / "out.apkg")


Run = Callable[..., tuple[Script, Summary]]


@pytest.fixture
def study(tmp_path: Path, deck: DeckConfig) -> Run:
    def run(keys: str | list[str], clock: Clock, settings: ReviewSettings | None = None,
            tag: str | None = None, new: int | None = None,
            limit: int | None = None) -> tuple[Script, Summary]:
        target = replace(deck, review=settings or ReviewSettings())
        with Store.open(tmp_path / "reviews.sqlite3") as store:
            sync_deck(store, target, clock())
            script = Script(list(keys), clock)
            session = Session(store, plan_for(store, [target], EST, tag, new), script, clock,
                              where_in([target]), limit)
            return script, session.run()
    return run


def states(tmp_path: Path) -> dict[str, tuple[Phase, int]]:
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        rows = store.db.execute("SELECT source, phase, reps FROM cards").fetchall()
    return {source: (Phase(phase), reps) for source, phase, reps in rows}


def test_a_session_shows_reveals_grades_and_commits(study: Run, tmp_path: Path) -> None:
    script, summary = study(" 3 3q", Clock(MORNING))
    assert script.fronts() == [
        "Aortic stenosis gives a [...] systolic murmur.",
        "Mitral regurgitation gives a [...] murmur.",
        "Hypertrophic cardiomyopathy murmur [...]."]
    assert "── vault · new · [4] + 0 + 0 " in script.text
    assert "Heart › Murmurs\n" in script.text
    assert "Aortic stenosis gives a «crescendo-decrescendo» systolic murmur." in script.text
    assert "Source: Heart.md:4\n" in script.text
    assert "1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy " in script.text
    assert "Good → next in 10m" in script.text
    assert (summary.reviewed, summary.correct) == (2, 2)
    assert summary.text().startswith("\nStudied 2 cards in 25s · 100% correct (2 of 2)\n")
    assert states(tmp_path) == {"Heart.md:4": (Phase.LEARNING, 1),
                                "Heart.md:5": (Phase.LEARNING, 1),
                                "Heart.md:6": (Phase.NEW, 0),
                                "Renal.md:5": (Phase.NEW, 0)}


def test_a_missed_card_comes_back_in_the_same_session(study: Run, tmp_path: Path) -> None:
    clock = Clock(MORNING)
    script, summary = study(" 1 3 3 3 3 3 3", clock, tag="renal")  # only the renal card
    # Again (1m), then Good (10m) and Good again: each time the card returns while the
    # session is open (Anki's 20-minute learn-ahead), then it graduates to review.
    assert script.fronts() == [NEPHROTIC] * 3
    assert summary.reviewed == 3 and summary.correct == 2
    assert states(tmp_path)["Renal.md:5"] == (Phase.REVIEW, 3)
    assert "Nothing more is due now. Due next: tomorrow 1 due and 0 new." in summary.text()


def test_learning_cards_come_first_once_due(study: Run) -> None:
    clock = Clock(MORNING)
    script, _ = study([" ", "1"] + ["e"] * 12 + [" ", "3", " ", "3"], clock)
    # the AS card, missed, is due a minute later, while the next new card is on screen:
    # it comes before the other new cards
    assert [f.split()[0] for f in script.fronts()] == ["Aortic", "Mitral", "Aortic",
                                                       "Hypertrophic"]


def test_undo_takes_back_the_last_answer(study: Run, tmp_path: Path) -> None:
    script, summary = study(" 3u q", Clock(MORNING))
    assert "Undone: Good. That card comes back." in script.text
    assert [f.split()[0] for f in script.fronts()] == ["Aortic", "Mitral", "Aortic"]
    assert summary.reviewed == 0
    assert states(tmp_path)["Heart.md:4"] == (Phase.NEW, 0)
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        assert store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_undo_with_nothing_to_undo_says_so(study: Run) -> None:
    script, _ = study("uq", Clock(MORNING))
    assert "Nothing to undo." in script.text


def test_e_prints_where_the_card_is_written(study: Run, deck: DeckConfig) -> None:
    script, _ = study("eq", Clock(MORNING))
    assert f"Edit: {deck.vault / 'Heart.md'}:4\n" in script.text


def test_a_buried_card_waits_until_tomorrow(study: Run) -> None:
    clock = Clock(MORNING)
    script, _ = study("- 3q", clock)
    assert "Buried until tomorrow." in script.text
    assert script.fronts()[1].startswith("Mitral")
    clock.now = MORNING.replace(hour=23)
    script, _ = study(" 4 4 4 4", clock)
    assert [f.split()[0] for f in script.fronts()] == ["Mitral", "Hypertrophic", "Nephrotic"]
    clock.now = MORNING + timedelta(days=1)  # the next study day
    script, _ = study("q", clock)
    assert script.fronts()[0].startswith("Aortic")


def test_a_buried_note_returns_the_next_study_day_a_suspended_card_when_unsuspended(
        study: Run, deck: DeckConfig, tmp_path: Path) -> None:
    clock = Clock(MORNING)
    script, _ = study("=@q", clock)
    assert "Note buried until tomorrow: 1 card." in script.text
    assert ("Suspended: not shown until `highyield quiz --unsuspend`." in script.text)
    clock.now = datetime(2026, 11, 22, 3, 59, tzinfo=EST)  # still Saturday's study day
    script, _ = study(" 4 4", clock)
    assert [f.split()[0] for f in script.fronts()] == ["Hypertrophic", "Nephrotic"]
    clock.now = datetime(2026, 11, 22, 4, 0, tzinfo=EST)
    script, _ = study("u-", clock)  # undo has nothing from an earlier session to take back
    assert "Nothing to undo." in script.text
    assert [f.split()[0] for f in script.fronts()] == ["Aortic"]  # Mitral stays suspended
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        assert unsuspend(store, plan_for(store, [deck], EST, None, None).which) == ["Heart.md:5"]
    clock.advance(days=1)
    script, _ = study("--", clock)
    assert [f.split()[0] for f in script.fronts()] == ["Aortic", "Mitral"]


def test_the_daily_new_limit_resets_at_4_am(study: Run) -> None:
    one_a_day = ReviewSettings(new_per_day=1)
    clock = Clock(MORNING)
    script, summary = study(" 4", clock, one_a_day)
    assert len(script.fronts()) == 1 and summary.reviewed == 1
    clock.now = datetime(2026, 11, 22, 3, 59, tzinfo=EST)  # still Saturday's study day
    script, summary = study("", clock, one_a_day)
    assert script.fronts() == [] and summary.reviewed == 0
    assert "No cards studied." in summary.text()
    clock.now = datetime(2026, 11, 22, 4, 0, tzinfo=EST)
    script, _ = study(" 4", clock, one_a_day)
    assert script.fronts() == ["Mitral regurgitation gives a [...] murmur."]


def test_new_overrides_the_daily_limit_for_one_session(study: Run) -> None:
    script, summary = study(" 4 4 4", Clock(MORNING), ReviewSettings(new_per_day=1), new=3)
    assert summary.reviewed == 3
    script, summary = study(" 4", Clock(MORNING), new=0)
    assert summary.reviewed == 0 and script.fronts() == []  # one new card is left


def test_limit_ends_the_session(study: Run) -> None:
    _, summary = study(" 3 3 3", Clock(MORNING), limit=2)
    assert summary.reviewed == 2


def test_cards_come_back_when_fsrs_scheduled_them(study: Run, tmp_path: Path) -> None:
    clock = Clock(MORNING)
    study(" 4", clock, tag="renal")  # Easy: straight to review
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        due = store.state(*store.db.execute("SELECT key, ord FROM cards WHERE phase = 2")
                          .fetchone()).due
    assert due is not None
    day_before = due.astimezone(EST) - timedelta(days=1)
    clock.now = day_before.replace(hour=23, minute=0)
    script, _ = study("", clock, tag="renal")
    assert script.fronts() == []
    clock.now = due.astimezone(EST).replace(hour=4, minute=1)  # its day has begun
    script, _ = study(" 3", clock, tag="renal")
    assert script.fronts() == [NEPHROTIC]
    assert "── vault · review · 0 + 0 + [1] " in script.text


def test_a_leech_is_warned_about_in_the_session(study: Run, tmp_path: Path) -> None:
    touchy = ReviewSettings(leech_lapses=1, leech_suspend=True)
    clock = Clock(MORNING)
    study(" 4", clock, touchy, tag="renal")
    clock.advance(days=30)
    script, _ = study(" 1q", clock, touchy, tag="renal")
    assert ("Leech: this card has been forgotten 1 times. It is suspended: the quiz stops "
            "showing it.") in script.text
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        assert store.db.execute("SELECT leech, suspended FROM cards WHERE source = "
                                "'Renal.md:5'").fetchone() == (1, 1)
    clock.advance(days=1)
    script, _ = study("", clock, touchy, tag="renal")
    assert script.fronts() == []


def test_ctrl_c_ends_the_session_keeping_every_answer(study: Run, tmp_path: Path) -> None:
    script, summary = study([" ", "3", " ", "^C"], Clock(MORNING))
    assert summary.interrupted and summary.reviewed == 1
    assert "Good → next in 10m" in script.text
    assert states(tmp_path)["Heart.md:4"] == (Phase.LEARNING, 1)


def test_the_notes_fingerprint_is_the_same_in_every_process(deck: DeckConfig,
                                                            tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from highyield.config import folder_deck; "
            "from highyield.review.sync import fingerprint; "
            "print(fingerprint(folder_deck(Path(sys.argv[1]), None)))")
    prints = set()
    for seed, cwd in (("1", tmp_path), ("2", tmp_path / "_home"), ("3", tmp_path)):
        run = subprocess.run([sys.executable, "-c", code, str(deck.vault)], cwd=cwd,
                             env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
                             capture_output=True, text=True)
        prints.add(run.stdout.strip())
    assert len(prints) == 1
    assert fingerprint(deck) in prints
    (deck.vault / "Heart.md").write_text(NOTE + "- One ==more== fact.\n")
    assert fingerprint(deck) not in prints
    changed = fingerprint(deck)
    assert fingerprint(replace(deck, review=ReviewSettings(new_per_day=5))) == changed
    assert fingerprint(replace(deck, output=tmp_path / "elsewhere.apkg")) == changed
    assert fingerprint(replace(deck, tags=("x",))) != changed
    assert fingerprint(replace(deck, review=ReviewSettings(day_starts_at=6))) != changed


def test_unchanged_notes_are_not_read_again(deck: DeckConfig, tmp_path: Path) -> None:
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        first = sync_deck(store, deck, MORNING)
        assert first.synced is not None and first.synced.added == 4
        assert sync_deck(store, deck, MORNING).synced is None
        (deck.vault / "Renal.md").unlink()
        gone = sync_deck(store, deck, MORNING)
        assert gone.synced is not None and gone.synced.retired == 1


def test_the_daily_review_limit(study: Run) -> None:
    clock = Clock(MORNING)
    study(" 4 4", clock, ReviewSettings(new_per_day=2))
    clock.advance(days=60)
    script, _ = study(" 3 3", clock, ReviewSettings(new_per_day=0, reviews_per_day=1))
    assert len(script.fronts()) == 1
    assert "── vault · review · 0 + 0 + [1] " in script.text


def test_undo_takes_back_a_bury(study: Run) -> None:
    script, _ = study("su q", Clock(MORNING))  # s: the old skip key, the same as -
    assert "Buried until tomorrow." in script.text
    assert "Undone: bury. That card comes back." in script.text
    assert [f.split()[0] for f in script.fronts()] == ["Aortic", "Mitral", "Aortic"]
    script, _ = study("q", Clock(MORNING))
    assert script.fronts()[0].startswith("Aortic")  # no longer buried


def test_own_highlights_come_before_auto_cards(make_vault: Callable[..., Path],
                                               tmp_path: Path) -> None:
    clipping = ("# Article\n\nThe incidence of sarcoidosis is 10 per 100,000 adults, "
                "as reported in 2019 by large registries.\n")
    vault = make_vault({"Clippings/Sarcoid.md": clipping,
                        "Notes.md": "- My ==own== fact.\n"}, name="v2")
    target = folder_deck(vault, tmp_path / "o.apkg")
    with Store.open(tmp_path / "s.sqlite3") as store:
        sync_deck(store, target, MORNING)
        order = [s for (s,) in store.db.execute("SELECT source FROM cards ORDER BY position")]
    assert order[0] == "Notes.md:1" and order[-1].startswith("Clippings/Sarcoid.md")


def test_long_lines_wrap_between_words() -> None:
    from highyield.review.counts import Left
    from highyield.review.screen import front
    view = ('{"context": "A › B", "cue": [], "extra": [], "images": [], '
            '"front": "' + "word " * 30 + '\\u0002[...]\\u0003 end."}')
    shown = front(view, "D", Phase.NEW, Style(color=False, width=40), Left(1, 0, 0))
    body = shown.split("\n\n")[1].splitlines()
    assert all(len(line) <= 39 for line in body) and len(body) > 3
    assert " ".join(body) == ("word " * 30 + "[...] end.").strip()


@pytest.mark.parametrize(("limit", "shown"), [(3, (2, 1)), (2, (2, 0)), (1, (1, 0))])
def test_new_cards_fit_within_the_review_limit(study: Run, limit: int,
                                               shown: tuple[int, int]) -> None:
    """As in Anki, the review limit caps new cards too, after the reviews due today:
    with 2 reviews due and a limit of 3, one new card is shown, though 5 are allowed."""
    clock = Clock(MORNING)
    study(" 4 4", clock, ReviewSettings(new_per_day=2))  # Easy: two cards to review
    clock.advance(days=60)
    settings = ReviewSettings(new_per_day=5, reviews_per_day=limit)
    script, _ = study(" 3 3 3 3 3", clock, settings)  # a new card's learning step comes too
    assert (script.text.count(" · review · "), script.text.count(" · new · ")) == shown
    new_left = min(5, max(0, limit - 2))  # the first card's header counts them alike
    assert f" · review · {new_left} + 0 + [{min(2, limit)}] " in script.text


def test_an_answer_logs_at_most_a_minute(deck: DeckConfig, tmp_path: Path) -> None:
    """As Anki logs it ("maximum answer seconds", 60): a card left on screen while the
    student made coffee counts as a minute."""
    clock = Clock(MORNING)
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        sync_deck(store, deck, clock())
        script = Script(list(" 3 3q"), clock, step=50)  # 100 s per card
        Session(store, plan_for(store, [deck], EST, None, None), script, clock,
                where_in([deck]), None).run()
        taken = [row[0] for row in store.db.execute(
            "SELECT duration_ms FROM reviews ORDER BY reviewed_at")]
    assert taken == [60_000, 60_000]


def test_a_card_skipped_today_is_counted_tomorrow(study: Run) -> None:
    clock = Clock(MORNING)
    study(" 4 4", clock, ReviewSettings(new_per_day=2))  # Easy: two cards to review
    clock.advance(days=60)
    _, summary = study("sq", clock, ReviewSettings(new_per_day=0))
    assert summary.due_next == "Due next: 1 more today, tomorrow 1 due and 0 new."


def test_the_load_balancer_counts_the_cards_due_each_day(tmp_path: Path) -> None:
    """What the quiz gives Anki's load balancer: the cards due on each of the next 99
    study days, counted once a day and kept up to date with each answer."""
    keys = [f"k{n}" for n in range(6)]
    today = study_date(MORNING, EST, 4)
    with Store.open(tmp_path / "r.sqlite3") as store:
        store.sync("D", [CardRow(k, 1, f"n.md:{n}", n, "", "{}") for n, k in enumerate(keys)],
                   "f", 4, MORNING)
        learning = answer(CardState(), Rating.Good, MORNING, ReviewSettings(), tz=EST)
        for key, days in zip(keys, [2, 2, 5, 120, 0], strict=False):  # k5 stays new
            due = start_of(today + timedelta(days=days), EST, 4)
            store.answer(key, 1, replace(learning, after=replace(
                learning.after, phase=Phase.REVIEW, step=None, due=due)), 1000)
        store.answer("k4", 1, learning, 1000)  # a 10-minute step: not a day's load
        expected = [0] * 99
        expected[2], expected[5] = 2, 1
        assert day_load(store, "D", MORNING, EST, 4) == expected
        loads = Loads(store, Plan(Filter(("D",)), {"D": ReviewSettings()}, EST))
        assert loads.of("D", MORNING) == expected
        loads.add("D", start_of(today + timedelta(days=5), EST, 4))
        loads.add("D", MORNING + timedelta(minutes=10))  # not the start of a day
        assert loads.of("D", MORNING)[5] == 2 and sum(loads.of("D", MORNING)) == 4


def test_a_leech_carries_the_leech_tag(study: Run, tmp_path: Path) -> None:
    """As Anki tags a leech (leech_action: tag), `--tag leech` studies the leeches."""
    touchy = ReviewSettings(leech_lapses=1)
    clock = Clock(MORNING)
    study(" 4 4 4 4", clock, touchy)  # every card to review
    clock.advance(days=60)
    script, _ = study(" 1q", clock, touchy)  # the first lapses: a leech
    assert "Leech: this card has been forgotten 1 times." in script.text
    clock.advance(days=1)
    script, _ = study(" 3q", clock, touchy, tag="leech")
    assert script.fronts() == ["Aortic stenosis gives a [...] systolic murmur."]
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        assert "leech" in all_tags(store.db, ("vault",))


def test_the_help_lists_every_key(runner: CliRunner) -> None:
    from highyield.cli import cli
    from highyield.review.session import GRADES, HIDE, QUIT, REVEAL, UNDO

    shown = runner.invoke(cli, ["quiz", "--help"], terminal_width=100).output
    assert """
  Keys (Anki's):
    Space/Enter  show the answer; on the answer, Good
    1 2 3 4      Again, Hard, Good, Easy (each shows when you would see it next)
    u, Ctrl-Z    undo the last answer, bury or suspend
    -  =         bury the card, or every card of its note, until tomorrow (s: as -)
    @  !         suspend the card, or its note, until `quiz --unsuspend`
    e            print the note and line, to fix the card
    q            quit (Ctrl-C too); every answer is already saved
""" in shown
    assert set(REVEAL) | set(GRADES) | set(UNDO) | set(HIDE) | set(QUIT) == {
        " ", "\n", "\r", "1", "2", "3", "4", "u", "\x1a", "-", "s", "=", "@", "!",
        "q", "Q", "", "\x04"}  # a key added to the session is added to the help too


@pytest.mark.parametrize(("latex", "shown"), [
    (r"\frac{2}{3}", "2/3"),
    (r"\frac12", "1/2"),
    (r"\dfrac{a+b}{c}", "(a+b)/c"),
    (r"\alpha + \beta \le \Delta", "α + β ≤ Δ"),
    (r"\text{Na}^{+} \times 10^{9}", "Na^+ × 10^9"),
    (r"\Delta G \lt 0", "Δ G < 0"),  # MathJax's \lt
    (r"\frac{P_{a}O_2}{F_iO_2} < 300", "P_aO_2/F_iO_2 < 300"),
    (r"\frac{", r"\frac{"),  # broken: as written, and nothing said on the terminal
    ("{" * 3000, "{" * 3000),  # nested past Python's recursion limit
    ("x" * 1001, "x" * 1001),  # too long to be worth the time
])
def test_math_as_text(latex: str, shown: str, capfd: pytest.CaptureFixture[str]) -> None:
    from highyield.review.mathtext import math_text

    assert math_text(latex) == shown
    assert capfd.readouterr() == ("", "")


def test_new_cards_are_spread_among_the_reviews_as_in_anki(deck: DeckConfig,
                                                          tmp_path: Path) -> None:
    """Anki's default order, "mix with reviews": with 4 reviews and 2 new cards left, the
    session goes review, new, review, review, new, review (Anki's intersperser)."""
    heart = "".join(f"- Fact {n} is ==answer {n}==.\n" for n in range(6))
    (deck.vault / "Heart.md").write_text("# Heart\n" + heart)
    (deck.vault / "Renal.md").unlink()
    clock = Clock(MORNING)
    with Store.open(tmp_path / "reviews.sqlite3") as store:
        sync_deck(store, deck, clock())
        first = Script(list(" 4 4 4 4q"), clock)  # four cards to review
        Session(store, plan_for(store, [deck], EST, None, None), first, clock,
                where_in([deck]), None).run()
        clock.advance(days=60)
        script = Script(list(" 3" * 6 + "q"), clock)
        Session(store, plan_for(store, [deck], EST, None, None), script, clock,
                where_in([deck]), None).run()
    kinds = re.findall(r"── vault · (new|review) · ", script.text)
    assert kinds == ["review", "new", "review", "review", "new", "review"]
