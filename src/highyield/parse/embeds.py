"""The text of another note's heading or block, for ``![[Note#Heading]]`` and
``![[Note#^block]]`` embeds: a card shows what Obsidian shows there, not the link.

The note is found as Obsidian finds it (beside the embedding note, from the vault root,
then by name anywhere), inside the vault only; it is read and parsed once per build. What
is shown is plain text: a highlight there makes a card in its own note, not here. Each
note whose text was used is remembered with its size and time, so that the build reads
the embedding note again when it changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from highyield.errors import Diagnostic
from highyield.model import Block, BlockKind, Note, Source, plain_text
from highyield.vault.fingerprint import file_stat
from highyield.vault.media import MediaResolver
from highyield.vault.notes import read_note

MAX_CHARS = 600  # shown of one embed; a whole chapter would bury the card
SEPARATOR = " · "
_SPACES = re.compile(r"\s+")

Depends = tuple[tuple[str, int, int], ...]  # (vault-relative path, size, mtime_ns)


class NoteTexts:
    """Finds and reads embedded notes for one deck's notes; one per build."""

    def __init__(self, root: Path, resolver: MediaResolver,
                 parse: Callable[[Source], Note]) -> None:
        self.root = root
        self.resolver = resolver
        self.parse = parse
        self._notes: dict[Path, Note | None] = {}
        self._shown: dict[tuple[Path, str], str | None] = {}

    def for_note(self, rel: str) -> Embedder:
        return Embedder(self, rel)

    def found(self, rel: str, name: str) -> Path | None:
        """The note ``name`` (``X.md``) leads to from the note ``rel``, as Obsidian
        finds it."""
        return self.resolver.resolve(rel, name)[0]

    def same_names(self, rel: str, resolves: tuple[tuple[str, str], ...]) -> bool:
        """Each name the note ``rel`` embedded leads where it led."""
        for name, was in resolves:
            path = self.found(rel, name)
            if ("" if path is None else path.relative_to(self.root).as_posix()) != was:
                return False
        return True

    def shown(self, path: Path, fragment: str) -> str | None:
        """The text at ``fragment`` of the note at ``path``, found once per build."""
        if (path, fragment) not in self._shown:
            note = self.note(path)
            self._shown[path, fragment] = None if note is None else _shown(note, fragment)
        return self._shown[path, fragment]

    def note(self, path: Path) -> Note | None:
        if path not in self._notes:
            problems: list[Diagnostic] = []  # the note's own build reports them
            source = read_note(self.root, path, problems)
            self._notes[path] = None if source is None else self.parse(source)
        return self._notes[path]


class Embedder:
    """The embeds of one note, and the notes they were read from."""

    def __init__(self, texts: NoteTexts, rel: str) -> None:
        self.texts = texts
        self.rel = rel
        self.read: dict[str, tuple[int, int]] = {}
        self.names: dict[str, str] = {}  # each name embedded: the note it led to, or ""

    @property
    def depends(self) -> Depends:
        return tuple(sorted((rel, *stat) for rel, stat in self.read.items()))

    @property
    def resolves(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.names.items()))

    def __call__(self, target: str, fragment: str) -> str | None:
        name = target if target.lower().endswith(".md") else f"{target}.md"
        path = self.texts.found(self.rel, name)
        self.names[name] = "" if path is None else \
            path.relative_to(self.texts.root).as_posix()
        if path is None:
            return None
        rel = self.names[name]
        self.read[rel] = file_stat(path)
        return self.texts.shown(path, fragment)


def _shown(note: Note, fragment: str) -> str | None:
    blocks = _block(note, fragment[1:]) if fragment.startswith("^") else \
        _section(note, fragment)
    texts = [plain_text(b.inlines) for b in blocks]
    text = _SPACES.sub(" ", SEPARATOR.join(t for t in texts if t)).strip()
    if not text:
        return None
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1].rstrip() + "…"


def _block(note: Note, anchor: str) -> list[Block]:
    return [b for b in note.blocks if b.anchor == anchor][:1]


def _section(note: Note, heading: str) -> list[Block]:
    """The blocks under the heading, up to the next heading of its level or above."""
    wanted = _SPACES.sub(" ", heading).strip().lower()
    found: list[Block] = []
    level = 0
    for block in note.blocks:
        if block.kind is BlockKind.HEADING:
            title = _SPACES.sub(" ", plain_text(block.inlines)).strip().lower()
            if level and block.level <= level:
                break
            if not level and title == wanted:
                level = block.level
            continue
        if level:
            found.append(block)
    return found
