"""FSRS-6 memory states, as Anki 26 computes them (the ``fsrs`` crate it ships).

A card's memory is its stability (days until recall falls to 90%) and its difficulty
(1-10). Each answer moves both; the interval for a desired retention follows from the
stability. Everything is in float32, as Anki does it, and a memory is kept rounded as
Anki stores it (stability to 4 decimals, difficulty to 3), because the next answer starts
from the stored value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from highyield.review.f32 import clamp, exp, f32, ln, power, rounded

DEFAULT = (0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666,
           0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658,
           0.1542)  # FSRS-6's parameters w0-w20, the ones Anki uses until they are fitted
S_MIN, S_MAX = f32(0.001), 36500.0


@dataclass(frozen=True)
class Params:
    """FSRS-6's 21 parameters in float32, with the forgetting curve's shape from w20."""

    w: tuple[float, ...]
    decay: float
    factor: float

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def of(weights: tuple[float, ...] | None) -> Params:
        """The parameters for ``weights`` (None: the defaults)."""
        w = tuple(f32(x) for x in (weights or DEFAULT))
        decay = f32(-w[20])
        return Params(w, decay, f32(exp(f32(ln(f32(0.9)) / decay)) - 1.0))


@dataclass(frozen=True)
class Memory:
    stability: float
    difficulty: float

    def stored(self) -> Memory:
        """As Anki keeps it on the card: stability to 4 decimals, difficulty to 3."""
        return Memory(_places(self.stability, 4), _places(self.difficulty, 3))


@dataclass(frozen=True)
class Forecast:
    """What one rating would do: the new memory and the interval (days, not rounded)."""

    memory: Memory
    interval: float


def forecasts(memory: Memory | None, elapsed_days: int, retention: float,
              p: Params | None = None) -> tuple[Forecast, Forecast, Forecast, Forecast]:
    """The memory after Again, Hard, Good and Easy, ``elapsed_days`` study days after the
    last answer (0: the same day). ``memory`` None: the card's first answer."""
    p = p or Params.of(None)
    r = f32(retention)
    a, h, g, e = (_step(p, memory, elapsed_days, rating) for rating in (1, 2, 3, 4))
    return (Forecast(a, interval(p, a.stability, r)), Forecast(h, interval(p, h.stability, r)),
            Forecast(g, interval(p, g.stability, r)), Forecast(e, interval(p, e.stability, r)))


def interval(p: Params, stability: float, retention: float) -> float:
    """Days until recall falls to ``retention``."""
    return f32(f32(stability / p.factor) * f32(power(retention, f32(1.0 / p.decay)) - 1.0))


def _step(p: Params, memory: Memory | None, t: int, rating: int) -> Memory:
    w = p.w
    if memory is None or memory.stability == 0:
        return Memory(w[rating - 1], clamp(_initial_difficulty(w, rating), 1.0, 10.0))
    s = clamp(f32(memory.stability), S_MIN, S_MAX)
    d = clamp(f32(memory.difficulty), 1.0, 10.0)
    if t == 0:
        stability = _same_day(w, s, rating)
    elif rating == 1:
        stability = _forgotten(w, s, d, _recall(p, t, s))
    else:
        stability = _recalled(w, s, d, _recall(p, t, s), rating)
    return Memory(clamp(stability, S_MIN, S_MAX), _difficulty(w, d, rating))


def _recall(p: Params, t: int, s: float) -> float:
    return power(f32(f32(f32(t / s) * p.factor) + 1.0), p.decay)


def _initial_difficulty(w: tuple[float, ...], rating: int) -> float:
    return f32(f32(w[4] - exp(f32(w[5] * (rating - 1)))) + 1.0)


def _recalled(w: tuple[float, ...], s: float, d: float, r: float, rating: int) -> float:
    bonus = w[15] if rating == 2 else w[16] if rating == 4 else 1.0
    growth = f32(f32(exp(w[8]) * f32(11.0 - d)) * power(s, -w[9]))
    growth = f32(growth * f32(exp(f32(f32(1.0 - r) * w[10])) - 1.0))
    return f32(s * f32(f32(growth * bonus) + 1.0))


def _forgotten(w: tuple[float, ...], s: float, d: float, r: float) -> float:
    long = f32(f32(w[11] * power(d, -w[12])) * f32(power(f32(s + 1.0), w[13]) - 1.0))
    long = f32(long * exp(f32(f32(1.0 - r) * w[14])))
    return min(long, f32(s / exp(f32(w[17] * w[18]))))


def _same_day(w: tuple[float, ...], s: float, rating: int) -> float:
    """FSRS-6's short-term stability, for a second answer on the same study day."""
    growth = f32(exp(f32(w[17] * f32(rating - 3 + w[18]))) * power(s, -w[19]))
    if rating >= 2:
        growth = max(growth, 1.0)
    return f32(s * growth)


def _difficulty(w: tuple[float, ...], d: float, rating: int) -> float:
    damped = f32(d + f32(f32(f32(10.0 - d) * f32(-w[6] * (rating - 3))) / 9.0))
    reverted = f32(f32(w[7] * f32(_initial_difficulty(w, 4) - damped)) + damped)
    return clamp(reverted, 1.0, 10.0)


def _places(value: float, places: int) -> float:
    scale = float(10**places)
    return rounded(f32(f32(value) * scale)) / scale
