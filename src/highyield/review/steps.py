"""Learning and relearning steps, as Anki counts them.

A card in (re)learning has done ``step`` of its steps. Again starts them over, Good moves
to the next (or graduates after the last), and Hard waits again as long as the current
step; only on the first step does Hard get a wait of its own, between the first and the
second step (or half as long again as a single step, at most a day more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from highyield.review.f32 import f32, rounded

DAY = 86400


@dataclass(frozen=True)
class Steps:
    secs: tuple[int, ...]

    @classmethod
    def of(cls, steps: tuple[timedelta, ...]) -> Steps:
        return cls(tuple(int(step.total_seconds()) for step in steps))

    def index(self, step: int) -> int:
        """The step the card is on (the last one, should the steps have become fewer)."""
        return max(0, min(step, len(self.secs) - 1))

    def again(self) -> int | None:
        return self.secs[0] if self.secs else None

    def hard(self, step: int) -> int | None:
        if not self.secs:
            return None
        index = self.index(step)
        if index > 0:
            return self.secs[index]
        first = self.secs[0]
        if len(self.secs) > 1:
            return _in_days((first + self.secs[1]) // 2)
        return _in_days(min(first * 3 // 2, first + DAY))

    def good(self, step: int) -> int | None:
        """The next step's wait; None when the card graduates."""
        following = self.index(step) + 1
        return self.secs[following] if following < len(self.secs) else None


def _in_days(secs: int) -> int:
    """A wait over a day is rounded to whole days."""
    return rounded(f32(secs / DAY)) * DAY if secs > DAY else secs
