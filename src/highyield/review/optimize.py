"""Fitting FSRS to a student's own reviews, with fsrs-rs (the optimizer Anki runs).

Each review on a later study day than the card's one before is a prediction to score:
the card's history up to it, with the days between answers counted in study days (as
Anki counts them). A fit is judged on a time-series split (trained on the past, scored on
what came after, as fsrs-rs does it) against the parameters in use scored on every such
review, and is kept only when its log loss is lower.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from highyield.review.days import study_date
from highyield.review.fsrs6 import DEFAULT
from highyield.review.store import Store, fitted, from_ms

if TYPE_CHECKING:
    import fsrs_rs_python

MIN_REVIEWS = 400  # scored reviews a fit needs, as Anki asks
DEFAULT_HOUR = 4


@dataclass(frozen=True)
class Answer:
    """One answer to one card: which card, when (ms, UTC), and the rating (1-4)."""

    card: tuple[str, int]
    at_ms: int
    rating: int


@dataclass(frozen=True)
class Score:
    log_loss: float
    rmse: float  # RMSE over bins of predicted recall, as fsrs-rs reports it


@dataclass(frozen=True)
class Fit:
    reviews: int  # the reviews scored
    before: Score  # the parameters in use
    after: Score  # the fitting, on a time-series split
    weights: tuple[float, ...]  # fitted on every review

    @property
    def better(self) -> bool:
        return self.after.log_loss < self.before.log_loss


class TooFew(Exception):
    def __init__(self, have: int) -> None:
        super().__init__(f"{have} of {MIN_REVIEWS} reviews")
        self.have = have


def fit(answers: Iterable[Answer], weights: Sequence[float] | None, tz: tzinfo,
        day_starts_at: int) -> Fit:
    """Fit parameters to ``answers``; ``weights``: the ones in use (None: FSRS-6's).
    Raises ``TooFew`` when fewer than ``MIN_REVIEWS`` reviews can be scored."""
    import fsrs_rs_python as rs

    items = histories(answers, tz, day_starts_at)
    if len(items) < MIN_REVIEWS:
        raise TooFew(len(items))
    before = rs.FSRS(list(weights or DEFAULT)).evaluate(items)
    after = rs.evaluate_with_time_series_splits(items)
    fitted = rs.FSRS(list(DEFAULT)).compute_parameters(items)
    return Fit(len(items), Score(before.log_loss, before.rmse_bins),
               Score(after.log_loss, after.rmse_bins), tuple(fitted))


Outcome = Fit | TooFew


def optimize_deck(store: Store, deck: str, tz: tzinfo, now: datetime, keep: bool) -> Outcome:
    """Fit the deck's parameters to its reviews, and keep them if better (and ``keep``)."""
    hour = store.day_starts_at([deck])
    answers = [Answer((key, ord_), at, rating)
               for key, ord_, at, rating in fitted.answers(store, deck)]
    try:
        result = fit(answers, fitted.weights(store, deck), tz,
                     DEFAULT_HOUR if hour is None else hour)
    except TooFew as exc:
        return exc
    if keep and result.better:
        fitted.keep(store, deck, result.weights, result.reviews, result.after.log_loss, now)
    return result


def histories(answers: Iterable[Answer], tz: tzinfo,
              day_starts_at: int) -> list[fsrs_rs_python.FSRSItem]:
    """One item per scored review: the card's answers up to it, each with the study days
    since the one before (0 on the same day)."""
    import fsrs_rs_python as rs

    by_card: dict[tuple[str, int], list[Answer]] = defaultdict(list)
    for answer in answers:
        by_card[answer.card].append(answer)
    items = []
    for card in sorted(by_card):
        reviews = []
        last = None
        for answer in sorted(by_card[card], key=lambda a: a.at_ms):
            day = study_date(from_ms(answer.at_ms), tz, day_starts_at)
            elapsed = 0 if last is None else (day - last).days
            reviews.append(rs.FSRSReview(answer.rating, elapsed))
            last = day
            if len(reviews) > 1 and elapsed > 0:
                items.append(rs.FSRSItem(list(reviews)))
    return items

