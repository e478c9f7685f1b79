"""One build of a vault at a time, and the clean-up of what a killed build left.

Two builds of one vault at once (``watch`` and a build by hand, say) would each save the
build cache over the other's, deleting the parts the other had just written, and each
write the ledger without the other's cards. So a build holds a lock, named for the vault,
in highyield's cache folder from its start to its end, and a second build waits for it.
The lock is the operating system's (``flock``): a build that dies, however it dies, lets
the next one go on.

Holding it, a build removes the temporary files that a build of its deck killed half-way
left (the package's folder beside the deck, the cache's and the ledger's temporary
files): no build that could own them is running.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from highyield.config import DeckConfig
from highyield.identity.ledger import FILE, ledger_folder, local_copy
from highyield.paths import cache_folder, vault_name
from highyield.vault.atomic import leftovers

if sys.platform != "win32":
    import fcntl

PID_WIDTH = 12  # the pid is written over the last one, padded: nothing to truncate
LEDGER_WRITE_S = 60.0  # older than this, a ledger's temporary file is no one's work

Waiting = Callable[[int | None], None]  # told the pid of the build waited for, if known


def lock_path(vault: Path) -> Path:
    return cache_folder() / "locks" / f"{vault_name(vault)}.lock"


@contextlib.contextmanager
def build_lock(vault: Path, waiting: Waiting | None = None) -> Iterator[bool]:
    """Hold the vault's build lock for the block, waiting for another build that holds it
    (``waiting`` is told so first). Yields whether the lock is held: not where the cache
    folder cannot be written or locks are not supported, and the build then goes on as
    builds did before there was a lock."""
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
    try:
        held = _lock(fd, waiting)
        if held:  # for a build that waits to say whom it waits for
            with contextlib.suppress(OSError):
                os.pwrite(fd, f"{os.getpid():>{PID_WIDTH}}\n".encode(), 0)
        yield held
    finally:
        os.close(fd)  # which unlocks it


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
    """The pid the build holding the lock wrote into it."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def remove_leftovers(deck: DeckConfig, cache: Path) -> None:
    """What builds of ``deck`` killed half-way left. Call it holding the lock. A quiz
    writes the ledger too, without the lock, in a moment: its temporary files are
    removed only once they are a minute old."""
    copy = local_copy(deck.vault)
    places = [(deck.output.parent, deck.output.name, 0.0), (cache.parent, cache.stem, 0.0),
              (copy.parent, copy.name, LEDGER_WRITE_S)]
    folder = ledger_folder(deck.vault)
    if folder is not None:
        places.append((folder, FILE, LEDGER_WRITE_S))
    now = time.time()
    for where, name, age in places:
        for path in leftovers(where, name):
            with contextlib.suppress(OSError):
                if now - path.lstat().st_mtime < age:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()
