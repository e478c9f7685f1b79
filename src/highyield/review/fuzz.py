"""Fuzz: the small random spread Anki gives review intervals, so that cards learnt
together do not stay due together.

The random numbers come from a seed, the card's id plus its review count, drawn the way
Anki draws them (a ChaCha12 generator seeded through PCG32, as the Rust ``rand`` crate
does), so the same seed gives the same interval Anki would give a card with that id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from highyield.review.f32 import MAX, f32, rounded

MASK64 = 2**64 - 1
MASK32 = 2**32 - 1
# (from, to, share of the interval): a day or so either side of short intervals, 5% of long
FUZZ_RANGES = ((2.5, 7.0, f32(0.15)), (7.0, 20.0, f32(0.1)), (20.0, MAX, f32(0.05)))


@dataclass(frozen=True)
class Draw:
    """The random numbers one answer uses."""

    factor: float  # where in its fuzz range a review interval falls, from 0 up to 1
    x: int  # two 32-bit numbers, for the spread of a learning step
    y: int

    @classmethod
    def of(cls, seed: int) -> Draw:
        x, y = _chacha12_words(seed)
        return cls(f32((x >> 9) / 2**23), x, y)


def card_number(card_id: str) -> int:
    """A stable 63-bit number for one of highyield's cards (Anki's are creation times)."""
    return int.from_bytes(hashlib.sha256(card_id.encode()).digest()[:8], "big") >> 1


def seed_of(number: int, reps: int) -> int:
    """Anki's fuzz seed: the card's id plus the answers it had before this one."""
    return (number + reps) & MASK64


def bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """The whole days a review interval may be fuzzed to, kept within the limits."""
    minimum = min(minimum, maximum)
    interval = min(max(f32(interval), minimum), maximum)
    delta = _delta(interval)
    low = min(max(rounded(f32(interval - delta)), minimum), maximum)
    high = min(max(rounded(f32(interval + delta)), minimum), maximum)
    if high == low and 2 < high < maximum:
        high = low + 1
    return low, high


def fuzzed(interval: float, minimum: int, maximum: int, factor: float | None) -> int:
    """The interval in whole days: fuzzed by ``factor``, or only rounded when None."""
    if factor is None:
        return min(max(rounded(interval), min(minimum, maximum)), maximum)
    low, high = bounds(interval, minimum, maximum)
    return int(f32(low + f32(factor * (1 + high - low))) // 1)


def floor_for(interval: float, previous: int, maximum: int) -> int:
    """The least a passing review may be given, so that it does not shrink by fuzz: a
    day more than last time when the interval grew; last time's, when that is still
    within reach of the fuzz; nothing when the interval shrank (settings changed)."""
    if rounded(interval) > previous:
        return previous + 1
    if previous <= bounds(interval, 1, maximum)[1]:
        return previous
    return 0


def learning_spread(secs: int, draw: Draw | None) -> int:
    """Seconds to add to a learning step: up to a quarter of it, at most five minutes."""
    span = int(min(f32(secs * f32(0.25)), 300.0))
    if draw is None or span <= 0:
        return 0
    high, low = divmod(draw.x * span, 2**32)
    if low > 2**32 - span and low + ((draw.y * span) >> 32) >= 2**32:
        high += 1
    return high


def _delta(interval: float) -> float:
    if interval < 2.5:
        return 0.0
    total = 0.0
    for start, end, share in FUZZ_RANGES:
        total = f32(total + f32(share * max(0.0, f32(min(interval, end) - start))))
    return f32(1.0 + total)


# ---------------------------------------------------------------- random numbers


def _pcg32_key(seed: int) -> list[int]:
    """The 32-byte key ``rand`` makes from a 64-bit seed: eight PCG32 outputs."""
    state, key = seed & MASK64, []
    for _ in range(8):
        state = (state * 6364136223846793005 + 11634580027462260723) & MASK64
        xorshifted = (((state >> 18) ^ state) >> 27) & MASK32
        turn = state >> 59
        key.append(((xorshifted >> turn) | (xorshifted << ((32 - turn) & 31))) & MASK32)
    return key


def _chacha12_words(seed: int) -> tuple[int, int]:
    """The first two 32-bit outputs of ChaCha12 keyed from ``seed`` (counter and nonce 0)."""
    start = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, *_pcg32_key(seed), 0, 0, 0, 0]
    x = start[:]
    for _ in range(6):  # twelve rounds: columns, then diagonals
        for a, b, c, d in _ROUNDS:
            x[a] = (x[a] + x[b]) & MASK32
            x[d] = _rotl(x[d] ^ x[a], 16)
            x[c] = (x[c] + x[d]) & MASK32
            x[b] = _rotl(x[b] ^ x[c], 12)
            x[a] = (x[a] + x[b]) & MASK32
            x[d] = _rotl(x[d] ^ x[a], 8)
            x[c] = (x[c] + x[d]) & MASK32
            x[b] = _rotl(x[b] ^ x[c], 7)
    return (x[0] + start[0]) & MASK32, (x[1] + start[1]) & MASK32


_ROUNDS = ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
           (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))


def _rotl(value: int, bits: int) -> int:
    return ((value << bits) & MASK32) | (value >> (32 - bits))
