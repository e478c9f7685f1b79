"""Block structure: headings, rules, lists, tables, callouts, quotes, code, paragraphs.

Works line by line and keeps every line's number. The inline syntax inside each block is
left as text here; ``parse.note`` hands it to ``parse.inline``.

Deliberate differences from CommonMark, chosen for notes and web clippings:
- no indented code blocks (only fences are code), so indented clipping bullets stay text;
- no lazy continuation: an unindented line after a list item starts a new paragraph;
- ``•`` counts as a bullet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from highyield.config.srplugin import DEFAULT_SYNTAX, CardSyntax
from highyield.errors import Diagnostic, error, warning
from highyield.model import BlockKind
from highyield.parse import htmltable, o2a

Line = tuple[int, str]  # (line number, text)

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_HTML_HEADING = re.compile(r"^ {0,3}<h([1-6])\b[^<>]*>(.*)</h\1[ \t]*>[ \t]*$", re.IGNORECASE)
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"^ {0,3}(={3,}|-{3,})[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)([-*+•]|\d{1,9}[.)])(?:[ \t]+(.*)|[ \t]*$)")
_TASK = re.compile(r"^\[[ xX/>!?*-]\][ \t]+")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?(.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# "[!type]", or "[!type|metadata]" (Zotero Integration writes "[!quote|#ffd400] Highlight")
_CALLOUT = re.compile(r"^\[!([A-Za-z0-9_-]+)(?:\|[^\]]*)?\][+-]?[ \t]*(.*)$")
_TABLE_DELIM = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_ANCHOR = re.compile(r"[ \t]\^([A-Za-z0-9-]+)[ \t]*$")
MAX_QUOTE_DEPTH = 8  # deeper ">" markers are read as text


@dataclass
class RawBlock:
    kind: BlockKind
    lines: list[Line]
    section: tuple[Line, ...] = ()
    parent: int | None = None
    depth: int = 0
    level: int = 0
    headers: list[Line] = field(default_factory=list)
    cells: list[Line] = field(default_factory=list)
    answer: list[Line] = field(default_factory=list)
    reversed: bool = False
    tags: tuple[str, ...] = ()
    o2a: bool = False

    @property
    def line(self) -> int:
        numbers = [n for n, _ in self.lines + self.cells]
        return min(numbers) if numbers else 0

    @property
    def end_line(self) -> int:
        numbers = [n for n, _ in self.lines + self.cells + self.answer]
        return max(numbers) if numbers else 0

    @property
    def anchor(self) -> str:
        for _, text in reversed(self.lines):
            m = _ANCHOR.search(text)
            if m:
                return m.group(1)
        return ""


@dataclass
class _OpenItem:
    marker_col: int
    content_col: int
    index: int


def columns(text: str) -> int:
    """Width of the leading whitespace, with tab stops every 4 columns."""
    col = 0
    for ch in text:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def width(text: str) -> int:
    """Display width of ``text`` with tab stops every 4 columns."""
    col = 0
    for ch in text:
        col += 4 - col % 4 if ch == "\t" else 1
    return col


class BlockParser:
    """Parses one container (the note body, or the inside of a callout)."""

    def __init__(self, path: str, diagnostics: list[Diagnostic], blocks: list[RawBlock],
                 prefix: tuple[Line, ...] = (), depth: int = 0,
                 syntax: CardSyntax = DEFAULT_SYNTAX) -> None:
        self.depth = depth
        self.syntax = syntax
        self.markers = {m: rev for m, rev in ((syntax.multiline, False),
                                              (syntax.multiline_reversed, True)) if m}
        self.since_blank = len(blocks)  # the first block since the last blank line
        self.path = path
        self.diagnostics = diagnostics
        self.blocks = blocks
        self.prefix = prefix
        self.headings: list[tuple[int, Line]] = []
        self.items: list[_OpenItem] = []
        self.para: RawBlock | None = None
        self.in_math = False
        self.after_blank = False
        self.file_tags: list[str] = []  # Obsidian_to_Anki's FILE TAGS
        self.table_ends: htmltable.TableEnds | None = None

    @property
    def section(self) -> tuple[Line, ...]:
        return self.prefix + tuple(text for _, text in self.headings)

    def parse(self, lines: list[Line]) -> None:
        lines = htmltable.split_at_tables(lines)
        self.o2a = o2a.Reader(lines, self.path)
        i = 0
        while i < len(lines):
            i = self._step(lines, i)
        self._end_paragraph()

    def _step(self, lines: list[Line], i: int) -> int:
        number, text = lines[i]
        if self.in_math:  # inside a $$ block, blank lines too belong to the paragraph
            return self._paragraph_line(number, text, i)
        if not text.strip():
            self._end_paragraph()
            self.after_blank = True
            self.since_blank = len(self.blocks)
            return i + 1
        for handler in (self._o2a, self._fence, self._multiline, self._heading, self._setext,
                        self._rule, self._quote, self._table, self._html_table,
                        self._item):
            after = handler(lines, i)
            if after is not None:
                self.after_blank = False
                if handler != self._item and handler != self._multiline:
                    self.since_blank = len(self.blocks)
                return after
        after = self._paragraph_line(number, text, i)
        self.after_blank = False
        return after

    # ---------------------------------------------------------------- leaf handlers

    def _fence(self, lines: list[Line], i: int) -> int | None:
        m = _FENCE.match(lines[i][1])
        if m is None:
            return None
        self._end_paragraph()
        marker = m.group(1)
        for j in range(i + 1, len(lines)):
            close = _FENCE.match(lines[j][1])
            if close and close.group(1)[0] == marker[0] and len(close.group(1)) >= len(marker):
                return j + 1
        self.diagnostics.append(warning(
            self.path, lines[i][0], "unclosed code fence hides the rest of the note",
            f"close it with a line of {marker} (Obsidian shows the rest as code too)"))
        return len(lines)

    def _heading(self, lines: list[Line], i: int) -> int | None:
        number, text = lines[i]
        m = _HEADING.match(text)
        if m is not None:
            level = len(m.group(1))
        elif text.lstrip()[:2].lower() == "<h" and (m := _HTML_HEADING.match(text)):
            level = int(m.group(1))  # <h2>…</h2> alone on its line, from Word or Notion
        else:
            return None
        self._end_paragraph()
        self._add_heading(level, (number, m.group(2) or ""))
        return i + 1

    def _add_heading(self, level: int, title: Line) -> None:
        self.items.clear()
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.blocks.append(RawBlock(BlockKind.HEADING, [title], self.section, level=level))
        self.headings.append((level, title))

    def _setext(self, lines: list[Line], i: int) -> int | None:
        para = self.para
        m = _SETEXT.match(lines[i][1])
        if m is None or para is None or para.parent is not None:
            return None
        self.blocks.remove(para)
        self.para = None
        title = (para.lines[0][0], " ".join(t.strip() for _, t in para.lines))
        self._add_heading(1 if m.group(1)[0] == "=" else 2, title)
        return i + 1

    def _rule(self, lines: list[Line], i: int) -> int | None:
        if _RULE.match(lines[i][1]) is None:
            return None
        self._end_paragraph()
        self.items.clear()
        return i + 1

    # ---------------------------------------------------------------- multi-line cards

    def _o2a(self, lines: list[Line], i: int) -> int | None:
        """A note written for the Obsidian_to_Anki plugin (``parse.o2a``)."""
        found = self.o2a.at(i)
        if found is None:
            return None
        self._end_paragraph()
        self.items.clear()
        self.diagnostics.extend(found.problems)
        self.file_tags.extend(found.file_tags)
        card = found.card
        if card is not None:
            self.blocks.append(RawBlock(card.kind, card.front, self.section, answer=card.back,
                                        reversed=card.reversed, tags=card.tags, o2a=True))
        return found.after

    def _multiline(self, lines: list[Line], i: int) -> int | None:
        """A line with only ``?`` (or ``??``): the question is every line back to the
        previous blank line, lists included; the answer runs to the next blank line, or
        to the question of the next card when another ``?`` follows without one."""
        number, text = lines[i]
        if columns(text) > 3 or text.strip() not in self.markers:
            return None
        answer, j = self._answer(lines, i + 1)
        asked = len(self.blocks) > self.since_blank
        if not asked or not answer:
            side, where = ("question", "above") if not asked else ("answer", "below")
            shown = text.strip() if text.strip() not in ("?", "??") else "?"
            self.diagnostics.append(error(
                self.path, number, f"multi-line card has no {side}: the card is skipped",
                f"put the {side} lines right {where} the line with only {shown}, "
                "with no blank line in between"))
            self._end_paragraph()  # the question's lines stay, as statements
            self.since_blank = len(self.blocks)
            return j
        question = self._question()
        question.answer = answer
        question.reversed = self.markers[text.strip()]
        self.blocks.append(question)
        self.since_blank = len(self.blocks)
        return j

    def _question(self) -> RawBlock:
        """The paragraphs and list items since the last blank line, as one card block."""
        parts = self.blocks[self.since_blank:]
        del self.blocks[self.since_blank:]
        self.items.clear()
        self._end_paragraph()
        lines: list[Line] = []
        for part in parts:
            first, *rest = part.lines
            bullet = "• " if part.kind is BlockKind.LIST_ITEM else ""
            lines.extend([(first[0], bullet + first[1]), *rest])
        head = parts[0]
        return RawBlock(BlockKind.MULTILINE_CARD, lines, head.section, parent=head.parent,
                        depth=head.depth)

    def _answer(self, lines: list[Line], j: int) -> tuple[list[Line], int]:
        """The answer lines from ``j``, and where reading goes on. A fenced code block is
        kept whole, blank lines and all."""
        start = j
        answer: list[Line] = []
        items: list[bool] = []  # True for a line that cannot begin the next question
        while j < len(lines) and lines[j][1].strip():
            number, text = lines[j]
            if columns(text) <= 3 and text.strip() in self.markers:
                keep = _question_start(items)
                return answer[:keep], start + keep
            fence = _FENCE.match(text)
            if fence is None:
                answer.append((number, _bullet(text)))
                items.append(_ITEM.match(text) is not None)
                j += 1
                continue
            end = self._fence(lines, j) or len(lines)
            answer.extend([(number, text.lstrip()), *lines[j + 1:end]])
            items.extend([True] * (end - j))
            j = end
        return answer, j

    # ---------------------------------------------------------------- containers

    def _quote(self, lines: list[Line], i: int) -> int | None:
        if self.depth >= MAX_QUOTE_DEPTH or _QUOTE.match(lines[i][1]) is None:
            return None
        self._end_paragraph()
        self.items.clear()
        inner: list[Line] = []
        j = i
        while j < len(lines) and (m := _QUOTE.match(lines[j][1])) is not None:
            inner.append((lines[j][0], m.group(1)))
            j += 1
        prefix = self.section
        callout = _CALLOUT.match(inner[0][1].strip())
        if callout:
            title = callout.group(2).strip() or callout.group(1).capitalize()
            prefix = (*prefix, (inner[0][0], title))
            inner = inner[1:]
        BlockParser(self.path, self.diagnostics, self.blocks, prefix, self.depth + 1,
                    self.syntax).parse(inner)
        return j

    def _table(self, lines: list[Line], i: int) -> int | None:
        number, text = lines[i]
        if ("|" not in text or self.para is not None or i + 1 >= len(lines)
                or _TABLE_DELIM.match(lines[i + 1][1]) is None or "-" not in lines[i + 1][1]):
            return None
        self.items.clear()
        headers = [(number, cell) for cell in split_cells(text)]
        j = i + 2
        while j < len(lines) and "|" in lines[j][1] and lines[j][1].strip():
            row_number, row = lines[j]
            cells = [(row_number, cell) for cell in split_cells(row)]
            self.blocks.append(RawBlock(BlockKind.TABLE_ROW, [], self.section,
                                        headers=headers, cells=cells))
            j += 1
        return j

    def _html_table(self, lines: list[Line], i: int) -> int | None:
        number, text = lines[i]
        if not htmltable.starts_table(text):
            return None
        if self.table_ends is None:
            self.table_ends = htmltable.TableEnds(lines)
        end = self.table_ends.end(i)
        if end is None:
            self.diagnostics.append(warning(
                self.path, number, "HTML table has no </table>: read as text",
                "end the table with </table> (before any other <table>)"))
            return None
        self._end_paragraph()
        self.items.clear()
        table = htmltable.read_table(lines[i:end + 1])
        for cells in table.rows:
            self.blocks.append(RawBlock(BlockKind.TABLE_ROW, [], self.section,
                                        headers=list(table.headers), cells=list(cells)))
        if table.rest:
            self._paragraph_line(lines[end][0], table.rest, end)
        return end + 1

    # ---------------------------------------------------------------- lists and paragraphs

    def _item(self, lines: list[Line], i: int) -> int | None:
        number, text = lines[i]
        m = _ITEM.match(text)
        if m is None:
            return None
        self._end_paragraph()
        marker_col = columns(m.group(1))
        while self.items and marker_col <= self.items[-1].marker_col:
            self.items.pop()
        content = _TASK.sub("", m.group(3) or "")
        parent = self.items[-1].index if self.items else None
        self.blocks.append(RawBlock(BlockKind.LIST_ITEM, [(number, content)], self.section,
                                    parent=parent, depth=len(self.items)))
        content_col = width(text[:m.start(3)]) if m.group(3) else marker_col + 2
        self.items.append(_OpenItem(marker_col, content_col, len(self.blocks) - 1))
        return i + 1

    def _paragraph_line(self, number: int, text: str, i: int) -> int:
        if text.count("$$") % 2:
            self.in_math = not self.in_math
        if self.para is None and self._continues_item(text):
            self.blocks[self.items[-1].index].lines.append((number, text.strip()))
            return i + 1
        if self.para is None:
            parent = self._parent_for_paragraph(text)
            depth = self.blocks[parent].depth + 1 if parent is not None else 0
            self.para = RawBlock(BlockKind.PARAGRAPH, [], self.section, parent=parent,
                                 depth=depth)
            self.blocks.append(self.para)
        self.para.lines.append((number, text.strip() if not self.in_math else text))
        return i + 1

    def _continues_item(self, text: str) -> bool:
        """An indented line right under a list item continues that item."""
        return bool(self.items) and not self.after_blank and \
            columns(text) > self.items[-1].marker_col

    def _parent_for_paragraph(self, text: str) -> int | None:
        """After a blank line, an indented paragraph belongs to the item it is indented under."""
        indent = columns(text)
        while self.items and indent < self.items[-1].content_col:
            self.items.pop()
        return self.items[-1].index if self.items else None

    def _end_paragraph(self) -> None:
        self.para = None
        self.in_math = False


def _question_start(items: list[bool]) -> int:
    """Where the next card's question begins among answer lines read so far: at the last
    line that is not a list item (the items after it belong to the question)."""
    for k in range(len(items) - 1, -1, -1):
        if not items[k]:
            return k
    return max(len(items) - 1, 0)


def _bullet(text: str) -> str:
    """Answer lines of a multi-line card keep their bullets as "• "."""
    m = _ITEM.match(text)
    if m is None:
        return text.strip()
    return "• " + _TASK.sub("", m.group(3) or "")


def split_cells(row: str) -> list[str]:
    """Split a table row on ``|``, but not on ``\\|`` or inside ``[[…]]`` and code."""
    cells: list[str] = []
    current: list[str] = []
    link = code = False
    i, text = 0, row.strip()
    if text.startswith("|"):
        text = text[1:]
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if text.startswith("[[", i) and not code:
            link = True
        elif text.startswith("]]", i) and not code:
            link = False
        elif ch == "`":
            code = not code
        if ch == "|" and not link and not code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    last = "".join(current).strip()
    if last or not row.rstrip().endswith("|"):
        cells.append(last)
    return cells
