"""Many notes read afresh on every core: a first build, a build after the cache was lost,
``--force``. Worker processes parse notes and make their cards in chunks, in order, and
the build takes their cards as if it had read the notes itself: each image a worker
named is named again here in the same order, so every name (and every field) is the one
a single process gives; a note whose names would differ is read again here."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from pathlib import Path

from highyield.config import DeckConfig
from highyield.deck.cache import NoteCards
from highyield.deck.reader import CachedReader
from highyield.vault.lock import forget_locks
from highyield.vault.media import MediaResolver, MediaSet

MIN_NOTES = 200  # fewer notes to read afresh: one process (starting workers costs more)
CHUNK = 20  # notes a worker reads at a time
MAX_WORKERS = 8
PR_SET_PDEATHSIG = 1  # prctl's option: the signal a process gets when its parent dies

_Chunk = list[tuple[Path, str, NoteCards | None]]  # each note, and its cached cards
_Read = tuple[str, NoteCards, list[tuple[Path, str]], int]  # rel, cards, images, fresh
_reader: CachedReader | None = None  # a worker's own reader


def workers() -> int:
    """How many processes may read notes at once (Linux only: elsewhere a worker would
    be a new interpreter, which is not worth its start for most vaults)."""
    if sys.platform != "linux":
        return 1
    return min(len(os.sched_getaffinity(0)), MAX_WORKERS)


def read_many(reader: CachedReader, todo: list[tuple[Path, str]]
              ) -> Iterator[tuple[str, NoteCards]]:
    """Each note's cards, in the order given, read in worker processes when there are
    many; ``reader`` counts them and holds their images as if it had read them. A worker
    that dies (killed, out of memory) leaves the rest of the notes to be read here."""
    count = workers()
    if len(todo) < MIN_NOTES or count < 2:
        yield from _here(reader, todo)
        return
    chunks = [[(path, rel, reader.old.get(rel)) for path, rel in todo[i:i + CHUNK]]
              for i in range(0, len(todo), CHUNK)]
    done = 0
    # Ctrl-C held back while the workers are made: each starts with it blocked, and leaves
    # it to the build (one caught in a worker's start left the pool locked, the build hung)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = ProcessPoolExecutor(count, multiprocessing.get_context("fork"), _start,
                                   (reader.deck, reader.with_seen, os.getpid()))
        read = pool.map(_read_chunk, chunks)  # the workers start here
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    try:
        for results in read:
            for rel, cards, named, fresh in results:
                done += 1
                yield rel, _taken(reader, todo[done - 1][0], rel, cards, named, fresh)
    except BrokenProcessPool:
        yield from _here(reader, todo[done:])
    finally:
        pool.shutdown(cancel_futures=True)


def _here(reader: CachedReader, todo: list[tuple[Path, str]]
          ) -> Iterator[tuple[str, NoteCards]]:
    for path, rel in todo:
        yield rel, reader.afresh(path, rel)


def _taken(reader: CachedReader, path: Path, rel: str, cards: NoteCards,
           named: list[tuple[Path, str]], fresh: int) -> NoteCards:
    """A worker's cards for a note, when each image it named has that name here too;
    else the note read here (another image took a name first here)."""
    if all(reader.media.name_again(image) == name for image, name in named):
        reader.fresh += fresh
        return cards
    return reader.afresh(path, rel)


def _start(deck: DeckConfig, with_seen: bool, build: int) -> None:
    """A worker: it leaves Ctrl-C to the build, dies with the build (a build killed leaves
    no worker behind) and holds none of its locks; then it makes its own reader."""
    global _reader
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with(build)
    forget_locks()
    _reader = CachedReader(deck, MediaSet(MediaResolver(deck.vault)), {}, with_seen)


def _die_with(parent: int) -> None:
    """Linux kills this process when its parent dies (PR_SET_PDEATHSIG); if the parent
    died before that was asked, it stops now."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _read_chunk(chunk: _Chunk) -> list[_Read]:
    reader = _reader
    assert reader is not None
    reader.old = {rel: old for _, rel, old in chunk if old is not None}
    results = []
    for path, rel, _ in chunk:
        before = reader.fresh
        reader.media.take_named()
        cards = reader.afresh(path, rel)
        results.append((rel, cards, reader.media.take_named(), reader.fresh - before))
    return results
