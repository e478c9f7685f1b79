"""Which files of a vault highyield reads: one rule, shared by the build, its fingerprint,
``watch`` and the search for images. Folders and files whose name starts with a dot
(``.obsidian``, ``.trash``, ``.git``, ``.highyield``), ``node_modules`` and Excalidraw
drawings (``*.excalidraw.md``, a drawing's data, not a note) are never read. Nor is a
folder that cannot be read, or a file or folder whose name is not UTF-8 (nothing could
show, keep or hash it): each of those is a warning."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from highyield.errors import Diagnostic, display_path, warning
from highyield.vault.fingerprint import FileStamp, stamp
from highyield.vault.globs import Selection

NEVER_READ = frozenset({"node_modules"})  # besides every name that starts with a dot
NEVER_READ_ENDINGS = (".excalidraw.md",)  # Excalidraw drawings


def never_read(name: str) -> bool:
    """A file or folder name highyield never reads, nor looks inside."""
    return name.startswith(".") or name in NEVER_READ or \
        name.lower().endswith(NEVER_READ_ENDINGS)


def is_read(rel: Path) -> bool:
    """Whether a path inside the vault (relative to it) is one highyield reads."""
    return not any(never_read(part) for part in rel.parts)


def walk(root: Path, problems: list[Diagnostic] | None = None
         ) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, path) of every file highyield reads, folders in name order.
    A folder that cannot be read, and a file or folder whose name is not UTF-8, are
    skipped; ``problems`` gets a warning for each."""
    said: list[Diagnostic] = [] if problems is None else problems
    for folder, dirs, files in os.walk(root, onerror=lambda exc: said.append(_unlisted(exc))):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not never_read(d) and _named(base, d, True, said))
        for name in sorted(files):
            if not never_read(name) and _named(base, name, False, said):
                path = base / name
                yield path.relative_to(root).as_posix(), path


def find_notes(root: Path, selection: Selection, problems: list[Diagnostic] | None = None
               ) -> list[Path]:
    """Every ``.md`` note the selection takes, in a stable order (by relative path).
    ``problems`` gets a warning for each folder or file that could not be looked at."""
    found = [(rel, path) for rel, path in walk(root, problems)
             if rel.lower().endswith(".md") and selection.matches(rel)]
    return [path for _, path in sorted(found)]


def missing(path: Path) -> bool:
    """No file is at ``path`` (a folder is not a file). One in a folder that cannot be
    read may be there: it is not missing."""
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False


def out_of_sight(path: Path) -> bool:
    """Is a note there that cannot be read now: in a folder that cannot be entered, or
    itself unreadable? Its cards are kept as they were, never retired: a note that cannot
    be read is not a note deleted."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return stat.S_ISREG(info.st_mode) and not os.access(path, os.R_OK)


def shown(path: Path) -> str:
    """A path as a user is shown it, with bytes that are not UTF-8 escaped (``\\xff``)."""
    return os.fsencode(display_path(path)).decode("utf-8", "backslashreplace")


def _named(base: Path, name: str, folder: bool, problems: list[Diagnostic]) -> bool:
    """Whether the name is UTF-8, as every name highyield shows, keeps or hashes must be."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        what = "folder" if folder else "file"
        problems.append(warning(
            shown(base / name), None, f"{what} name is not valid UTF-8; "
            + ("skipped, with everything in it" if folder else "skipped"),
            f"rename the {what}: notes, images and folders need UTF-8 names, as Obsidian "
            "gives them"))
        return False
    return True


UNREAD_FOLDER = "cannot read folder"
UNREAD_NOTE = "cannot read note"


def unread(diagnostic: Diagnostic) -> bool:
    """Is this the warning for a note or folder that could not be read?"""
    return diagnostic.message.startswith((UNREAD_FOLDER, UNREAD_NOTE))


def _unlisted(exc: OSError) -> Diagnostic:
    path = Path(exc.filename) if exc.filename else Path(".")
    return warning(shown(path), None,
                   f"{UNREAD_FOLDER}: {exc.strerror or exc}; its notes and images are "
                   "skipped, and the cards made of them before are kept",
                   unread_hint(exc, "folder", "check the folder's permissions: highyield "
                               "must be able to list and open it"))


def unread_hint(exc: OSError, what: str, otherwise: str) -> str:
    """What to do about a file or folder the system would not let highyield read."""
    if exc.errno == errno.ENAMETOOLONG:
        return (f"its path is longer than this system allows: shorten the names of the "
                f"folders on the way to it, or move the {what} nearer the vault's top")
    if exc.errno == errno.EIO:
        return ("the disk could not read it (a failing disk, or a network or cloud drive "
                "that went away): check the drive, then build again")
    return otherwise


def vault_files(root: Path) -> list[FileStamp]:
    """(relative path, size, mtime_ns, ctime_ns) of every file highyield reads, sorted."""
    found: list[FileStamp] = []
    for rel, path in walk(root):
        try:
            stat = os.stat(path)
        except OSError:  # a link that leads nowhere is still a change to build and warn of
            try:
                stat = os.lstat(path)
            except OSError:
                continue
        found.append(stamp(rel, stat))
    found.sort()
    return found
