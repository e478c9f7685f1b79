"""Helpers that keep scanning linear on hostile input (a 1 MB line of unclosed markup)."""

from __future__ import annotations

import bisect


class Finder:
    """``str.find`` with memory, for scans whose start only moves forward.

    Looking for a closer from every opener is quadratic when the closer is missing.
    Remembering the last answer per needle makes the whole scan linear.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._last: dict[str, tuple[int, int]] = {}  # needle -> (searched from, found at)

    def find(self, needle: str, start: int) -> int:
        cached = self._last.get(needle)
        if cached is not None:
            searched_from, found = cached
            if found == -1 and searched_from <= start:
                return -1
            if found >= start and searched_from <= start:
                return found
        found = self.text.find(needle, start)
        self._last[needle] = (start, found)
        return found


class LineMap:
    """Maps offsets in text joined with newlines back to source line numbers."""

    def __init__(self, starts: list[int], lines: list[int]) -> None:
        self._starts = starts
        self._lines = lines

    def line_at(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._lines[max(i, 0)]


def join_lines(lines: list[tuple[int, str]]) -> tuple[str, LineMap]:
    """Join (line number, text) pairs with newlines, keeping a map back to line numbers."""
    starts: list[int] = []
    numbers: list[int] = []
    pos = 0
    for number, text in lines:
        starts.append(pos)
        numbers.append(number)
        pos += len(text) + 1
    return "\n".join(text for _, text in lines), LineMap(starts, numbers)
