"""Study days. A study day runs from ``hour`` local time (4 am by default) to the same
hour the next day, so 2 am still counts as the evening before; on the days clocks change
it is 23 or 25 hours long. Review cards fall due at the start of a study day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

UTC = timezone.utc
DAY_SECS = 86400


def study_date(now: datetime, tz: tzinfo, hour: int) -> date:
    """The calendar date of the study day ``now`` falls in."""
    return (now.astimezone(tz) - timedelta(hours=hour)).date()


def start_of(day: date, tz: tzinfo, hour: int) -> datetime:
    """When the study day of ``day`` begins, in UTC."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def day_start(now: datetime, tz: tzinfo, hour: int) -> datetime:
    """When the study day that ``now`` falls in began, in UTC."""
    return start_of(study_date(now, tz, hour), tz, hour)


def day_end(now: datetime, tz: tzinfo, hour: int) -> datetime:
    """When the next study day begins, in UTC."""
    return start_of(study_date(now, tz, hour) + timedelta(days=1), tz, hour)


@dataclass(frozen=True)
class Today:
    """The study day at the moment of an answer."""

    now: datetime  # UTC
    date: date
    tz: tzinfo
    hour: int

    @classmethod
    def at(cls, now: datetime, tz: tzinfo, hour: int) -> Today:
        return cls(now.astimezone(UTC), study_date(now, tz, hour), tz, hour)

    @property
    def now_secs(self) -> int:
        return int(self.now.timestamp() // 1)

    @property
    def next_day_secs(self) -> int:
        """When this study day ends, as Anki reckons it for elapsed days and steps: the
        next rollover in the UTC offset of this moment. It differs from ``later(1)`` only
        when the clocks change before that rollover, by the hour they change by; a day
        then counts as 24 hours, and whole days since an answer stay whole study days."""
        offset = self.now.astimezone(self.tz).utcoffset() or timedelta(0)
        rollover = datetime.combine(self.date + timedelta(days=1), time(self.hour))
        return int((rollover - offset).replace(tzinfo=UTC).timestamp())

    def later(self, days: int) -> datetime:
        """The start of the study day ``days`` after this one, in UTC."""
        return start_of(self.date + timedelta(days=days), self.tz, self.hour)

    def elapsed_days(self, last_review: datetime | None) -> int:
        """Days since the last answer, as Anki counts them for FSRS: whole days from that
        answer (to the second) to the end of this study day. 0 the same study day, 1 the
        day after. (Around a change of the clocks, a 25-hour day can count as two.)"""
        if last_review is None:
            return 0
        last = int(last_review.timestamp() // 1)
        return max(0, self.next_day_secs - last) // DAY_SECS

    def in_days(self, secs: int) -> int | None:
        """A (re)learning wait that reaches past the end of this study day becomes whole
        days: 1 for the next study day, and so on. None: it stays a wait in seconds."""
        left = self.next_day_secs - self.now_secs
        return None if secs < left else (secs - left) // DAY_SECS + 1
