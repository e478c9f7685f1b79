"""The one way highyield writes a file it keeps (the ledger, a note given block ids, the
build cache): whole or not at all. The data goes to a temporary file beside the target,
which is then renamed over it, so a crash or a full disk leaves the old file as it was.

A temporary file is named for its target (``.highyield-ledger.tsv.k3j9x2ab.tmp``), so
that what a build killed half-way left can be told apart from another build's work and
removed (``deck.leftovers``)."""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".highyield-"
TEMP_SUFFIX = ".tmp"
NAME_KEPT = 60  # characters of the target's name in a temporary name (names are short)


def temp_prefix(name: str) -> str:
    """The start of the name of a temporary file or folder for the target ``name``."""
    return f"{TEMP_PREFIX}{name[:NAME_KEPT]}."


def leftovers(folder: Path, name: str) -> list[Path]:
    """The temporary files and folders in ``folder`` for the target ``name``, or for
    targets named ``name.…`` (the shards of a cache): work that no process will finish,
    once none that could own them runs."""
    pattern = glob.escape(temp_prefix(name)) + "*" + TEMP_SUFFIX
    try:
        return sorted(folder.glob(pattern))
    except OSError:
        return []


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], None],
                     mode: int | None = None) -> None:
    """Write ``data`` (bytes, or a function that writes to the open file) to ``path``.
    ``mode``: the permissions the file gets; by default only its owner may read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX,
                                dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, bytes):
                f.write(data)
            else:
                data(f)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_at(folder: int, name: str, data: Iterable[bytes], mode: int) -> None:
    """``write_atomically`` in the open folder ``folder``: the temporary file and the
    rename never leave it, whatever its path leads to meanwhile."""
    temp = f"{temp_prefix(name)}{secrets.token_hex(4)}{TEMP_SUFFIX}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temp, flags, 0o600, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.writelines(data)
            os.fchmod(f.fileno(), mode)
        os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise


def ordinary_mode() -> int:
    """The permissions a new file gets by the user's umask, as an editor would make it."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
