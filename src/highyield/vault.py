"""The vault on disk: finding notes, reading them safely, resolving embedded media.

Nothing outside the vault folder is ever read or packed.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from highyield.errors import Diagnostic, error, warning
from highyield.model import Source

IGNORED_DIRS = frozenset({".obsidian", ".trash", ".git", ".highyield", "node_modules"})
MAX_NOTE_BYTES = 8 * 1024 * 1024
BINARY_SNIFF_BYTES = 8192


def display_path(path: Path) -> str:
    """The path to show a user: relative to the working directory when it is inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- globs


@functools.lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """A glob over vault-relative paths. ``**`` spans folders; a pattern without ``/``
    matches at any depth, as in .gitignore; ``Folder/`` means everything inside it."""
    pattern = pattern.strip().lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    anchored = "/" in pattern
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            ch = pattern[i]
            out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + "".join(out) + r"\Z", re.IGNORECASE)


@dataclass(frozen=True)
class Selection:
    include: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ()

    def matches(self, rel: str) -> bool:
        return any(compile_glob(p).match(rel) for p in self.include) and not any(
            compile_glob(p).match(rel) for p in self.exclude)


# ---------------------------------------------------------------- finding and reading


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in IGNORED_DIRS


def find_notes(root: Path, selection: Selection) -> list[Path]:
    """Every ``.md`` note the selection takes, in a stable order (by relative path)."""
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        base = Path(folder)
        for name in files:
            if _hidden(name) or not name.lower().endswith(".md"):
                continue
            path = base / name
            rel = path.relative_to(root).as_posix()
            if selection.matches(rel):
                found.append((rel, path))
    return [path for _, path in sorted(found)]


def read_note(root: Path, path: Path, out: list[Diagnostic]) -> Source | None:
    """Read one note. Returns None (with a diagnostic) when it cannot be used at all."""
    shown = display_path(path)
    data = _read_bytes(root, path, shown, out)
    if data is None:
        return None
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        out.append(warning(shown, None, "binary file skipped",
                           "a note must be text; move binary files out of the notes, "
                           "or give them another extension"))
        return None
    text = _decode(data, shown, out)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(rel=path.relative_to(root).as_posix(), display=shown, text=text)


def _read_bytes(root: Path, path: Path, shown: str, out: list[Diagnostic]) -> bytes | None:
    try:
        if not _inside(root, path):
            out.append(warning(shown, None, "note is a link to a file outside the vault; skipped",
                               "move the file into the vault"))
            return None
        size = path.stat().st_size
        if size > MAX_NOTE_BYTES:
            out.append(warning(shown, None,
                               f"note is {size // (1024 * 1024)} MB, over the "
                               f"{MAX_NOTE_BYTES // (1024 * 1024)} MB limit; skipped",
                               "split it into smaller notes"))
            return None
        return path.read_bytes()
    except OSError as exc:
        out.append(error(shown, None, f"cannot read note: {exc.strerror or exc}",
                         "check the file's permissions"))
        return None


def _decode(data: bytes, shown: str, out: list[Diagnostic]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        out.append(warning(shown, line, "not valid UTF-8; bad bytes shown as \ufffd",
                           "re-save the note as UTF-8"))
        return data.decode("utf-8-sig", errors="replace")


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- media


@dataclass
class MediaResolver:
    """Resolves embeds the way Obsidian does: relative to the note, from the vault root,
    then by file name anywhere in the vault."""

    root: Path
    _by_name: dict[str, list[Path]] | None = field(default=None, repr=False)

    def resolve(self, note_rel: str, target: str) -> tuple[Path | None, str]:
        """Returns (file, "") or (None, why it was not packed)."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            return None, "is a URL, not a file in the vault; it is not packed"
        clean = target.split("#", 1)[0].split("?", 1)[0].strip()
        note_dir = PurePosixPath(note_rel).parent
        candidates = [self.root / clean.lstrip("/")]
        if not clean.startswith("/"):
            candidates.insert(0, self.root / note_dir / clean)
        for candidate in candidates:
            if candidate.is_file():
                if _inside(self.root, candidate):
                    return candidate, ""
                return None, "points outside the vault; it is not packed"
        found = self._find_by_name(PurePosixPath(clean).name)
        if found is None:
            return None, "was not found in the vault"
        if not _inside(self.root, found):
            return None, "points outside the vault; it is not packed"
        return found, ""

    def _find_by_name(self, name: str) -> Path | None:
        if not name:
            return None
        if self._by_name is None:
            self._by_name = {}
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if not _hidden(d))
                for file in sorted(files):
                    self._by_name.setdefault(file.lower(), []).append(Path(folder) / file)
        matches = self._by_name.get(name.lower(), [])
        exact = [m for m in matches if m.name == name]
        chosen = (exact or matches)[:1]
        return chosen[0] if chosen else None
