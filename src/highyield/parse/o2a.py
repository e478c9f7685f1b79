"""The Obsidian_to_Anki plugin's note syntax, so that notes written for it give their cards:

- ``START`` / a note type line / fields / ``END`` blocks: the first field's lines come
  first, each other field starts with its name (``Back: …``); a last ``Tags: a b`` line
  adds tags, and an ``ID: …`` line (the plugin's, often inside a comment) is dropped;
- one-line notes, ``STARTI [Basic] front words Back: back words ENDI``;
- ``TARGET DECK`` and ``FILE TAGS`` lines, with their value after ``: `` or on the next
  line; the deck is the deck file's (so the line is only dropped), the tags go on every
  card of the note.

Basic, reversed and cloze note types are read. A block of any other type is read as
ordinary text (it may not be the plugin's at all), with a warning.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from highyield.errors import Diagnostic, warning
from highyield.model import BlockKind

Line = tuple[int, str]  # (line number, text), as parse.blocks has it

BEGIN, END = "START", "END"
KINDS: dict[str, tuple[BlockKind, tuple[str, ...]]] = {
    "Basic": (BlockKind.MULTILINE_CARD, ("Front", "Back")),
    "Basic (and reversed card)": (BlockKind.MULTILINE_CARD, ("Front", "Back")),
    "Basic (optional reversed card)": (BlockKind.MULTILINE_CARD,
                                       ("Front", "Back", "Add Reverse")),
    "Basic (type in the answer)": (BlockKind.MULTILINE_CARD, ("Front", "Back")),
    "Cloze": (BlockKind.CLOZE_NOTE, ("Text", "Back Extra")),
}
HINT = ("highyield reads the note types " + ", ".join(KINDS) + "; write the card as one of "
        "them, or as highyield's own ==highlight==, Front::Back or ? card")
_ID = re.compile(r"^(?:<!--)?ID: \d+")
_TAGS = "Tags: "
_ID_TAIL = re.compile(r"(?:<!--)?ID: \d+.*$")
_INLINE = re.compile(r"^[ \t]*STARTI[ \t]*\[([^\]\n]*)\](.*?)ENDI[ \t]*$")
_SETTING = re.compile(r"^(TARGET DECK|FILE TAGS)(?:: (.*))?[ \t]*$")


@dataclass(frozen=True)
class Card:
    """One note of the plugin's, as highyield's block: a multi-line card (front and back)
    or a cloze note (text and back extra)."""

    kind: BlockKind
    front: list[Line]
    back: list[Line]
    reversed: bool
    tags: tuple[str, ...]


@dataclass
class Found:
    """What the lines at one place are, in the plugin's syntax."""

    after: int  # the index of the first line after them
    card: Card | None = None
    file_tags: tuple[str, ...] = ()
    problems: list[Diagnostic] = field(default_factory=list)


class Reader:
    """Reads the plugin's syntax in one container's lines."""

    def __init__(self, lines: list[Line], path: str) -> None:
        self.lines = lines
        self.path = path
        self._ends: list[int] | None = None  # where END lines are, found once

    def at(self, i: int) -> Found | None:
        """The plugin's syntax starting at ``lines[i]``, or None if there is none."""
        text = self.lines[i][1].rstrip()
        if text == BEGIN:
            end = self._end_after(i)
            return None if end is None else _block(self.lines, i, end, self.path)
        if _INLINE.match(self.lines[i][1]):
            return _inline(self.lines[i], self.path, i + 1)
        setting = _SETTING.match(text)
        return _setting(self.lines, i, setting) if setting is not None else None

    def _end_after(self, i: int) -> int | None:
        if self._ends is None:
            self._ends = [j for j, (_, text) in enumerate(self.lines) if text.rstrip() == END]
        at = bisect.bisect_right(self._ends, i)
        return self._ends[at] if at < len(self._ends) else None


def _setting(lines: list[Line], i: int, m: re.Match[str]) -> Found:
    value, after = m.group(2), i + 1
    if value is None and after < len(lines):
        value, after = lines[after][1], after + 1
    tags = tuple((value or "").split()) if m.group(1) == "FILE TAGS" else ()
    return Found(after, file_tags=tags)


def _block(lines: list[Line], i: int, end: int, path: str) -> Found | None:
    if end == i + 1:
        return None  # START right before END: not the plugin's, read as ordinary text
    note_type = lines[i + 1][1].strip()
    if note_type not in KINDS:  # perhaps not the plugin's at all: keep the lines as text
        return _unknown(note_type, lines[i + 1][0], path, i + 1)
    body = [line for line in lines[i + 2:end] if not _ID.match(line[1].strip())]
    tags: tuple[str, ...] = ()
    while body and not body[-1][1].strip():
        body.pop()
    if body and body[-1][1].startswith(_TAGS):
        tags = tuple(body.pop()[1][len(_TAGS):].split())
    return _card(note_type, _fields(note_type, body), tags, lines[i + 1][0], path, end + 1)


def _inline(line: Line, path: str, after: int) -> Found:
    m = _INLINE.match(line[1])
    assert m is not None
    note_type, text = m.group(1).strip(), _ID_TAIL.sub("", m.group(2)).strip()
    if note_type not in KINDS:
        return Found(after, problems=[warning(
            path, line[0], f"Obsidian_to_Anki note type {note_type!r} is not one highyield "
            "makes; no card made", HINT)])
    tags: tuple[str, ...] = ()
    if (at := text.find(_TAGS)) >= 0:
        text, tags = text[:at].strip(), tuple(text[at + len(_TAGS):].split())
    names = KINDS[note_type][1]
    words: dict[str, list[str]] = {name: [] for name in names}
    current = names[0]
    for word in text.split(" "):
        if word.endswith(":") and word[:-1] in words:
            current = word[:-1]
        elif word:
            words[current].append(word)
    joined = {k: [(line[0], " ".join(v))] if v else [] for k, v in words.items()}
    return _card(note_type, joined, tags, line[0], path, after)


def _fields(note_type: str, body: list[Line]) -> dict[str, list[Line]]:
    names = KINDS[note_type][1]
    fields: dict[str, list[Line]] = {name: [] for name in names}
    current = names[0]
    for number, text in body:
        for name in names:
            if text.startswith(name + ":"):
                current, text = name, text[len(name) + 1:].lstrip()
                break
        fields[current].append((number, text))
    return {k: _trimmed(v) for k, v in fields.items()}


def _trimmed(lines: list[Line]) -> list[Line]:
    while lines and not lines[0][1].strip():
        lines = lines[1:]
    while lines and not lines[-1][1].strip():
        lines = lines[:-1]
    return lines


def _card(note_type: str, fields: dict[str, list[Line]], tags: tuple[str, ...], line: int,
          path: str, after: int) -> Found:
    kind, names = KINDS[note_type]
    front, back = fields[names[0]], fields[names[1]]
    if not front or (kind is BlockKind.MULTILINE_CARD and not back):
        side = names[0] if not front else names[1]
        return Found(after, problems=[warning(
            path, line, f"Obsidian_to_Anki {note_type} note has an empty {side}; no card "
            "made", f"write the {side} field (`{side}: …`) before END")])
    reverse = note_type == "Basic (and reversed card)" or \
        (len(names) > 2 and bool(fields[names[2]]))
    return Found(after, Card(kind, front, back, reverse, tags))


def _unknown(note_type: str, line: int, path: str, after: int) -> Found:
    return Found(after, problems=[warning(
        path, line, f"Obsidian_to_Anki note type {note_type!r} is not one highyield makes; "
        "its lines are read as ordinary text", HINT)])
