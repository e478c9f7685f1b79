"""What a failure on the review store means to the student: the disk is full, the file is
damaged, empty, read-only, busy or another program's, or it cannot be kept where it was
asked to be. These are the machine's situation, not highyield's
bugs: each is said as such, with what was kept and what to do."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import suppress
from pathlib import Path

from highyield.errors import HighyieldError, display_path
from highyield.review.store.values import BadValue

DAMAGED_HINT = ("restore it from a backup, or move it aside to start afresh (keep it: "
                "SQLite's own tools may recover part of it; see docs/troubleshooting.md)")


def explain(exc: sqlite3.Error, path: Path) -> HighyieldError | None:
    """The failure as the student is told it; None for one that is highyield's own."""
    name = getattr(exc, "sqlite_errorname", "")
    shown = display_path(path)
    if isinstance(exc, BadValue):
        return bad_value(shown, exc)
    if name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and full(path)):
        return disk_full(shown)
    if name.startswith("SQLITE_CORRUPT"):
        return damaged(shown, exc)
    if name == "SQLITE_NOTADB":
        return not_a_store(shown, exc)
    if name.startswith("SQLITE_READONLY"):
        return read_only(path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return HighyieldError(f"the review store {shown} is busy: {exc}",
                              hint="another highyield is writing to it; finish that "
                                   "session first")
    if name.startswith("SQLITE_IOERR"):
        return HighyieldError(f"cannot read or write the review store {shown}: {exc}",
                              hint="the disk or its file system failed; every answer "
                                   "acknowledged before is saved. Check the disk, then run "
                                   "the command again")
    if name.startswith("SQLITE_CANTOPEN"):
        return cannot_open(shown, exc)
    return None


def full(path: Path) -> bool:
    """Whether the disk holding the store has no room left for an answer."""
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def disk_full(shown: str) -> HighyieldError:
    return HighyieldError(f"cannot save to the review store {shown}: the disk is full",
                          hint="every answer acknowledged before is saved in it; free some "
                               "space on that disk, then run the command again")


def damaged(shown: str, exc: object) -> HighyieldError:
    return HighyieldError(f"the review store {shown} is damaged ({exc}); highyield stopped "
                          "without changing it", hint=DAMAGED_HINT)


def bad_value(shown: str, exc: BadValue) -> HighyieldError:
    """A value highyield never writes, found as the store was read (it may have been
    written to before: answers acknowledged are saved)."""
    return HighyieldError(f"the review store {shown} is damaged: {exc}", hint=DAMAGED_HINT)


def not_a_store(shown: str, exc: object) -> HighyieldError:
    return HighyieldError(f"{shown} is not a highyield review store, or it is damaged ({exc})",
                          hint="it was left as it is; if it held your answers, restore it "
                               "from a backup (see docs/troubleshooting.md); otherwise move "
                               "it aside, or pass --state PATH to use another file")


def empty(shown: str) -> HighyieldError:
    return HighyieldError(f"the review store {shown} is an empty file (0 bytes); highyield "
                          "does not start it afresh in its place",
                          hint="if your answers were in it, restore it from a backup; to "
                               "start a new store, delete it or pass --state PATH")


def cannot_open(shown: str, exc: object) -> HighyieldError:
    return HighyieldError(f"cannot open the review store {shown}: {exc}",
                          hint="check the folder's permissions, or pass --state PATH to "
                               "keep it elsewhere")


def not_made(path: Path, exc: object) -> HighyieldError:
    """A new store that did not come out whole; it was not put in place."""
    shown = display_path(path)
    if full(path):
        return disk_full(shown)
    return HighyieldError(f"cannot make the review store {shown}: {exc}; nothing was put in "
                          "its place", hint="check the disk that holds it, then run the "
                                            "command again")


def no_reviews(shown: str) -> HighyieldError:
    return HighyieldError(f"no reviews yet: {shown} does not exist",
                          hint="run `highyield quiz` to study; stats come from its answers",
                          exit_code=1)


def foreign(shown: str, tables: list[str]) -> HighyieldError:
    return HighyieldError(f"{shown} is not a highyield review store: it is an SQLite database "
                          f"with tables of its own ({', '.join(tables[:5])}); it was left as "
                          "it is", hint="pass --state PATH to keep the review store in "
                                        "another file")


def not_regular(shown: str, kind: str) -> HighyieldError:
    return HighyieldError(f"the review store {shown} is not a regular file ({kind}); it was "
                          "left as it is", hint="pass --state PATH to keep the store in a file "
                                                "of its own, or move that one aside")


def dangling(shown: str, target: str) -> HighyieldError:
    return HighyieldError(f"the review store {shown} is a link to a file that is not there "
                          f"({target}); it was left as it is",
                          hint="put back the store it points to, or delete the link to start "
                               "a new store there, or pass --state PATH")


def not_a_folder(path: Path, folder: Path, kind: str) -> HighyieldError:
    return HighyieldError(f"cannot keep the review store {display_path(path)} there: "
                          f"{_shown(folder)} is {kind}, not a folder",
                          hint="pass --state PATH to keep the store elsewhere")


def cannot_enter(path: Path, folder: Path) -> HighyieldError:
    return HighyieldError(f"cannot reach the review store {display_path(path)}: you "
                          f"({_user(os.getuid())}) may not enter the folder "
                          f"{_shown(folder)}{_owner(folder)}",
                          hint="make that folder accessible to you, or pass --state PATH to "
                               "keep the store elsewhere")


def cannot_make(path: Path, folder: Path) -> HighyieldError:
    """A new store cannot be made: the folder it would be made in may not be written."""
    if _mounted_read_only(folder):
        why = f"the folder {_shown(folder)} is on a file system mounted read-only"
    else:
        why = (f"you ({_user(os.getuid())}) may not write in the folder "
               f"{_shown(folder)}{_owner(folder)}")
    return HighyieldError(f"cannot make the review store {display_path(path)}: {why}",
                          hint="make that folder writable for you, or pass --state PATH to "
                               "keep the store in a folder you may write")


def read_only(path: Path, current: bool = True) -> HighyieldError:
    """The store may not be written: whose it is and why, when the permissions say so.
    ``current``: of this highyield's version, so that ``stats`` reads it as it is (an
    older one must be brought up to date first, which writes it)."""
    stats = "; `highyield stats` reads it as it is" if current else \
        " (it was written by an older highyield, and is brought up to date once it can be)"
    return HighyieldError(f"the review store {display_path(path)} is read-only{_why(path)}; "
                          "answers cannot be saved in it",
                          hint="make the file and its folder writable, or pass --state PATH "
                               f"to study with another store{stats}")


def writable(path: Path) -> bool:
    """Whether this user may write the store and the journal SQLite keeps beside it."""
    return all(not p.exists() or os.access(p, os.W_OK) for p in (path, path.parent))


def _mounted_read_only(folder: Path) -> bool:
    with suppress(OSError, AttributeError):  # no statvfs on Windows
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    return False


def _owner(folder: Path) -> str:
    try:
        info = folder.stat()
    except OSError:
        return ""
    return f" (it is {_user(info.st_uid)}'s, with mode {info.st_mode & 0o777:o})"


def _why(path: Path) -> str:
    if _mounted_read_only(path.parent):
        return ": its file system is mounted read-only"
    for what, where in ((path, "it is"), (path.parent, f"its folder {_shown(path.parent)} is")):
        if what.exists() and not os.access(what, os.W_OK):
            info = what.stat()
            journal = ", and the journal is written there" if what != path else ""
            return (f" for you ({_user(os.getuid())}): {where} {_user(info.st_uid)}'s, with "
                    f"mode {info.st_mode & 0o777:o}{journal}")
    return ""


def _shown(folder: Path) -> str:
    shown = display_path(folder)
    return str(folder.absolute()) if shown == "." else shown


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def deleted(shown: str) -> HighyieldError:
    """The store's file was deleted while it was open (seventeenth fault probe: the quiz
    went on confirming answers that were written into the deleted file)."""
    return HighyieldError(f"the review store {shown} was deleted or moved while in use; "
                          "this last change was not saved", hint="put the store back where "
                          "it was, with its -wal file beside it (the answers since it was "
                          "opened are there), and start again; a new store starts with no "
                          "history")
