"""Connecting to the store's file: to write it, or only to read it (which works on a store
this user may not write), and telling an empty file from a store never made."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from highyield.review.store import failures


def writer(path: Path) -> sqlite3.Connection:
    """A connection to the store, which is there (``create`` made it): never a new empty
    file where it was deleted a moment before (which the next command would call empty)."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True,
                           isolation_level=None, timeout=10)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _journal(path: Path, end: str = "-wal") -> Path:
    return path.with_name(path.name + end)


def empty(path: Path) -> bool:
    """A store file of 0 bytes, with no answer waiting in its journal either. Not what an
    older highyield, which made a store in place, left when killed while making it: an
    empty file beside an empty rollback journal (-journal), which a store in use (in WAL
    mode) never has. That never held an answer, and is made a store in place."""
    return (path.is_file() and _size(path) == 0 and _size(_journal(path)) == 0
            and not _journal(path, "-journal").exists())


def reader(path: Path) -> sqlite3.Connection:
    """A connection that only reads. A store this user may not write is opened read-only;
    in a folder this user may not write, SQLite cannot make the index it shares with
    writers (-shm): when no answer waits in the journal (-wal), nobody is writing, and the
    file is read as the unchanging file it is."""
    if failures.writable(path):  # read as a writer would, so its journal is tidied away
        db = writer(path)
        db.execute("PRAGMA query_only = ON")
        return db
    uri = path.absolute().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=10)
    try:
        db.execute("PRAGMA user_version")
        return db
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if not name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or \
                _size(_journal(path)):
            return db  # reading it again says what is wrong
    db.close()
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
