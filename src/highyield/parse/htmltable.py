"""HTML tables pasted from Word or Notion, read into rows of cells like a Markdown table.

A table starts on a line that begins with ``<table`` (perhaps inside ``<div>`` or
``<figure>``) and ends on the line that holds its ``</table>``. Its cells are found the
way a browser finds them: a ``<td>`` or ``<th>`` ends at the next cell, row or table tag,
so an unclosed ``<td>`` costs nothing. The first row labels the others, as the header row
of a Markdown table does. A cell keeps its inner HTML (``<p>``, ``<br>``, ``<b>``,
``<mark>`` …) for the inline parser; the source's own line breaks inside a cell are
white space, as in HTML.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

Line = tuple[int, str]  # (line number, text)

_START = re.compile(r"^[ \t]*(?:<(?:div|figure|section)\b[^<>]*>[ \t]*)*<table\b", re.IGNORECASE)
_CLOSE = re.compile(r"</table[ \t]*>", re.IGNORECASE)
_PART = re.compile(
    r"""<(?P<slash>/?)(?P<name>table|thead|tbody|tfoot|tr|td|th|caption|colgroup|col)\b"""
    r"""(?:[^<>"']|"[^"<>]*"|'[^'<>]*')*>""", re.IGNORECASE)
_WRAPPER_CLOSE = re.compile(r"^(?:[ \t]*</(?:div|figure|section)[ \t]*>)*[ \t]*", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlTable:
    headers: tuple[Line, ...]  # the first row's cells; none for a table of one row
    rows: tuple[tuple[Line, ...], ...]  # every later row's cells
    rest: str  # what follows ``</table>`` on its line, "" when only closing tags


_TABLE_TAG = re.compile(r"<table\b", re.IGNORECASE)


def split_at_tables(lines: list[Line]) -> list[Line]:
    """A line of HTML that holds a table after other HTML (Word pastes a whole note as
    ``<p>…</p><table>…</table><p>…</p>`` on one line) is cut before each ``<table``, so
    that each table starts a line of its own. The pieces keep the line's number."""
    result: list[Line] = []
    for number, text in lines:
        if not text.lstrip().startswith("<") or "<" not in text[1:]:
            result.append((number, text))
            continue
        starts = [m.start() for m in _TABLE_TAG.finditer(text)]
        if starts_table(text):  # the first table already starts the line (maybe in a <div>)
            starts = starts[1:]
        for begin, end in zip([0, *starts], [*starts, len(text)], strict=True):
            result.append((number, text[begin:end]))
    return result


def starts_table(text: str) -> bool:
    return "<" in text and _START.match(text) is not None


class TableEnds:
    """For each line, the first line at or after it that closes a table, and the first
    line that opens one: worked out once per container, so finding ends stays linear."""

    def __init__(self, lines: list[Line]) -> None:
        n = len(lines)
        self.close = [n] * (n + 1)
        self.open = [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            text = lines[k][1]
            self.close[k] = k if "</" in text and _CLOSE.search(text) else self.close[k + 1]
            self.open[k] = k if starts_table(text) else self.open[k + 1]

    def end(self, i: int) -> int | None:
        """The index of the line that closes the table opened on line ``i``, or None
        when none does before the end or before another table opens."""
        close = self.close[i]
        if close >= len(self.close) - 1 or self.open[i + 1] <= close:
            return None
        return close


def read_table(lines: list[Line]) -> HtmlTable:
    """The rows of a table whose lines run from ``<table`` to ``</table>``."""
    text = "\n".join(t for _, t in lines)
    starts = [0]
    for _, t in lines[:-1]:
        starts.append(starts[-1] + len(t) + 1)
    closing = _last_close(text)
    rows = _Rows(text[:closing.start()], starts, [n for n, _ in lines]).read()
    rest = text[closing.end():]
    rest = rest[_wrapper_end(rest):].strip()
    if len(rows) < 2:
        return HtmlTable((), tuple(rows), rest)
    return HtmlTable(rows[0], tuple(rows[1:]), rest)


def _wrapper_end(rest: str) -> int:
    """Where the text after ``</table>`` begins, past the wrappers' closing tags."""
    found = _WRAPPER_CLOSE.match(rest)
    return found.end() if found else 0


def _last_close(text: str) -> re.Match[str]:
    """The ``</table>`` on the last line (its first one there)."""
    last_line = text.rfind("\n") + 1
    found = _CLOSE.search(text, last_line)
    assert found is not None  # TableEnds.end chose this line for holding one
    return found


class _Rows:
    def __init__(self, text: str, starts: list[int], numbers: list[int]) -> None:
        self.text = text
        self.starts = starts
        self.numbers = numbers
        self.rows: list[tuple[Line, ...]] = []
        self.row: list[Line] = []
        self.cell: int | None = None  # where the open cell's content starts

    def read(self) -> list[tuple[Line, ...]]:
        for m in _PART.finditer(self.text):
            self._end_cell(m.start())
            name = m.group("name").lower()
            if name in ("td", "th") and not m.group("slash"):
                self.cell = m.end()
            elif name not in ("td", "th", "col", "colgroup"):
                self._end_row()
        self._end_cell(len(self.text))
        self._end_row()
        return self.rows

    def _end_cell(self, at: int) -> None:
        if self.cell is None:
            return
        number = self.numbers[bisect_right(self.starts, self.cell) - 1]
        content = self.text[self.cell:at].replace("\n", " ").strip()
        self.row.append((number, content))
        self.cell = None

    def _end_row(self) -> None:
        if self.row:
            self.rows.append(tuple(self.row))
            self.row = []
