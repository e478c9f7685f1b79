"""Fields that Anki's MathJax cannot make links of.

Anki typesets ``\\(…\\)`` and ``\\[…\\]`` anywhere in a field, and MathJax turns
``\\href{address}{text}`` into a link: a ``javascript:`` address would run when clicked.
So the link commands (``\\href``, ``\\url``, ``\\hyperref``) are taken out of every field,
keeping the text they show: ``\\href{address}{text}`` becomes ``{text}``,
``\\url{address}`` ``{address}``, ``\\hyperref[label]{text}`` ``{text}``.

A field is read as MathJax reads it: the text between tags (code and pre left out, as
MathJax leaves them), with cloze markers and hints left out, since Anki shows a cloze
inside math as its bare text (``\\hr{{c1::ef}}`` is ``\\href`` on the answer side: the
part before the cloze is taken out).
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

LINKS = frozenset({"href", "url", "hyperref"})
_PART = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>|<[^>]*>|\{\{c\d+::|::|\}\}", re.S)
_COMMAND = re.compile(r"\\(?:([A-Za-z]+)|.)", re.S)
# what a command points to, taken out with it when it is plain text: no tag, no cloze
_TARGET = {"href": re.compile(r"\s*\{(?:[^{}<:]|:(?!:))*\}"),
           "hyperref": re.compile(r"\s*\[(?:[^\[\]{}<:]|:(?!:))*\]")}
_BREAK = "\n"  # what a tag is in the text MathJax reads: the end of a command's name


class _Run(NamedTuple):
    read: int  # where it starts in the text as read
    field: int  # where it starts in the field
    size: int


def without_links(field: str) -> str:
    if "\\" not in field:
        return field
    read, runs = _as_read(field)
    starts = [r.read for r in runs]
    cut: list[tuple[int, int]] = []
    for m in _COMMAND.finditer(read):
        if m.group(1) in LINKS:
            run = runs[bisect.bisect_right(starts, m.start()) - 1]
            start = run.field + m.start() - run.read
            if m.end() > run.read + run.size:  # split by a cloze: its first part will do
                cut.append((start, run.field + run.size))
                continue
            end = run.field + m.end() - run.read
            target = _TARGET.get(m.group(1))
            found = target.match(field, end) if target else None
            cut.append((start, found.end() if found else end))
    return _cut(field, cut) if cut else field


def _as_read(field: str) -> tuple[str, list[_Run]]:
    """The text MathJax reads (tags as line breaks) and where each run of it starts in
    the field."""
    return _Reader(field).read()


class _Reader:
    """A field's text as Anki shows the answer (clozes as their bare text, hints left
    out), then each hint on its own (the front shows it in brackets)."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.parts: list[str] = []
        self.runs: list[_Run] = []
        self.length = 0

    def read(self) -> tuple[str, list[_Run]]:
        at = depth = 0
        hint = -1  # where the hint being read starts
        hints: list[tuple[int, int]] = []
        for m in _PART.finditer(self.field):
            token = m.group()
            if hint >= 0:
                if token == "}}":
                    hints.append((hint, m.start()))
                    hint, depth, at = -1, depth - 1, m.end()
                continue
            self._keep(at, m.start())
            at = m.end()
            if token.startswith("{{"):
                depth += 1
            elif token == "}}" and depth:
                depth -= 1
            elif token == "::" and depth:
                hint = m.end()
            elif token.startswith("<"):
                self._break()
            else:
                self._keep(m.start(), m.end())  # "::" or "}}" outside a cloze: text
        if hint >= 0:
            hints.append((hint, len(self.field)))
        else:
            self._keep(at, len(self.field))
        for start, end in hints:
            self._break()
            self._keep(start, end)
        return "".join(self.parts), self.runs

    def _keep(self, start: int, end: int) -> None:
        if end > start:
            self.runs.append(_Run(self.length, start, end - start))
            self.parts.append(self.field[start:end])
            self.length += end - start

    def _break(self) -> None:
        self.parts.append(_BREAK)
        self.length += 1


def _cut(field: str, spans: list[tuple[int, int]]) -> str:
    """The field with each span replaced by a space: two braces never meet to open a
    cloze."""
    out: list[str] = []
    at = 0
    for start, end in sorted(spans):
        if start >= at:
            out.append(field[at:start] + " ")
            at = end
    out.append(field[at:])
    return "".join(out)
