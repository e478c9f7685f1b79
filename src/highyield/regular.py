"""Reading a whole settings file (a deck file, the ledger, an Obsidian plugin's JSON), or
opening one of highyield's own (the build cache), that must be a regular file: a named
pipe or a device in its place is refused at once instead of being waited on forever.
Notes and images are opened by ``vault.opening``."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

MAX_BYTES = 64 * 1024 * 1024  # no settings file is this large; a ledger of 500,000 cards is


def read_bytes(path: Path) -> bytes:
    """The file's bytes. Raises OSError: FileNotFoundError when it is missing, EINVAL
    ("not a regular file") for a pipe, device or folder, EFBIG when it is over MAX_BYTES."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > MAX_BYTES:
            raise OSError(errno.EFBIG, f"over {MAX_BYTES // (1024 * 1024)} MB", str(path))
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read(MAX_BYTES + 1)
    finally:
        os.close(fd)


def open_regular(path: Path, limit: int | None = None) -> BinaryIO:
    """The file, open for reading. Raises OSError as ``read_bytes`` does: for any size,
    or (EFBIG) over ``limit`` bytes, to be read a piece at a time."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if limit is not None and info.st_size > limit:
            raise OSError(errno.EFBIG, f"over {limit // (1024 * 1024)} MB", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_text(path: Path) -> str:
    """The file as UTF-8 text (UnicodeDecodeError when it is not)."""
    return read_bytes(path).decode("utf-8")


def unreadable(exc: OSError | UnicodeDecodeError) -> str:
    """Why a settings file could not be read, in words: ``not UTF-8 text``, or the
    system's reason (``Permission denied``), never a Python class name."""
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return exc.strerror or str(exc)
