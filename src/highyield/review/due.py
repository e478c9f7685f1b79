"""Which card comes next, as Anki decides: learning cards that are due, then the day's
reviews with the new cards the daily limits allow spread among them, then learning cards
due within twenty minutes (so a card answered Again comes back in the same session)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

from highyield.config import ReviewSettings
from highyield.review.days import start_of, study_date
from highyield.review.schedule import Phase, day_end, day_start, format_interval
from highyield.review.store import Store, to_ms
from highyield.review.store.reads import (
    Filter,
    Ref,
    answered_since,
    count_due,
    count_new,
    count_reviews_due,
    due_between,
    first_due,
    next_learning,
    next_new,
    next_review,
)

LEARN_AHEAD = timedelta(minutes=20)
LOAD_DAYS = 99  # how far ahead Anki's load balancer counts the cards due


@dataclass(frozen=True)
class Plan:
    which: Filter
    settings: Mapping[str, ReviewSettings]  # by deck
    tz: tzinfo
    new_cards: int | None = None  # --new: this many new cards, instead of the day's limit

    def hour(self) -> int:
        return self.settings[self.which.decks[0]].day_starts_at


@dataclass(frozen=True)
class Mix:
    """Anki's default order of new and review cards ("mix with reviews"): the day's new
    cards spread evenly among its reviews, by the counts left when the session began."""

    reviews: int  # review cards left when the session began
    new: int  # new cards left then
    reviews_seen: int = 0  # shown since
    new_seen: int = 0

    def new_turn(self) -> bool:
        """Whether a new card comes next, as Anki's intersperser decides."""
        ratio = (self.reviews + 1) / (self.new + 1)
        return (self.new_seen + 1) * ratio < self.reviews_seen + 1


def next_card(store: Store, plan: Plan, now: datetime, new_seen: int = 0,
              mix: Callable[[], Mix] | None = None) -> Ref | None:
    """The card to show at ``now``: learning cards due, then reviews with new cards
    spread among them (``mix``, asked only when both are there; without it, new cards
    after the reviews), then learning
    cards due within twenty minutes. ``new_seen`` is how many new cards this session
    showed."""
    db = store.db
    ref = next_learning(db, plan.which, now, now)
    if ref is not None:
        return ref
    reviews_open, new_open = _open_decks(store, plan, now)
    review = next_review(db, replace(plan.which, decks=reviews_open), now,
                         day_end(now, plan.tz, plan.hour())) if reviews_open else None
    if plan.new_cards is not None:
        new_open = plan.which.decks if new_seen < plan.new_cards else ()
    new = None
    if new_open and (review is None or (mix is not None and mix().new_turn())):
        new = next_new(db, replace(plan.which, decks=new_open), now)
    return new or review or next_learning(db, plan.which, now, now + LEARN_AHEAD)


def _open_decks(store: Store, plan: Plan,
                now: datetime) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The decks whose daily limits of reviews, and of new cards, are not yet reached."""
    rooms = {deck: room(store, plan, deck, now) for deck in plan.which.decks}
    return (tuple(d for d, (reviews, _) in rooms.items() if reviews > 0),
            tuple(d for d, (_, new) in rooms.items() if new > 0))


def room(store: Store, plan: Plan, deck: str, now: datetime) -> tuple[int, int]:
    """How many reviews, and how many new cards, the deck's daily limits still allow.
    As in Anki, new cards count against the review limit too, and the reviews still due
    today come first: with 195 reviews due and a limit of 200, 5 new cards are shown."""
    settings = plan.settings[deck]
    new_done, reviews_done = answered_since(
        store.db, (deck,), day_start(now, plan.tz, settings.day_starts_at))
    reviews = max(0, settings.reviews_per_day - reviews_done - new_done)
    due = count_reviews_due(store.db, replace(plan.which, decks=(deck,)), now,
                            day_end(now, plan.tz, settings.day_starts_at))
    return reviews, max(0, min(settings.new_per_day - new_done, reviews - due))


def due_next(store: Store, plan: Plan, now: datetime) -> str:
    """What is waiting after this session: "Due next: …"."""
    end = day_end(now, plan.tz, plan.hour())
    today = count_due(store.db, plan.which, now, end)
    first = first_due(store.db, plan.which, now)
    parts = []
    if today:
        parts.append(f"{today} more today")
    if first is not None and first < to_ms(end):  # type: ignore[operator]
        wait = datetime.fromtimestamp(first / 1000, now.tzinfo) - now
        if wait > timedelta(0):
            parts.append(f"the next in {format_interval(wait)}")
    # as tomorrow begins: a card skipped today is due again then
    tomorrow = count_due(store.db, plan.which, end, end + timedelta(days=1)) - today
    new = min(count_new(store.db, plan.which, now),
              sum(plan.settings[d].new_per_day for d in plan.which.decks))
    parts.append(f"tomorrow {tomorrow} due and {new} new")
    return "Due next: " + ", ".join(parts) + "."


def day_load(store: Store, deck: str, now: datetime, tz: tzinfo, hour: int) -> list[int]:
    """How many of the deck's cards are due on each of the next 99 study days (0: today),
    as Anki's load balancer counts them: review cards, and learning steps of a day or
    more (due when their day begins); suspended and buried cards too."""
    today = study_date(now, tz, hour)
    starts = [round(start_of(today + timedelta(days=n), tz, hour).timestamp() * 1000)
              for n in range(LOAD_DAYS + 1)]
    load = [0] * LOAD_DAYS
    for phase, due in due_between(store.db, (deck,), start_of(today, tz, hour),
                                  start_of(today + timedelta(days=LOAD_DAYS), tz, hour)):
        day = bisect.bisect_right(starts, due) - 1
        if phase == Phase.REVIEW or due == starts[day]:
            load[day] += 1
    return load


@dataclass
class Loads:
    """The day loads of a session's decks: counted once a study day, then kept up to date
    with each answer, as Anki keeps its load balancer while its study queues last."""

    store: Store
    plan: Plan
    counted: dict[str, tuple[date, list[int]]] = field(default_factory=dict)

    def of(self, deck: str, now: datetime) -> list[int]:
        hour = self.plan.settings[deck].day_starts_at
        today = study_date(now, self.plan.tz, hour)
        kept = self.counted.get(deck)
        if kept is None or kept[0] != today:
            kept = today, day_load(self.store, deck, now, self.plan.tz, hour)
            self.counted[deck] = kept
        return kept[1]

    def add(self, deck: str, due: datetime) -> None:
        """One more card due at ``due``, if that is the start of a day counted."""
        if deck not in self.counted:
            return
        today, load = self.counted[deck]
        hour = self.plan.settings[deck].day_starts_at
        day = study_date(due, self.plan.tz, hour)
        if due == start_of(day, self.plan.tz, hour) and 0 <= (day - today).days < len(load):
            load[(day - today).days] += 1
