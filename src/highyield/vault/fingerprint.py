"""Fingerprints: one hash of what a result depends on (settings, then each file's path,
size and modification time), so an unchanged vault is known without reading a note."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def file_stat(path: Path) -> tuple[int, int]:
    """(size, mtime_ns), or (-1, -1) for a file that cannot be seen."""
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def fingerprint(settings: str, files: Iterable[tuple[str, int, int]]) -> str:
    """The hash of ``settings`` and of each (relative path, size, mtime_ns), in order."""
    digest = hashlib.sha256(settings.encode())
    for rel, size, mtime in files:
        digest.update(f"\x1e{rel}\x1f{size}\x1f{mtime}".encode())
    return digest.hexdigest()
