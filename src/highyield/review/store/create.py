"""A new store is made whole beside where it goes, under a temporary name (its schema
written and committed, its journal copied into the file, the file read back), then put
in place without replacing a store another highyield put there meanwhile. So a store in
place is never half made: a quiz killed while making it, or a disk that fills up then,
leaves no store in its place, and quizzes started together end with one store, each
studying in it.

A temporary store is named for its target (``.highyield-reviews.sqlite3.k3j9x2ab.tmp``,
see ``vault.atomic``); one a killed quiz left is removed once it is a minute old (making a
store takes a moment: an older one is no one's work)."""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from highyield.vault.atomic import TEMP_SUFFIX, ordinary_mode, temp_prefix

LEFTOVER_AGE_S = 60.0
SIDE_FILES = ("", "-journal", "-wal", "-shm")  # what SQLite keeps beside a database


class NotWhole(sqlite3.DatabaseError):
    """The new store did not come out whole in its file (a disk that filled up as its
    journal was copied into it, say): it was not put in place."""


def make(path: Path, schema: Callable[[sqlite3.Connection], None], version: int) -> bool:
    """Make a store at ``path``, ``schema`` writing it (up to ``version``) on a connection
    to the temporary file. Its journal is copied into the file and the file read back
    before it is put in place: only a whole store is. Returns False when another process's
    store got there first (it is left in place and this one dropped). Raises OSError or
    sqlite3.Error (``NotWhole`` when the file read back is not the store written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX,
                                dir=path.parent)
    os.close(fd)
    temp = Path(name)
    try:
        os.chmod(temp, 0o644 & ordinary_mode())  # as SQLite would make it
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            schema(db)
            _checkpoint(db)
        finally:
            db.close()
        _verify(temp, version)
        return _place(temp, path)
    finally:
        for end in SIDE_FILES:
            Path(f"{temp}{end}").unlink(missing_ok=True)


def _checkpoint(db: sqlite3.Connection) -> None:
    """Copy what the journal (-wal) holds into the file, and empty it: closing would do
    it too, but says nothing when it fails."""
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        raise NotWhole("its journal could not be copied into it")


def _verify(temp: Path, version: int) -> None:
    """The file alone (its journal left aside) holds the whole store, of ``version``."""
    db = sqlite3.connect(f"{temp.absolute().as_uri()}?immutable=1", uri=True,
                         isolation_level=None)
    try:
        found = int(db.execute("PRAGMA user_version").fetchone()[0])
        checked = str(db.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        db.close()
    if found != version or checked != "ok":
        raise NotWhole(f"read back, it is not the store written (version {found}, "
                       f"{checked})")


def _place(temp: Path, path: Path) -> bool:
    """Put ``temp`` at ``path`` unless something is there already."""
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: a moment when both could place
        if os.path.lexists(path):
            return False
        os.replace(temp, path)
    _sync(path.parent)
    return True


def _sync(folder: Path) -> None:
    """The store's name written to disk, so that a power cut does not lose it."""
    with contextlib.suppress(OSError):  # a folder is not opened so on Windows
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(path: Path) -> None:
    """The temporary stores, and their journals, that quizzes killed while making a store
    at ``path`` left."""
    pattern = glob.escape(temp_prefix(path.name)) + "*" + TEMP_SUFFIX + "*"
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if now - leftover.lstat().st_mtime >= LEFTOVER_AGE_S:
                    leftover.unlink()
