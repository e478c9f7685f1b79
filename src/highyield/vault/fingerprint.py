"""Fingerprints: one hash of what a result depends on (settings, then each file's path,
size, modification time and change time), so an unchanged vault is known without reading
a note. The change time moves when a file's permissions do: a note that could not be read
and now can (``chmod`` changes neither its size nor its modification time) is read."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path


def file_stat(path: Path) -> tuple[int, int]:
    """(size, mtime_ns), or (-1, -1) for a file that cannot be seen."""
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


FileStamp = tuple[str, int, int, int]  # relative path, size, mtime_ns, ctime_ns


def stamp(rel: str, stat: os.stat_result) -> FileStamp:
    return (rel, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def fingerprint(settings: str, files: Iterable[FileStamp]) -> str:
    """The hash of ``settings`` and of each file's stamp, in order."""
    digest = hashlib.sha256(settings.encode())
    for rel, size, mtime, ctime in files:
        digest.update(f"\x1e{rel}\x1f{size}\x1f{mtime}\x1f{ctime}".encode())
    return digest.hexdigest()
