"""The study session: show a card, reveal it, take a grade, commit it, show the next.

It is written against a small ``Terminal`` (write text, read one key), so tests can drive
it with a script and the real one can live in ``terminal``. Every answer, bury and suspend
is committed to the store before the next card shows; the clock is passed in. The keys
are Anki's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from highyield.review import screen
from highyield.review.counts import Left, left
from highyield.review.due import Loads, Mix, Plan, due_next, next_card
from highyield.review.schedule import (
    CardState,
    Outcome,
    Phase,
    Rating,
    day_end,
    fuzz_seed,
    outcomes,
)
from highyield.review.store import Hidden, Store
from highyield.review.store.reads import Ref, note_cards

REVEAL = (" ", "\n", "\r")  # on the front; on the back they mean Good, as in Anki
QUIT = ("q", "Q", "", "\x04")  # "" is the end of input; \x04 is Ctrl-D
GRADES = {"1": Rating.Again, "2": Rating.Hard, "3": Rating.Good, "4": Rating.Easy}
MAX_ANSWER_MS = 60_000  # as Anki logs it: a longer answer counts as a minute
UNDO = ("u", "\x1a")  # \x1a is Ctrl-Z (the terminal does not stop the quiz on it)


@dataclass(frozen=True)
class _Hide:
    name: str  # what the quiz and undo call it
    note: bool  # every card of the note, not just this one
    suspend: bool  # until unsuspended, not until tomorrow


HIDE = {"-": _Hide("bury", False, False), "s": _Hide("bury", False, False),
        "=": _Hide("bury note", True, False), "@": _Hide("suspend", False, True),
        "!": _Hide("suspend note", True, True)}


class Terminal(Protocol):
    style: screen.Style

    def write(self, text: str) -> None: ...

    def page(self, text: str) -> None:
        """Write the start of a new card's screen (the terminal redraws from there)."""
        ...

    def key(self) -> str:
        """One key press; "" when the input has ended. Ctrl-C raises KeyboardInterrupt."""
        ...


@dataclass
class Summary:
    reviewed: int
    correct: int
    started: datetime
    ended: datetime
    due_next: str
    interrupted: bool = False
    finished: bool = False  # nothing more was due

    def text(self) -> str:
        return screen.summary(self.reviewed, self.correct, self.ended - self.started,
                              self.due_next, self.finished)


@dataclass
class _Answered:
    review: int
    outcome: Outcome


@dataclass
class _Hid:
    ref: Ref  # the card on screen: undo shows it again
    name: str
    before: dict[Ref, Hidden]  # what undo puts back, for each card hidden


@dataclass
class Session:
    store: Store
    plan: Plan
    term: Terminal
    clock: Callable[[], datetime]
    where: Callable[[str, str], str]  # (deck, vault-relative path:line) → what `e` prints
    limit: int | None = None  # stop after this many answers
    answers: list[_Answered] = field(default_factory=list)
    done: list[_Answered | _Hid] = field(default_factory=list)  # what undo takes back
    pending: Ref | None = None  # the card an undo brought back
    loads: Loads = field(init=False)  # the cards due each day, for the load balancer

    def __post_init__(self) -> None:
        self.loads = Loads(self.store, self.plan)

    def run(self) -> Summary:
        started = self.clock()
        interrupted = finished = False
        at_start: list[Left] = []  # the counts when the session began, once needed

        def mix() -> Mix:
            if not at_start:
                at_start.append(left(self.store, self.plan, started))
            return Mix(at_start[0].review, at_start[0].new, self._seen(Phase.REVIEW),
                       self._new_seen())

        try:
            while self.limit is None or len(self.answers) < self.limit:
                ref = self.pending or next_card(self.store, self.plan, self.clock(),
                                                self._new_seen(), mix)
                self.pending = None
                finished = ref is None
                if ref is None or not self._card(ref):
                    break
        except KeyboardInterrupt:
            interrupted = True
        now = self.clock()
        correct = sum(a.outcome.rating is not Rating.Again for a in self.answers)
        return Summary(len(self.answers), correct, started, now,
                       due_next(self.store, self.plan, now), interrupted, finished)

    def _new_seen(self) -> int:
        return self._seen(Phase.NEW)

    def _seen(self, phase: Phase) -> int:
        """The cards this session answered that were in ``phase`` before."""
        return sum(a.outcome.before.phase is phase for a in self.answers)

    def _card(self, ref: Ref) -> bool:
        """Show one card and act on the keys. False when the student quits."""
        deck, source, view = self.store.view(*ref, self.plan.which.decks)
        state = self.store.state(*ref)
        shown_at = self.clock()
        counts = left(self.store, self.plan, shown_at, self._new_seen())
        self.term.page(screen.front(view, deck, state.phase, self.term.style, counts))
        key = self._key(ref, deck, source, wanted=REVEAL)
        if key not in REVEAL:
            return key not in QUIT
        choices = self._choices(ref, deck, state)
        self.term.write(screen.back(view, source, choices, self.term.style))
        key = self._key(ref, deck, source, wanted=(*GRADES, *REVEAL))
        if key not in GRADES and key not in REVEAL:
            return key not in QUIT
        self._commit(ref, deck, choices[GRADES.get(key, Rating.Good)], source, shown_at)
        return True

    def _choices(self, ref: Ref, deck: str, state: CardState) -> dict[Rating, Outcome]:
        seed = fuzz_seed(f"{ref[0]}:{ref[1]}", state.reps)
        now = self.clock()
        return outcomes(state, now, self.plan.settings[deck], seed, tz=self.plan.tz,
                        load=self.loads.of(deck, now))

    def _key(self, ref: Ref, deck: str, source: str, wanted: tuple[str, ...]) -> str:
        """Keys until one in ``wanted``, a quit, a bury or suspend, or a successful undo."""
        while True:
            key = self.term.key()
            if key in wanted or key in QUIT:
                return key
            if key == "e":
                self.term.write(f"Edit: {self.where(deck, source)}\n")
            elif key in HIDE:
                self._hide(ref, HIDE[key])
                return key
            elif key in UNDO and self._undo():
                return key

    def _hide(self, ref: Ref, how: _Hide) -> None:
        """Bury the card (or its note's cards) until the next study day, or suspend them."""
        refs = note_cards(self.store.db, ref[0]) if how.note else [ref]
        before = self.store.hidden(refs)
        until = day_end(self.clock(), self.plan.tz, self.plan.hour())
        self.store.hide({r: replace(h, suspended=True) if how.suspend else
                         replace(h, buried_until=until) for r, h in before.items()})
        self.done.append(_Hid(ref, how.name, before))
        self.term.write(screen.hidden(how.name, len(refs)))

    def _commit(self, ref: Ref, deck: str, chosen: Outcome, source: str,
                shown_at: datetime) -> None:
        """Save the answer. Should another session have answered the card meanwhile, the
        store works it out again, inside its write, from the state that answer left."""
        took = max(0, round((self.clock() - shown_at).total_seconds() * 1000))

        def again(state: CardState) -> Outcome:
            return self._choices(ref, deck, state)[chosen.rating]

        review, outcome = self.store.answer(*ref, chosen, min(took, MAX_ANSWER_MS), again)
        assert outcome.after.due is not None
        self.loads.add(deck, outcome.after.due)
        self.answers.append(_Answered(review, outcome))
        self.done.append(self.answers[-1])
        if outcome is not chosen:
            self.term.write(screen.MEANWHILE)
        self.term.write(screen.answered(outcome))
        if outcome.new_leech:
            self.term.write(screen.leech(source, outcome.after.lapses,
                                         outcome.after.suspended))

    def _undo(self) -> bool:
        """Take back the last answer, bury or suspend; that card shows again."""
        if not self.done:
            self.term.write("Nothing to undo.\n")
            return False
        last = self.done[-1]
        if isinstance(last, _Answered):
            back = self.store.undo(last.review)
            if back is None:
                self.term.write("Cannot undo: another session has answered that card "
                                "since.\n")
                return False
            self.answers.remove(last)
            self.pending, what = back, screen.NAMES[last.outcome.rating]
        else:
            self.store.hide(last.before)
            self.pending, what = last.ref, last.name
        self.done.pop()
        self.term.write(f"Undone: {what}. That card comes back.\n")
        return True
