"""Opening a file of the vault to read it: the one safe way, for notes and images.

Each folder on the way and the file itself are opened from the vault's root one name at
a time, following no link, so a file or folder swapped for a link meanwhile fails to open
instead of leading elsewhere. A path that holds a link has its links resolved first,
and is opened the same way only if they stay inside the vault. Only a regular file is
opened (a named pipe would never answer, a device never end), and the check is made on
the open file: what was checked is what is read. A link that leads nowhere (to a file
that is not there, or round a loop) is said as such.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_ROOT = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC  # the vault may be a link
_FOLDER = _ROOT | _NOFOLLOW
_FILE = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW | _CLOEXEC
# Folder by folder without following links needs both; without them (Windows), the file
# is opened by its resolved path and checked once open.
_STEPWISE = _NOFOLLOW != 0 and os.open in os.supports_dir_fd
# What is there when it cannot be opened: these mean nothing usable is there.
MISSING = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG})

_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device",
          stat.S_IFBLK: "a device", stat.S_IFDIR: "a folder", stat.S_IFLNK: "a link"}


class Refused(Exception):
    """A file of the vault that is not read; ``why`` completes "the note …" or "the
    image …"."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class Outside(Refused):
    """A link that leads out of the vault."""

    def __init__(self) -> None:
        super().__init__("is a link to a file outside the vault")


class NotRegular(Refused):
    """A named pipe, socket, device or folder: not a file to read."""

    def __init__(self, mode: int) -> None:
        self.folder = stat.S_ISDIR(mode)
        self.kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        super().__init__(f"is not a regular file ({self.kind})")


class Loop(Refused):
    """A link that leads to another link, and round again, never to a file (ELOOP)."""

    def __init__(self) -> None:
        super().__init__("is a loop of links (ELOOP), not a file")


class Dangling(Refused):
    """A link to a file that is not there."""

    def __init__(self) -> None:
        super().__init__("is a link to a file that is not there")


class Changed(Refused):
    """A link put in place of a file or folder while it was being opened."""

    def __init__(self) -> None:
        super().__init__("changed while it was read (a link was put in its place)")


def open_in_vault(root: Path, path: Path) -> BinaryIO:
    """The file at ``path`` (inside the vault at ``root``), open for reading. Raises
    ``Refused`` for a file that is not read, ``OSError`` for one that cannot be opened
    (``MISSING`` holds the errors that mean nothing is there)."""
    fd = _open(os.fspath(root), os.fspath(path))
    try:
        _regular(os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def folder_in_vault(root: Path, name: str) -> int:
    """An open descriptor of the folder ``name`` right inside the vault, made if missing.
    A link there is refused (``Outside``), even one swapped in after the vault was looked
    at: what is written through the descriptor lands in the folder that was opened."""
    top = os.open(root, _ROOT)
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, dir_fd=top)
        try:
            return _open_at(name, _FOLDER, top)
        except Changed:
            raise Outside() from None
    finally:
        os.close(top)


def _open(root: str, path: str) -> int:
    """Most vaults hold no links: the path is first opened as written, following none.
    Only when a link is met are the path's links resolved, and followed if they stay in
    the vault."""
    if _STEPWISE:
        parts = _parts(root, path)
        if parts is not None:
            try:
                return _open_below(root, parts)
            except Changed:
                pass  # a link on the way
    base, real = os.path.realpath(root), os.path.realpath(path)
    parts = _parts(base, real)
    if parts is None:
        raise Outside()
    try:
        return _open_below(base, parts) if _STEPWISE else os.open(real, _FILE)
    except (Changed, OSError):
        broken = _broken_link(path)
        if broken is None:
            raise
        raise broken from None


def _broken_link(path: str) -> Refused | None:
    """A link that leads nowhere: round a loop, or to a file that is not there (the link
    itself is there). None when the path can be followed (it changed meanwhile)."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Loop()
        if exc.errno in MISSING and os.path.lexists(path):
            return Dangling()
    return None


def _parts(root: str, path: str) -> tuple[str, ...] | None:
    """The names from ``root`` down to ``path`` (as written), or None when it is not
    below ``root``."""
    rel = os.path.relpath(path, root)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    if rel == os.curdir:
        raise NotRegular(stat.S_IFDIR)
    return tuple(rel.split(os.sep))


def _open_below(root: str, parts: tuple[str, ...]) -> int:
    """Open ``root/parts…`` one name at a time, following no link below ``root``."""
    folder = os.open(root, _ROOT)
    try:
        for part in parts[:-1]:
            inner = _open_at(part, _FOLDER, folder)
            os.close(folder)
            folder = inner
        # Looked at before it is opened: opening a device can do something.
        _regular(_lstat(parts[-1], folder).st_mode)
        return _open_at(parts[-1], _FILE, folder)
    finally:
        os.close(folder)


def _open_at(name: str, flags: int, folder: int) -> int:
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(name, folder):
            raise Changed() from None  # a link where the resolved path had none
        raise


def _is_link(name: str, folder: int) -> bool:
    try:
        return stat.S_ISLNK(_lstat(name, folder).st_mode)
    except OSError:
        return False


def _lstat(name: str, folder: int) -> os.stat_result:
    return os.stat(name, dir_fd=folder, follow_symlinks=False)


def _regular(mode: int) -> None:
    if stat.S_ISLNK(mode):
        raise Changed()
    if not stat.S_ISREG(mode):
        raise NotRegular(mode)
