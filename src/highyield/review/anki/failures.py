"""What ``sync-anki`` says when the collection cannot be used: the wrong file, Anki
holding it, a newer Anki's schema, damage, a read-only file or folder, no room for the
backup. Each says what happened and what to do; the collection is left as it was."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from highyield.errors import HighyieldError, display_path

NEWEST_SCHEMA = 18  # the newest the anki package reads (Anki 2.1.50 to 26)


def in_use(path: Path) -> HighyieldError:
    return HighyieldError(f"Anki has {display_path(path)} open (or another sync-anki does); "
                          "it was not changed", hint="close Anki (or wait for its media "
                          "sync, or the other sync, to finish), then run sync-anki again")


def schema_version(path: Path) -> int:
    """The collection's schema version, read without changing anything, and without
    leaving anything beside it."""
    _looks_right(path)
    _side_files_right(path)
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode={_mode(path)}", uri=True)
        try:
            version = int(db.execute("SELECT ver FROM col").fetchone()[0])
        finally:
            db.close()
    except (sqlite3.Error, TypeError) as exc:
        if "locked" in str(exc):  # Anki holds it open, and locked
            raise in_use(path) from None
        if "readonly" in str(exc):  # a journal to roll back, or no journal can be made
            raise (unfinished(path) if _journal_left(path) and _writable(path) else
                   read_only(path)) from None
        if not _writable(path):  # a journal that cannot be read without writing beside it
            raise read_only(path) from None
        raise damaged(path, str(exc)) from None
    if version > NEWEST_SCHEMA:
        raise HighyieldError(f"{display_path(path)} was made by a newer Anki (schema "
                             f"{version}) than the anki package here reads; it was not "
                             "changed", hint="update it: pip install -U 'highyield[anki]'")
    if not _writable(path):
        raise read_only(path)
    return version


def _mode(path: Path) -> str:
    """How to open the collection to read it. Read-only, SQLite leaves the -wal and -shm
    files it makes for a collection in WAL mode (as Anki keeps it) in the profile; a
    connection that may write removes them when it closes, and reading writes nothing.
    Read-only still where it cannot write, or where a journal left behind would be rolled
    back (the student is told of that change instead)."""
    return "rw" if _writable(path) and not _journal_left(path) else "ro"


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def read_only(path: Path) -> HighyieldError:
    also = (" (its journal also holds a change Anki did not finish: open the profile in "
            "Anki once it may be written, and close it)") if _journal_left(path) else ""
    return HighyieldError(f"{display_path(path)} is read-only (or its folder is); it was "
                          "not changed", hint="let highyield write the collection and its "
                          f"folder (Anki writes a journal beside it), then sync again{also}")


def unfinished(path: Path) -> HighyieldError:
    journal = display_path(Path(f"{path}-journal"))
    return HighyieldError(f"{display_path(path)} has a change Anki did not finish (Anki "
                          f"stopped while writing it: its journal, {journal}, is still "
                          "there); it was not changed", hint="open the profile in Anki "
                          "once and close it (Anki undoes the unfinished change), then "
                          "sync again")


def _journal_left(path: Path) -> bool:
    """A rollback journal left beside the collection: a change Anki did not finish. A
    read-only open cannot undo it, and SQLite says "readonly"."""
    try:
        return Path(f"{path}-journal").stat().st_size > 0
    except OSError:
        return False


def _side_files_right(path: Path) -> None:
    """The names beside the collection where SQLite keeps its journals hold files, if
    anything: a folder there stops Anki and sync-anki alike."""
    for end in ("-journal", "-wal", "-shm"):
        side = Path(f"{path}{end}")
        if os.path.lexists(side) and not side.is_file():
            raise HighyieldError(f"{display_path(side)} is not a file; SQLite keeps the "
                                 "collection's journal under that name, so neither Anki nor "
                                 "sync-anki can open the collection; it was not changed",
                                 hint=f"move {display_path(side)} away, then sync again")


def _looks_right(path: Path) -> None:
    """A collection file: not a profile folder, not a package, not a mistyped name."""
    profile = "e.g. ~/.local/share/Anki2/User 1/collection.anki2"
    if path.is_dir():
        inside = path / "collection.anki2"
        raise HighyieldError(f"{display_path(path)} is a folder, not an Anki collection",
                             hint=f"give the collection in it: {display_path(inside)}"
                             if inside.is_file() else f"give the collection.anki2 of your "
                             f"Anki profile, {profile}")
    if path.suffix.lower() in (".apkg", ".colpkg"):
        raise HighyieldError(f"{display_path(path)} is a package to import into Anki, not "
                             "a collection", hint="give the collection.anki2 of the Anki "
                             f"profile you imported it into, {profile}")
    if not path.is_file():
        raise HighyieldError(f"no Anki collection at {display_path(path)}",
                             hint=f"give the collection.anki2 file of your Anki profile, "
                             f"{profile}")


def check_after(path: Path, version: int, check: str) -> None:
    after = schema_version(path)
    if after != version or check != "ok":
        raise HighyieldError(
            f"{display_path(path)} is not as Anki left it (schema {version} before, {after} "
            f"after; check: {check})", hint="restore the backup sync-anki made (its path "
                                           "is printed above) with Anki's File → Import")


_DAMAGE = ("malformed", "no such table", "no such column", "InvalidColumnType",
           "not a database", "corrupt")


def unwritten(path: Path, why: str) -> HighyieldError:
    """Why Anki could not write the collection: its own damage, a read-only file, or
    the machine (a full disk)."""
    if any(sign in why for sign in _DAMAGE):
        return HighyieldError(
            f"{display_path(path)} is damaged ({why}); it is as it was",
            hint="open it in Anki and run Tools › Check Database (or restore a backup: "
                 "File › Switch Profile › Open Backup), then sync again")
    if "readonly" in why or "Permission denied" in why:
        return read_only(path)
    return HighyieldError(
        f"Anki could not write {display_path(path)} ({why}); it is as it was",
        hint="a full disk, or a file or folder you may not write: free some space or let "
             "highyield write there, then sync again")


def damaged(path: Path, why: str) -> HighyieldError:
    return HighyieldError(f"{display_path(path)} is not an Anki collection this Anki package "
                          f"can open ({why}); it was not changed",
                          hint="give the collection.anki2 of an Anki profile (Anki 2.1.50 "
                               "or newer), with Anki closed")


def no_backup(folder: Path, exc: Exception) -> HighyieldError:
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else \
        re.sub(r" \(os error \d+\)", "", str(exc))  # as Anki's backend words it
    return HighyieldError(
        f"cannot make a backup of the collection in {display_path(folder)} ({why}); "
        "nothing was changed", hint="the profile's backups folder must be a folder "
        "highyield may write (move aside a file of that name, free some space, check the "
        "folder's permissions), then sync again")
