"""The load balancer: within a review interval's fuzz range, Anki prefers the days that
have fewer cards due, so that a day's reviews do not pile up.

Each day the interval may land on is weighted by how few cards are due then (and by how
near it is); the card's fuzz factor then picks a day by weight, as Anki's
``WeightedIndex`` does. Intervals over 90 days are only fuzzed.
"""

from __future__ import annotations

from collections.abc import Sequence

from highyield.review.f32 import f32, power, whole
from highyield.review.fuzz import bounds

FARTHEST = 90  # days: beyond this, plain fuzz
CROWD = f32(2.15)  # how strongly a busy day is avoided


def balanced(interval: float, minimum: int, maximum: int, factor: float,
             load: Sequence[int]) -> int | None:
    """The day picked, ``load[t]`` being the cards due ``t`` days from today; None when
    the interval is too long to balance."""
    if whole(interval) > FARTHEST or minimum > FARTHEST:
        return None
    low, high = bounds(interval, minimum, maximum)
    weights = [_weight(t, load[t] if t < len(load) else 0) for t in range(low, high + 1)]
    running, cumulative = weights[0], []
    for weight in weights[1:]:
        cumulative.append(running)
        running = f32(running + weight)
    chosen = f32(factor * running)
    return low + sum(1 for edge in cumulative if edge <= chosen)


def _weight(days: int, due: int) -> float:
    if due == 0:
        return 1.0
    near = f32(1.0 / days)
    return f32(power(f32(1.0 / due), CROWD) * f32(f32(near * near) * near))
