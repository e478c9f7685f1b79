"""The computer's own time zone, following its daylight-saving rules (the fixed offset
``datetime.now().astimezone()`` gives would be an hour off for half the year)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, tzinfo


class LocalZone(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._local(dt).tm_gmtoff)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return self._local(dt).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        stamp = (dt.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds()
        offset = time.localtime(stamp).tm_gmtoff
        return dt + timedelta(seconds=offset)

    @staticmethod
    def _local(dt: datetime | None) -> time.struct_time:
        if dt is None:
            return time.localtime()
        naive = dt.replace(tzinfo=None)
        return time.localtime(time.mktime((*naive.timetuple()[:8], -1)))


LOCAL = LocalZone()
