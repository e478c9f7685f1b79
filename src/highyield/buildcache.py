"""What a deck's last build left for the next one, outside the vault (in highyield's cache
folder): each note's cards, by the note's size and modification time and by a hash of its
text, and the Anki notes the build wrote.

Losing it costs time, never cards: the next build reads every note again, calls every
card new in its summary and gives every note the build's time.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from highyield import __version__
from highyield.changes import Packed
from highyield.errors import Diagnostic
from highyield.model import Embed
from highyield.pack import Made
from highyield.paths import cache_folder

FORMAT = 2


@dataclass(frozen=True)
class NoteCards:
    """One note's cards, as its text gave them."""

    size: int
    mtime_ns: int
    sha: str  # of the note's bytes
    made: tuple[Made, ...]
    diagnostics: tuple[Diagnostic, ...]  # from reading, parsing and extracting
    embeds: tuple[tuple[Embed, str | None], ...]  # each image and the name it got


@dataclass
class BuildCache:
    settings: str  # the deck settings the cards were made with
    notes: dict[str, NoteCards] = field(default_factory=dict)  # by vault-relative path
    fingerprint: str = ""  # the vault and deck as the last build saw them
    output: tuple[int, int] = (0, 0)  # the .apkg's size and mtime_ns after that build
    packed: dict[str, Packed] = field(default_factory=dict)  # by key
    media: tuple[tuple[str, str, int, int], ...] = ()  # the images packed, as media_stamp
    base: tuple[int, int] = (-1, -1)  # the kept copy of the collection written, its stat


    def by_sha(self) -> dict[str, NoteCards]:
        return {n.sha: n for n in self.notes.values()}


def media_stamp(files: dict[str, Path]) -> tuple[tuple[str, str, int, int], ...]:
    """Each packed image's name, file, size and time: an image edited in place changes
    no card, yet the deck must be written again."""
    stamps = []
    for name, path in sorted(files.items()):
        try:
            stat = path.stat()
            stamps.append((name, str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((name, str(path), -1, -1))
    return tuple(stamps)


def cache_file(deck_name: str, output: Path) -> Path:
    name = hashlib.sha256(f"{deck_name}\x1f{output}".encode()).hexdigest()[:20]
    return cache_folder() / f"build-{name}.pickle"


@dataclass(frozen=True)
class Header:
    """The start of the cache file: enough to tell an up-to-date deck without loading
    the rest."""

    version: tuple[int, str]
    fingerprint: str
    output: tuple[int, int]


def up_to_date(path: Path, fingerprint: str, output: tuple[int, int]) -> bool:
    try:
        with path.open("rb") as f:
            header = pickle.load(f)
    except Exception:  # any damage means building afresh
        return False
    return bool(header == Header((FORMAT, __version__), fingerprint, output))


@contextmanager
def _no_gc() -> Iterator[None]:
    """Reading or writing a cache of a million objects makes no garbage, yet the cyclic
    collector would walk them all again and again (most of the time it takes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(path: Path, settings: str) -> BuildCache:
    """The cache, or an empty one when it is missing, unreadable or from another version.
    Notes made with other settings are dropped; the last build's notes are kept."""
    try:
        with path.open("rb") as f, _no_gc():
            header = pickle.load(f)
            cache = pickle.load(f)
    except Exception:  # any damage means starting afresh
        return BuildCache(settings)
    if not isinstance(header, Header) or header.version != (FORMAT, __version__) or \
            not isinstance(cache, BuildCache):
        return BuildCache(settings)
    if cache.settings != settings:
        return BuildCache(settings, packed=cache.packed)
    return cache


def save(path: Path, cache: BuildCache) -> None:
    """Atomically; a cache that cannot be written only makes the next build slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f, _no_gc():
            header = Header((FORMAT, __version__), cache.fingerprint, cache.output)
            pickle.dump(header, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(cache, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)
