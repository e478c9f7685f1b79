"""A card's schedule in Anki's columns and in highyield's ``CardState``, each made from the
other. Pure: the collection's day (``AnkiDay``) and the deck's steps are passed in.

Anki keeps a card's kind in ``type`` (0 new, 1 learning, 2 review, 3 relearning) and
where it waits in ``queue`` (-1 suspended; 1 learning within the day, ``due`` in seconds;
3 learning on a later day and 2 review, ``due`` a day number counted from the
collection's creation). ``left`` is the learning steps still to go.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from highyield.config import ReviewSettings
from highyield.model import AnkiCard
from highyield.review.schedule import CardState, Phase

DAYS_BEFORE = 36_500  # a day number this far before the collection's first is no day

DAY = 86400
UTC = timezone.utc
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3  # Anki's card types
SUSPENDED, IN_DAY, DAY_LEARN = -1, 1, 3  # Anki's queues besides the type's own
TYPES = {Phase.NEW: NEW, Phase.LEARNING: LEARNING, Phase.REVIEW: REVIEW,
         Phase.RELEARNING: RELEARNING}
PHASES = {v: k for k, v in TYPES.items()}


@dataclass(frozen=True)
class AnkiDay:
    """The collection's study day: its number, and when the next one begins (seconds)."""

    today: int
    next_day_at: int

    def day_of(self, at: datetime) -> int:
        """The day number of the study day ``at`` falls in."""
        return self.today + (int(at.timestamp()) - self.next_day_at) // DAY + 1

    def start_of(self, day: int) -> datetime:
        return datetime.fromtimestamp(self.next_day_at - (self.today + 1 - day) * DAY, UTC)


def state_of(card: AnkiCard, day: AnkiDay, settings: ReviewSettings,
             leech: bool) -> CardState:
    """The card as highyield keeps it."""
    phase = PHASES.get(card.type, Phase.NEW)
    if phase is Phase.NEW:
        return CardState(suspended=card.queue == SUSPENDED, leech=leech)
    steps = len(settings.learning_steps if phase is Phase.LEARNING else
                settings.relearning_steps)
    step = max(0, steps - card.left % 1000) if phase in (Phase.LEARNING,
                                                        Phase.RELEARNING) else None
    memory = card.stability is not None and card.difficulty is not None
    return CardState(
        phase=phase, step=step, stability=card.stability if memory else None,
        difficulty=card.difficulty if memory else None, due=_due(card, day),
        last_review=None if card.last_review is None else
        datetime.fromtimestamp(card.last_review, UTC),
        reps=card.reps, lapses=card.lapses, leech=leech,
        suspended=card.queue == SUSPENDED,
        interval_days=card.ivl if phase in (Phase.REVIEW, Phase.RELEARNING) else 0)


def _due(card: AnkiCard, day: AnkiDay) -> datetime:
    """A learning step within the day is due in seconds (whatever its queue: learning,
    suspended or buried); the rest on a day number, before the collection's first day
    too (a card overdue since before the collection was made: thirteenth fault probe).
    A value no card has (a filtered deck's position) raises ``ValueError``."""
    if card.type in (LEARNING, RELEARNING) and card.due > 10**8:
        return datetime.fromtimestamp(card.due, UTC)
    if not -DAYS_BEFORE < card.due < 10**6:
        raise ValueError(f"due {card.due} is no day")
    return day.start_of(card.due)


def anki_of(state: CardState, was: AnkiCard, day: AnkiDay,
            settings: ReviewSettings) -> AnkiCard:
    """The Anki card's schedule columns for ``state``; ``was``: its columns now (a new
    card keeps its place among the new ones)."""
    kind = TYPES[state.phase]
    if state.phase is Phase.NEW:
        return replace(was, type=NEW, queue=SUSPENDED if state.suspended else NEW, ivl=0,
                       left=0, reps=state.reps, lapses=state.lapses, stability=None,
                       difficulty=None, last_review=None)
    assert state.due is not None
    queue, due = _queue(state, day)
    left = 0
    if state.phase in (Phase.LEARNING, Phase.RELEARNING):
        steps = settings.learning_steps if state.phase is Phase.LEARNING else \
            settings.relearning_steps
        left = max(0, len(steps) - (state.step or 0))
    return AnkiCard(
        kind, SUSPENDED if state.suspended else queue, due, state.interval_days, left,
        state.reps, state.lapses, state.stability, state.difficulty,
        None if state.last_review is None else int(state.last_review.timestamp()))


def _queue(state: CardState, day: AnkiDay) -> tuple[int, int]:
    assert state.due is not None
    if state.phase is Phase.REVIEW:
        return REVIEW, day.day_of(state.due + timedelta(hours=1))  # DST: an hour either way
    if int(state.due.timestamp()) < day.next_day_at:
        return IN_DAY, int(state.due.timestamp())
    return DAY_LEARN, day.day_of(state.due + timedelta(hours=1))
