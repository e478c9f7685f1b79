"""Whether a store can be kept at the path given, looked at before SQLite opens anything
(SQLite calls each of these "unable to open" or "disk I/O error"): every folder on the way
is a folder this user may enter, the store is a regular file (a named pipe or a device in
its place is never opened), and a new store's folder may be written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from highyield.errors import display_path
from highyield.review.store import failures
from highyield.vault.opening import NotRegular


def check(path: Path, writable: bool) -> bool:
    """Whether the store exists. Raises HighyieldError when it cannot be kept at ``path``:
    a folder on the way cannot be entered or is not a folder, the store is not a regular
    file (or a link to a file that is not there), or (``writable``) the folder a new store
    would be made in may not be written."""
    deepest = _folders(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):  # never made through the link: it could point anywhere
            raise failures.dangling(display_path(path), os.readlink(path)) from None
        if writable and not os.access(deepest, os.W_OK | os.X_OK):
            raise failures.cannot_make(path, deepest) from None
        return False
    except OSError as exc:
        raise failures.cannot_open(display_path(path), exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise failures.not_regular(display_path(path), NotRegular(info.st_mode).kind)
    return True


def _folders(path: Path) -> Path:
    """The deepest folder on the way to ``path`` that exists, each one above it checked."""
    deepest = Path(path.absolute().anchor)
    for folder in reversed(path.absolute().parents[:-1]):
        try:
            info = os.stat(folder)
        except FileNotFoundError:
            break
        except OSError as exc:
            raise failures.cannot_open(display_path(path), exc) from None
        if not stat.S_ISDIR(info.st_mode):
            kind = "a file" if stat.S_ISREG(info.st_mode) else NotRegular(info.st_mode).kind
            raise failures.not_a_folder(path, folder, kind)
        if not os.access(folder, os.X_OK):
            raise failures.cannot_enter(path, folder)
        deepest = folder
    return deepest
