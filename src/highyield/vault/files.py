"""Which files of a vault highyield reads: one rule, shared by the build, its fingerprint,
``watch`` and the search for images. Folders and files whose name starts with a dot
(``.obsidian``, ``.trash``, ``.git``, ``.highyield``), ``node_modules`` and Excalidraw
drawings (``*.excalidraw.md``, a drawing's data, not a note) are never read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from highyield.vault.globs import Selection

NEVER_READ = frozenset({"node_modules"})  # besides every name that starts with a dot
NEVER_READ_ENDINGS = (".excalidraw.md",)  # Excalidraw drawings


def never_read(name: str) -> bool:
    """A file or folder name highyield never reads, nor looks inside."""
    return name.startswith(".") or name in NEVER_READ or \
        name.lower().endswith(NEVER_READ_ENDINGS)


def is_read(rel: Path) -> bool:
    """Whether a path inside the vault (relative to it) is one highyield reads."""
    return not any(never_read(part) for part in rel.parts)


def walk(root: Path) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, path) of every file highyield reads, folders in name order."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not never_read(d))
        base = Path(folder)
        for name in sorted(files):
            if not never_read(name):
                path = base / name
                yield path.relative_to(root).as_posix(), path


def find_notes(root: Path, selection: Selection) -> list[Path]:
    """Every ``.md`` note the selection takes, in a stable order (by relative path)."""
    found = [(rel, path) for rel, path in walk(root)
             if rel.lower().endswith(".md") and selection.matches(rel)]
    return [path for _, path in sorted(found)]


def vault_files(root: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every file highyield reads, sorted."""
    found: list[tuple[str, int, int]] = []
    for rel, path in walk(root):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        found.append((rel, stat.st_size, stat.st_mtime_ns))
    found.sort()
    return found
