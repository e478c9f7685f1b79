"""Single-precision arithmetic, as Anki's scheduler does it.

Anki computes intervals and memory states in 32-bit floats; a number that lands on a
half (2.5 days) or on the fourth decimal of a stability rounds the way float32 makes it
land. Each step here is done in double precision and rounded to float32, which is what a
float32 operation gives.
"""

from __future__ import annotations

import math
import struct

_F32 = struct.Struct("<f")
MAX = 3.4028234663852886e38  # the largest float32
U32_MAX = 2**32 - 1


def f32(value: float) -> float:
    """``value`` rounded to the nearest float32."""
    return float(_F32.unpack(_F32.pack(value))[0])


def exp(x: float) -> float:
    return f32(math.exp(x))


def ln(x: float) -> float:
    return f32(math.log(x))


def power(x: float, y: float) -> float:
    return f32(math.pow(x, y))


def rounded(value: float) -> int:
    """Round half away from zero, then to a whole number from 0 up (negatives become 0),
    as Rust's ``x.round() as u32``."""
    return min(U32_MAX, max(0, math.floor(value + 0.5)))


def whole(value: float) -> int:
    """Rust's ``x as u32``: the fraction dropped, negatives 0."""
    return min(U32_MAX, max(0, math.floor(value)))


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
