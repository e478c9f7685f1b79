"""A build cache that could not be saved (a full disk, a folder one may not write, a
file where the folder should be), as the student is told it: once a build, naming the
folder and why, and what is kept: the deck is complete, the vault's ledger keeps each
card's identity, and its time is read back from the deck's last package."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from highyield.errors import Diagnostic, display_path, warning
from highyield.paths import cache_folder

FULL = (errno.ENOSPC, errno.EDQUOT)  # no space left; over the user's quota
DENIED = (errno.EACCES, errno.EPERM)
# Without its cache a build reads each card's last time back from the deck's package
# (``deck.recovered``); without that too, each gets the build's, and Anki's import takes
# every note for newer (fault probe: an edit made in Anki was replaced)
NEW_TIMES = ("each card's time is read back from the deck's last package (while it is "
             "there: without it, importing the deck into Anki replaces edits made there)")
IDENTITY_KEPT = ("until then each build reads every note again, which is slower; the deck is "
                 f"complete, the vault's ledger keeps each card's identity, and {NEW_TIMES}")
NO_LEDGER = ("until then each build reads every note again, which is slower; the deck is "
             "complete, but with neither the vault's ledger nor this computer's copy of it "
             f"saved, a reworded card may be taken for a new one; {NEW_TIMES}")


def unsaved(exc: OSError, where: Path, identity_kept: bool = True) -> Diagnostic:
    """The warning for a build whose cache (``where``, or its kept collection) could not
    be written, from the first failure. ``identity_kept``: the vault's ledger or this
    computer's copy of it was written all the same."""
    folder = cache_folder()
    why, fix = _folder_in_place(where) or _why(folder, exc)
    return warning(display_path(folder), None, f"cannot save the build cache: {why}",
                   f"{fix}; {IDENTITY_KEPT if identity_kept else NO_LEDGER}")


def unkept(exc: OSError, kept: Path) -> Diagnostic:
    """The warning for a build that saved its cache but could not keep its copy of the
    deck's collection (the base the next build writes the deck from)."""
    why, fix = _folder_in_place(kept) or _why(kept.parent, exc)
    return warning(display_path(kept.parent), None, "cannot keep a copy of the deck's "
                   f"collection: {why}", f"{fix}; until then each build that changes the "
                   "deck writes it whole, which is slower; nothing else is lost")


def uncopied(copy: Path, exc: OSError, vault_kept: bool = True) -> Diagnostic:
    """The warning for a build that saved its cache but not this computer's copy of the
    vault's ledger: until it can, each build tries again (it is never "up to date").
    ``vault_kept``: the vault's ledger was written."""
    why, fix = _folder_in_place(copy) or _why(copy.parent, exc)
    meanwhile = "the vault's ledger keeps each card's identity meanwhile" if vault_kept else \
        "with the vault's ledger not written either, a reworded card may be taken for a new one"
    return warning(display_path(copy.parent), None, "cannot keep this computer's copy of "
                   f"the vault's ledger: {why}", f"{fix}; {meanwhile}, and each build tries "
                   "again")


def _folder_in_place(path: Path) -> tuple[str, str] | None:
    """Why, and what to do, when a folder stands where the file is written."""
    if path.is_dir() and not path.is_symlink():
        return (f"{display_path(path)} is a folder, not a file",
                "move that folder away, or set HIGHYIELD_HOME to another folder")
    return None


def _why(folder: Path, exc: OSError) -> tuple[str, str]:
    """Why, and what to do."""
    elsewhere = "or set HIGHYIELD_HOME to a folder you may write to"
    if exc.errno in FULL:
        return "the disk is full", "free some space on that disk"
    if exc.errno == errno.EROFS:
        return "its file system is mounted read-only", f"mount it read-write, {elsewhere}"
    blocker = _file_above(folder)
    if blocker is not None:
        return (f"{display_path(blocker)} is a file, not a folder",
                f"move the file away, {elsewhere}")
    if exc.errno in DENIED:
        return f"permission denied{_whose(folder)}", f"let highyield write there, {elsewhere}"
    return exc.strerror or str(exc), f"check that folder, {elsewhere}"


def _file_above(folder: Path) -> Path | None:
    """The file that stands where the folder, or a folder above it, should be."""
    for path in (folder, *folder.parents):
        try:
            if not path.is_dir() and path.exists():
                return path
        except OSError:
            continue
    return None


def _whose(folder: Path) -> str:
    """The nearest folder this user may not write or enter, its owner and mode."""
    for path in (folder, *folder.parents):
        try:
            info = path.stat()
        except OSError:  # not there, or not to be reached: a folder above says why
            continue
        if os.access(path, os.W_OK | os.X_OK):
            return ""
        return (f" (you are {_user(os.getuid())}; {display_path(path)} is "
                f"{_user(info.st_uid)}'s, with mode {info.st_mode & 0o777:o})")
    return ""


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)
