"""One writer of a vault's derived files at a time.

Two builds of one vault at once (``watch`` and a build by hand, say) would each save the
build cache over the other's, deleting the parts the other had just written, and each
write the ledger without the other's cards; a quiz reading the notes writes the ledger
too. So each holds a lock, named for the vault, in highyield's cache folder while it
works, and a second one waits for it. The lock is the operating system's (``flock``): a
process that dies, however it dies, lets the next one go on.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from highyield.paths import cache_folder, vault_name

if sys.platform != "win32":
    import fcntl

PID_WIDTH = 12  # the pid is written over the last one, padded: nothing to truncate

Waiting = Callable[[int | None], None]  # told the pid of the process waited for, if known


def lock_path(vault: Path) -> Path:
    return cache_folder() / "locks" / f"{vault_name(vault)}.lock"


@contextlib.contextmanager
def vault_lock(vault: Path, waiting: Waiting | None = None) -> Iterator[bool]:
    """Hold the vault's lock for the block, waiting for another build or quiz that holds
    it (``waiting`` is told so first). Yields whether the lock is held: not where the
    cache folder cannot be written or locks are not supported, and the work then goes on
    as it did before there was a lock."""
    if sys.platform == "win32":  # no flock: builds go on as they did before
        yield False
        return
    path = lock_path(vault)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield False
        return
    _OPEN.add(fd)
    try:
        held = _lock(fd, waiting)
        if held:  # for a build that waits to say whom it waits for
            with contextlib.suppress(OSError):
                os.pwrite(fd, f"{os.getpid():>{PID_WIDTH}}\n".encode(), 0)
        yield held
    finally:
        _OPEN.discard(fd)
        os.close(fd)  # which unlocks it


_OPEN: set[int] = set()  # the lock files this process has open


def forget_locks() -> None:
    """In a process forked from one that holds a vault's lock (a build's worker): close
    the lock files it inherited, so that it never holds the lock itself, not even when
    the build is killed before it. The build's own hold is untouched."""
    for fd in list(_OPEN):
        with contextlib.suppress(OSError):
            os.close(fd)
    _OPEN.clear()


def _lock(fd: int, waiting: Waiting | None) -> bool:
    assert sys.platform != "win32"
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    except OSError:  # a file system without locks
        return False
    if waiting is not None:
        waiting(_holder(fd))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        return False
    return True


def _holder(fd: int) -> int | None:
    """The pid the process holding the lock wrote into it."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None
