"""``build --write-ids``: hard anchors for those who want them. Each list item or
paragraph that gives exactly one card, and has no block id yet, gets `` ^hy-KEY`` at the
end of its last line, the Obsidian way. From then on the id decides the card's key, even
through a rewrite that close-text matching would take for a new card.

Only asked for: highyield never writes into notes otherwise. Each note is rewritten
atomically, with its line endings and encoding kept (UTF-8 or UTF-16, with its
byte-order mark if it had one), and a note that changed on disk since the build read it
is left alone.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from highyield.config.srplugin import DEFAULT_SYNTAX, CardSyntax
from highyield.identity.subject import ANCHOR_PREFIX, Subject
from highyield.model import BlockKind, Source
from highyield.parse import parse_note
from highyield.vault.atomic import write_atomically
from highyield.vault.text import encoding_of, strip_controls

ANCHORABLE = (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH)
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class Written:
    ids: int  # block ids added
    notes: int  # notes changed
    skipped: tuple[tuple[str, str], ...]  # (note, why it was left alone)


def write_ids(vault: Path, cards: Sequence[tuple[str, Subject]],
              read: dict[str, str], syntax: CardSyntax = DEFAULT_SYNTAX) -> Written:
    """``cards``: (key, subject) of every card built; ``read``: each note's sha256 as the
    build read it; ``syntax``: how the build read explicit cards."""
    by_note: dict[str, list[tuple[str, Subject]]] = {}
    for key, s in cards:
        by_note.setdefault(s.path, []).append((key, s))
    ids = notes = 0
    skipped: list[tuple[str, str]] = []
    for rel, found in sorted(by_note.items()):
        try:
            added = _anchor_note(vault / rel, rel, found, read.get(rel, ""), syntax)
        except OSError as exc:
            skipped.append((rel, exc.strerror or str(exc)))
            continue
        if isinstance(added, str):
            skipped.append((rel, added))
        elif added:
            ids, notes = ids + added, notes + 1
    return Written(ids, notes, tuple(skipped))


def _anchor_note(path: Path, rel: str, cards: list[tuple[str, Subject]], sha: str,
                 syntax: CardSyntax) -> int | str:
    """How many ids were added, or why the note was left alone."""
    if not path.stat().st_mode & 0o200 or not os.access(path, os.W_OK):
        return "read-only"  # marked so (even for a user allowed to write anyway)
    raw = path.read_bytes()
    bom, codec, name = encoding_of(raw)
    try:
        text = raw[len(bom):].decode(codec)
    except UnicodeDecodeError:
        return f"not valid {name}"
    normal = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))  # as read
    if hashlib.sha256(normal.encode("utf-8")).hexdigest() != sha:
        return "changed since the build read it"
    note, _ = parse_note(Source(rel, rel, normal), syntax)
    per_line = Counter(s.line for _, s in cards)
    lines = _LINES.findall(text)
    added = 0
    for key, s in cards:
        block = next((b for b in note.blocks if b.line <= s.line <= b.end_line
                      and b.kind in ANCHORABLE), None)
        if block is None or block.anchor or s.anchor or per_line[s.line] > 1 or \
                block.line != s.line or _cards_in(block.line, block.end_line, cards) > 1:
            continue
        at = block.end_line - 1
        body = lines[at].rstrip("\r\n")
        lines[at] = f"{body.rstrip()} ^{ANCHOR_PREFIX}{key}" + lines[at][len(body):]
        added += 1
    if added:
        write_atomically(path, bom + "".join(lines).encode(codec),
                         path.stat().st_mode & 0o7777)  # the note keeps its permissions
    return added


def _cards_in(first: int, last: int, cards: list[tuple[str, Subject]]) -> int:
    return sum(1 for _, s in cards if first <= s.line <= last)
