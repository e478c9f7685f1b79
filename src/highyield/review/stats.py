"""Numbers and text charts from the review store: what ``highyield stats`` shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, tzinfo

from highyield.review.schedule import Phase, day_start
from highyield.review.store import Store
from highyield.review.store.reads import counts_by_phase, due_times, review_days, reviews_since

FORECAST_DAYS = 30
MARKS = "▁▂▃▄▅▆▇█"  # a day with cards due, by how many (█: the busiest day)
NONE_DUE = "·"


@dataclass(frozen=True)
class Stats:
    counts: dict[str, int]  # new, learning, review, retired, leech, suspended, buried
    due_today: int
    due_tomorrow: int
    due_week: int  # today and the next six days
    forecast: list[int]  # cards due on each of the next 30 days; overdue ones on day 0
    retention: float | None  # share of review-card answers that were not Again, 30 days
    retention_reviews: int
    reviews_today: int
    reviews_by_day: list[int]  # the last 30 days, oldest first
    streak: int  # days in a row with an answer, up to today (or yesterday)
    first_day: str  # ISO date of the forecast's day 0

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def study_day(ms: int, tz: tzinfo, hour: int) -> date:
    moment = datetime.fromtimestamp(ms / 1000, tz)
    return (moment - timedelta(hours=hour)).date()


def compute(store: Store, decks: Sequence[str], now: datetime, tz: tzinfo,
            hour: int) -> Stats:
    today = study_day(round(now.timestamp() * 1000), tz, hour)
    forecast = [0] * FORECAST_DAYS
    for due in due_times(store.db, decks):
        offset = max(0, (study_day(due, tz, hour) - today).days)
        if offset < FORECAST_DAYS:
            forecast[offset] += 1
    recent = reviews_since(store.db, decks, day_start(now, tz, hour) - timedelta(days=29))
    graded = [rating for _, rating, phase in recent if phase == Phase.REVIEW]
    by_day = Counter((study_day(at, tz, hour) - today).days for at, _, _ in recent)
    days = {study_day(at, tz, hour) for at in review_days(store.db, decks)}
    return Stats(
        counts=counts_by_phase(store.db, decks, now),
        due_today=forecast[0], due_tomorrow=forecast[1], due_week=sum(forecast[:7]),
        forecast=forecast,
        retention=(sum(r > 1 for r in graded) / len(graded)) if graded else None,
        retention_reviews=len(graded),
        reviews_today=by_day[0],
        reviews_by_day=[by_day[offset] for offset in range(-29, 1)],
        streak=_streak(days, today),
        first_day=today.isoformat())


def _streak(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def text(stats: Stats) -> str:
    c = stats.counts
    studied = [n for n in stats.reviews_by_day if n]
    average = sum(studied) / len(studied) if studied else 0
    retention = ("no reviews of review cards yet" if stats.retention is None else
                 f"{stats.retention:.0%} ({stats.retention_reviews} answers to review cards)")
    lines = [
        f"Cards: {c['new']} new · {c['learning']} learning · {c['review']} review · "
        f"{c['retired']} retired · {_count(c['leech'], 'leech', 'leeches')} · "
        f"{c['suspended']} suspended" + (f" · {c['buried']} buried" if c["buried"] else ""),
        f"Due: {stats.due_today} today · {stats.due_tomorrow} tomorrow · "
        f"{stats.due_week} in the next 7 days",
        f"True retention, last 30 days: {retention}",
        f"Reviews: {stats.reviews_today} today · {average:.1f} a day on the "
        f"{_count(len(studied), 'day')} studied in the last 30 · streak "
        f"{_count(stats.streak, 'day')}",
        "", *forecast_chart(stats)]
    if c["suspended"]:
        lines += ["", "Suspended cards are not shown; `highyield quiz --unsuspend` brings "
                      "them back."]
    if c["buried"]:
        lines += ["", "Buried cards are not shown today; they come back when the next study "
                      "day begins (the forecast counts them then)."]
    return "\n".join(lines)


def _count(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def forecast_chart(stats: Stats) -> list[str]:
    """The forecast a week a row: a mark a day, its height how many are due that day, then
    the week's total."""
    top = max(stats.forecast)
    if not top:
        return [f"Nothing is due in the next {FORECAST_DAYS} days."]
    first = date.fromisoformat(stats.first_day)
    rows = [f"Due in the next {FORECAST_DAYS} days, a mark a day ({NONE_DUE} none, "
            f"{MARKS[-1]} {top}):"]
    digits = len(str(sum(stats.forecast)))
    for start in range(0, FORECAST_DAYS, 7):
        week = stats.forecast[start:start + 7]
        marks = "".join(_mark(n, top) for n in week)
        day = first + timedelta(days=start)
        rows.append(f"  {f'{day:%a} {day.day} {day:%b}':<10}  {marks:<7}  "
                    f"{sum(week):>{digits}}")
    return rows


def _mark(count: int, top: int) -> str:
    if not count:
        return NONE_DUE
    return MARKS[min(len(MARKS), -(-count * len(MARKS) // top)) - 1]
