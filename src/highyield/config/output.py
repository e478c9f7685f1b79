"""Where a deck is written: one rule for every output, whether a deck file's `output`,
``-o`` or the default. A build replaces the file there, so the output must end in
``.apkg`` (no note, deck file or other file can be taken for one), and an existing one
must be an Anki package (a zip holding a collection; an empty file holds nothing to
lose): a folder, a device, a named pipe or any other file is left alone, and a link is
refused rather than written through (replacing the link would move the deck out of the
place the link points to; writing through it could reach any file)."""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from highyield.errors import display_path

SUFFIX = ".apkg"
COLLECTIONS = frozenset({"collection.anki2", "collection.anki21", "collection.anki21b"})

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


@dataclass(frozen=True)
class Refused:
    """Why a deck cannot be written there; ``tail`` ends the hint (", or delete the
    link")."""

    message: str
    tail: str = ""


def absolute(path: Path) -> Path:
    """``path`` made absolute with the links among its folders resolved, but not a link
    in its own place (which ``refused`` must see)."""
    path = path.expanduser()
    if path.name in ("", ".", ".."):
        return path.resolve()
    return path.parent.resolve() / path.name


def is_apkg(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIX) and len(path.name) > len(SUFFIX)


def refused(path: Path) -> Refused | None:
    """Why the deck cannot be written to ``path``, an absolute path, or None."""
    shown = display_path(path)
    if not is_apkg(path):
        return Refused(f"the output must be an .apkg file: {shown}")
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # not there (or not to be looked at): writing it says what is wrong
        return None
    if stat.S_ISLNK(mode):
        return Refused(f"the output {shown} is a link to {_target(path)}; highyield does "
                       "not write through links", ", or delete the link")
    kind = next((name for test, name in _KINDS if test(mode)), None)
    if kind is not None:
        return Refused(f"the output {shown} is {kind}, not a deck; highyield leaves it "
                       "alone")
    if not _anki_package(path):
        return Refused(f"the output {shown} is not an Anki package; highyield leaves it "
                       "alone", ", or move the file aside")
    return None


def _anki_package(path: Path) -> bool:
    """A zip holding a collection, or an empty file. Opened without waiting (it may have
    become a named pipe since it was looked at) and without following a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:  # not there now, or not to be read: writing it says what is wrong
        return True
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            return False
        if info.st_size == 0:
            return True
        try:
            with zipfile.ZipFile(f) as package:
                return not COLLECTIONS.isdisjoint(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False


def _target(link: Path) -> str:
    try:
        return display_path((link.parent / os.readlink(link)).resolve())
    except (OSError, RuntimeError):
        return "somewhere else"
