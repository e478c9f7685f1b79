"""Who is using a review store: quizzes, any number at once (each answer re-reads its
card), or one sync with Anki, alone. A sync reads every card's state, writes Anki, then
writes the states it worked out: an answer a quiz saved in between was in both histories
but in neither schedule (thirteenth fault probe). So a quiz holds the store's lock shared
for its session, a sync holds it alone for its whole run, and neither waits: the second
is refused at once, with what to do. The lock is the operating system's (``flock``): a
process that dies, however it dies, lets go of it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from highyield.errors import HighyieldError, display_path

if sys.platform != "win32":
    import fcntl


@contextlib.contextmanager
def using(store: Path, alone: bool) -> Iterator[None]:
    """Hold the store's lock for the block: shared for a quiz, alone for a sync. The lock
    is on the store's own file (SQLite's locks are others: the two never meet), so every
    process that opens it finds it and nothing is left beside it. Where there are no such
    locks, the work goes on without one, as it did before."""
    if sys.platform == "win32":
        yield
        return
    try:
        fd = os.open(store, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:  # opening the store said what is wrong with it
        yield
        return
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if alone else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _busy(store, alone) from None
        except OSError:  # no such locks on this file system: as before
            pass
        yield
    finally:
        os.close(fd)  # which unlocks it


def _busy(store: Path, alone: bool) -> HighyieldError:
    shown = display_path(store)
    if alone:
        return HighyieldError(f"a quiz, or another sync-anki, is using the review store "
                              f"{shown}; nothing was synced",
                              hint="end the quiz (q) or let the other sync finish, then "
                                   "sync again")
    return HighyieldError(f"sync-anki is writing the review store {shown}; the quiz waits "
                          "for it", hint="it takes a few seconds: run the quiz again then")
