"""``highyield watch``: rebuild the decks whose notes change, as they change.

Saves come in bursts (an editor writes a file, a sync client writes twenty): changes are
gathered until the vault has been quiet for a moment, and every changed file must then
keep its size and time for a moment more before anything is read, so a file still being
written is never built from. Only the decks whose notes (or images) changed are built,
and each build is the ordinary incremental one: atomic, so a deck is never half-written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from highyield.config import DeckConfig
from highyield.errors import Diagnostic, HighyieldError, display_path
from highyield.vault.files import is_read
from highyield.vault.fingerprint import file_stat

DEBOUNCE_MS = 400  # quiet time that ends a burst of saves
SETTLE_S = 0.3  # each changed file must keep its size and time this long
MAX_SETTLE_S = 10.0  # then build anyway (a file that never stops growing)
STARTED_MS = 300  # the watcher reports in after this long without changes
POLL_MS = 1000  # how often a watcher that had to start again looks at the vault


@dataclass(frozen=True)
class Round:
    """One burst of changes, and the decks it touched."""

    paths: tuple[Path, ...]
    decks: tuple[DeckConfig, ...]
    restarted: str = ""  # why the watcher stopped and started again, before this round
    back: tuple[Path, ...] = ()  # notes folders moved away and back, watched anew


def forget_said(shown: set[Diagnostic], paths: Iterable[Path]) -> None:
    """Each problem is printed once, but those of a note just saved are printed again:
    the student looks for them after the edit (they were far above, or never seen)."""
    saved = {display_path(p) for p in paths}
    shown.difference_update([d for d in shown if d.path in saved])


def affected(decks: Iterable[DeckConfig], paths: Iterable[Path]) -> list[DeckConfig]:
    """The decks whose notes or images are among ``paths``, in the given order."""
    chosen = []
    paths = list(paths)
    for deck in decks:
        if any(_touches(deck, p) for p in paths):
            chosen.append(deck)
    return chosen


def _touches(deck: DeckConfig, path: Path) -> bool:
    try:
        rel = path.resolve().relative_to(deck.vault.resolve())
    except ValueError:
        return False
    if not is_read(rel) or path.resolve() == deck.output:
        return False
    return path.suffix.lower() != ".md" or deck.selection.matches(rel.as_posix())


def settle(paths: Iterable[Path], sleep: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.monotonic) -> None:
    """Wait until no file among ``paths`` changes size or time for ``SETTLE_S``."""
    paths = list(paths)
    start = clock()
    seen = [file_stat(p) for p in paths]
    while clock() - start < MAX_SETTLE_S:
        sleep(SETTLE_S)
        now = [file_stat(p) for p in paths]
        if now == seen:
            return
        seen = now


def rounds(decks: list[DeckConfig], stop: Callable[[], bool] | None = None
           ) -> Iterator[Round]:
    """First every deck, as soon as the watcher runs (so nothing saved while the first
    builds run is missed); then each burst of changes that touches a deck, once its files
    are still. Ends when ``stop`` says so; Ctrl-C raises KeyboardInterrupt.

    A watcher that stops (a name in the vault that is not UTF-8 stops it) starts again,
    polling the vault, and every deck is built again, since a change may have been missed
    meanwhile; that round says why (``Round.restarted``)."""
    why, polling = "", False
    back: tuple[Path, ...] = ()
    while True:
        started = False
        try:
            for round_ in _watch(decks, stop, polling, why, back):
                started = True
                yield round_
            return
        except _Back as exc:
            why, back = "", exc.folders
        except (OSError, RuntimeError) as exc:
            if polling and not started:
                folders = ", ".join(sorted({display_path(d.vault) for d in decks}))
                raise HighyieldError(f"cannot watch {folders}: {exc}",
                                     hint="check that the folder is there and readable"
                                     ) from None
            why, polling, back = str(exc), True, ()


class _Back(Exception):
    """A notes folder was moved away and another is in its place: the watcher, which
    watched the one that went, starts again."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        super().__init__()
        self.folders = folders


def _folder_id(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _watch(decks: list[DeckConfig], stop: Callable[[], bool] | None, polling: bool,
           why: str, back: tuple[Path, ...]) -> Iterator[Round]:
    import watchfiles

    roots = sorted({str(d.vault) for d in decks})
    outputs = {str(d.output) for d in decks}

    def wanted(change: watchfiles.Change, path: str) -> bool:
        return path not in outputs and _read_in(Path(path), roots) and \
            not _editor_temp(os.path.basename(path))

    ids = {root: _folder_id(root) for root in roots}
    started = False
    for changes in watchfiles.watch(*roots, watch_filter=wanted, debounce=DEBOUNCE_MS,
                                    step=50, stop_event=_Stop(stop) if stop else None,
                                    rust_timeout=STARTED_MS, yield_on_timeout=True,
                                    # a folder it may not read: each build warns of it
                                    ignore_permission_denied=True,
                                    force_polling=polling or None, poll_delay_ms=POLL_MS):
        if not started:
            started = True
            yield Round((), tuple(decks), why, back)
        moved = tuple(Path(r) for r in roots if _folder_id(r) not in (ids[r], None))
        if moved:
            raise _Back(moved)
        paths = tuple(sorted({Path(p) for _, p in changes}))
        chosen = affected(decks, paths)
        if chosen:
            settle(paths)
            yield Round(paths, tuple(chosen))


def _read_in(path: Path, roots: list[str]) -> bool:
    """Whether a build reads this path, by the vault's one rule (vault.files)."""
    for root in roots:
        if path.is_relative_to(root):
            return is_read(path.relative_to(root))
    return False


def _editor_temp(name: str) -> bool:
    """An editor's swap or backup file: never a note, and it comes and goes."""
    return name.startswith("~") or name.endswith(("~", ".tmp", ".swp"))


class _Stop:
    """What watchfiles takes as a stop event."""

    def __init__(self, stop: Callable[[], bool]) -> None:
        self.stop = stop

    def is_set(self) -> bool:
        return self.stop()
