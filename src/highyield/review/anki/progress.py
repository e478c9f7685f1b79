"""The quiz's progress as an Anki package carries it (``build --with-progress``): each
studied card's schedule, and its review log, for a package whose day 0 is today.

Anki's import with "Import any learning progress" gives a card new to the collection
this schedule and history; a card the collection has already keeps its own (the
importer never changes a card that exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from highyield.config import ReviewSettings
from highyield.model import AnkiCard, RevlogRow
from highyield.review.anki.cards import AnkiDay, anki_of
from highyield.review.anki.revlog import row_for
from highyield.review.days import day_start
from highyield.review.store import Store
from highyield.review.store.exchange import histories, known

_NEW = AnkiCard(0, 0, 0, 0, 0, 0, 0, None, None, None)


@dataclass(frozen=True)
class Progress:
    created: int  # the package's day 0 (Anki's crt): when today's study day began, secs
    cards: dict[tuple[str, int], tuple[AnkiCard, tuple[RevlogRow, ...]]]  # by key, ord


def progress_of(store: Store, deck: str, settings: ReviewSettings, now: datetime,
                tz: tzinfo) -> Progress:
    """The studied cards of the deck, as the package is to carry them (``cid`` 0 in the
    review log: the package's card id is filled in where it is written)."""
    start = day_start(now, tz, settings.day_starts_at)
    created = int(start.timestamp())
    day = AnkiDay(0, created + 86400)
    cards = {}
    states = known(store, [deck])
    for ref, history in histories(store, deck).items():
        state = states[ref].state
        afters = [before for _, before in history[1:]] + [state]
        rows = tuple(row_for(a, 0, before, after)
                     for (a, before), after in zip(history, afters, strict=True))
        cards[ref] = (anki_of(state, _NEW, day, settings), rows)
    return Progress(created, cards)
