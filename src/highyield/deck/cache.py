"""What a deck's last build left for the next one, outside the vault (in highyield's cache
folder): each note's cards, by the note's size and modification time and by a hash of its
text, and the Anki notes the build wrote.

Losing it costs time, never cards: the next build reads every note again and gives every
note the build's time; its summary counts the cards the vault's ledger knew apart from the
new ones. A cache that cannot be saved is a warning (``deck.unsaved``).
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import secrets
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from highyield import __version__
from highyield.config import DeckConfig, settings_of
from highyield.deck.anki_notes import Packed
from highyield.deck.fields import Made
from highyield.errors import Diagnostic, Severity
from highyield.extract.dataview import NoteKeys
from highyield.identity.ledger import ledger_path
from highyield.model import Embed, SourceRef
from highyield.paths import cache_folder
from highyield.regular import open_regular
from highyield.vault.atomic import write_atomically
from highyield.vault.files import vault_files
from highyield.vault.fingerprint import FileStamp, file_stat, fingerprint
from highyield.vault.media import Outcome

FORMAT = 6
SHARDS = 32
# Where the cached classes lived before the code moved into packages: a cache written
# then still loads, so the first build after the move keeps each card's time and history.
MOVED = {"highyield.buildcache": "highyield.deck.cache",
         "highyield.changes": "highyield.deck.anki_notes",
         "highyield.pack": "highyield.deck.fields",
         "highyield.identity": "highyield.identity.subject"}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        return super().find_class(MOVED.get(module, module), name)


@dataclass(frozen=True)
class NoteCards:
    """One note's cards, as its text gave them."""

    size: int
    mtime_ns: int
    sha: str  # of the note's bytes
    made: tuple[Made, ...]
    diagnostics: tuple[Diagnostic, ...]  # from reading, parsing and extracting
    # each image and what became of it: its name in the package, or None and why not (a
    # cache written when this held the name alone reads its notes with images once again)
    embeds: tuple[tuple[Embed, Outcome], ...]
    # other notes whose headings or blocks it embeds, as (path, size, mtime_ns) when read;
    # a default, so that a cache written before this field loads as "none"
    depends: tuple[tuple[str, int, int], ...] = ()
    untestable: int = 0  # statements auto-cloze read and left out as no testable fact
    unsure: int = 0  # and those whose card scored under min_score
    # each note name it embeds and the note that name led to ("" for none): a note added,
    # renamed or moved that the name now leads to is seen
    resolves: tuple[tuple[str, str], ...] = ()
    # the key each card of ``made`` got in the last build ("" for one merged into an
    # identical card), so that a note as it was, with the ledger as the build left it,
    # needs no matching (``deck.settled``)
    keys: tuple[str, ...] = ()
    # the last build's cards, kept while the note cannot be read (not a note deleted):
    # read afresh once it can be
    kept: bool = False
    # how many of ``diagnostics`` (the first ones) came from reading the file: a note read
    # again to the same text gets those of this reading (a control character moved)
    read_said: int = 0


@dataclass
class BuildCache:
    settings: str  # the deck settings the cards were made with
    notes: dict[str, NoteCards] = field(default_factory=dict)  # by vault-relative path
    fingerprint: str = ""  # the vault and deck as the last build saw them
    output: tuple[int, int] = (0, 0)  # the .apkg's size and mtime_ns after that build
    packed: dict[str, Packed] = field(default_factory=dict)  # by key
    media: tuple[tuple[str, str, int, int], ...] = ()  # the images packed, as media_stamp
    base: tuple[int, int] = (-1, -1)  # the kept copy of the collection written, its stat
    shards: list[Shard] = field(default_factory=list)  # as loaded, to save only changes
    damaged: str = ""  # why a cache that was there could not be read, if so
    # each note's Dataview keys (``extract.dataview``), by its path, with its file stamp
    scanned: dict[str, tuple[FileStamp, NoteKeys]] = field(default_factory=dict)
    ledger: tuple[int, int] = (-1, -1)  # the vault's ledger as this build left it, its stat
    said: tuple[Diagnostic, ...] = ()  # the build's errors and warnings, for an up-to-date one

    def for_settings(self, settings: str) -> BuildCache:
        """The cache for cards made with ``settings``: its notes are dropped, to be read
        again, when they were made with others (another highyield version among them:
        its rules may make other cards); the last build's Anki notes are kept, so a card
        that comes out the same keeps its time, and Anki leaves it alone."""
        if settings == self.settings:
            return self
        return BuildCache(settings, packed=self.packed, damaged=self.damaged,
                          scanned=self.scanned)


@dataclass(frozen=True)
class Shard:
    """A part of the cache, in a file of its own: the notes whose path hashes to it, and
    the Anki notes of their cards. An edit to one note rewrites one shard."""

    file: str
    notes: dict[str, NoteCards]
    packed: dict[str, Packed]


@dataclass(frozen=True)
class Index:
    settings: str
    media: tuple[tuple[str, str, int, int], ...]
    base: tuple[int, int]
    shards: tuple[str, ...]  # file names, one per shard number
    scanned: dict[str, tuple[FileStamp, NoteKeys]] = field(default_factory=dict)
    ledger: tuple[int, int] = (-1, -1)


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


def deck_fingerprint(deck: DeckConfig, files: list[FileStamp] | None = None) -> str:
    """The vault and the deck as a build sees them: every file highyield reads, the
    ledger, the settings, the deck's name and output. ``files``: the vault as seen before
    the build read it (a note saved during the build must make the next build read it
    again)."""
    files = vault_files(deck.vault) if files is None else files
    # Without the Dataview keys found in the notes: they change only with the notes, and
    # an up-to-date deck is told before any note is read.
    deck = replace(deck, dataview=replace(deck.dataview, keys=frozenset()))
    head = (f"{settings_of(deck)}\x1e{deck.name}\x1e{deck.output}\x1e"
            f"{file_stat(ledger_path(deck.vault))!r}")
    return fingerprint(head, files)


def cache_file(deck_name: str, vault: Path) -> Path:
    """One cache per deck and vault, wherever the deck is written: a build to a new
    ``-o`` path still knows each card's history (and its time, so Anki keeps edits made
    there)."""
    name = hashlib.sha256(f"{deck_name}\x1f{vault.resolve()}".encode()).hexdigest()[:20]
    return cache_folder() / f"build-{name}.pickle"


@dataclass(frozen=True)
class Header:
    """The start of the cache file: enough to tell an up-to-date deck without loading
    the rest."""

    version: tuple[int, str]
    fingerprint: str
    output: tuple[int, int]


def up_to_date(path: Path, fingerprint: str,
               output: tuple[int, int]) -> tuple[Diagnostic, ...] | None:
    """When the deck is as its last build left it: that build's errors and warnings,
    which still stand. None when it must be built: a cache written before they were kept
    (built once more, to say them), or what it said is damaged."""
    try:
        with open_regular(path) as f:
            if _Unpickler(f).load() != Header((FORMAT, __version__), fingerprint, output):
                return None
            _Unpickler(f).load()  # the index
            said = _Unpickler(f).load()
    except Exception:  # any damage, or nothing after the index, means building afresh
        return None
    return _checked_said(said)


def _checked_said(said: object) -> tuple[Diagnostic, ...] | None:
    """What a build said, as kept: None if any of it is damaged."""
    if not isinstance(said, tuple):
        return None
    try:
        whole = all(isinstance(d, Diagnostic) and isinstance(d.path, str) and
                    isinstance(d.line, (int, type(None))) and isinstance(d.severity, Severity)
                    and isinstance(d.message, str) and isinstance(d.hint, str) and
                    isinstance(d.more, int) for d in said)
    except AttributeError:  # a Diagnostic without its fields
        return None
    return said if whole else None


@contextmanager
def collector_off() -> Iterator[None]:
    """For work over a million long-lived objects that makes no cyclic garbage (reading,
    writing or using this cache): the cyclic collector would walk them all again and
    again, for most of the time the work takes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def last_packed(deck: DeckConfig) -> dict[str, Packed]:
    """The Anki notes the deck's last build on this computer wrote, by key (read back
    from its package when the cache is lost: ``deck.recovered``)."""
    from highyield.deck.recovered import from_package

    return load(cache_file(deck.name, deck.vault)).packed or from_package(deck)


def load(path: Path) -> BuildCache:
    """The cache, or an empty one when it is missing, unreadable or of another ``FORMAT``
    (``BuildCache.for_settings`` then says which of its notes can be used)."""
    settings = ""
    try:
        with collector_off():
            header, index = _header_and_index(path)
            if not isinstance(index, Index):
                return BuildCache(settings)
            shards = [Shard(name, *_shard(path.parent / name)) for name in index.shards]
            notes = {rel: n for shard in shards for rel, n in shard.notes.items()}
            packed = {key: p for shard in shards for key, p in shard.packed.items()}
            return BuildCache(index.settings, notes, header.fingerprint, header.output,
                              packed, index.media, index.base, shards,
                              scanned=index.scanned, ledger=index.ledger)
    except (NotADirectoryError, PermissionError):  # said when it cannot be saved
        return BuildCache(settings)
    except FileNotFoundError as exc:  # none yet, or a part of it deleted
        return BuildCache(settings, damaged="" if exc.filename == str(path) else
                          f"{Path(exc.filename or '').name} is missing")
    except Exception as exc:  # any damage means starting afresh
        return BuildCache(settings, damaged=_why(exc))


def _why(exc: Exception) -> str:
    """Why the cache could not be read; naming the part, when the damage is in one."""
    if isinstance(exc, OSError):
        why = exc.strerror or type(exc).__name__
        part = Path(exc.filename).name if exc.filename else ""
        return f"{part}: {why}" if ".pickle" in part and part.count(".") > 1 else why
    return "its contents are damaged"


def _header_and_index(path: Path) -> tuple[Header, Index | None]:
    """The cache's header and index; no index (nothing to read) when the file is of
    another ``FORMAT``. What the build said comes after them, where a version that does
    not keep it never reads it."""
    with open_regular(path) as f:
        header = _Unpickler(f).load()
        if not isinstance(header, Header):
            return header, None
        if not (isinstance(header.version, tuple) and isinstance(header.fingerprint, str)
                and isinstance(header.output, tuple)):
            raise ValueError("a damaged header")
        if header.version[:1] != (FORMAT,):
            return header, None
        return header, _Unpickler(f).load()


def _shard(path: Path) -> tuple[dict[str, NoteCards], dict[str, Packed]]:
    """A shard's notes and Anki notes: one pickle, so that the text a card's fields and
    its Anki note share is written and loaded once (a shard written before held two
    pickles, and still loads)."""
    with open_regular(path) as f:
        first = _Unpickler(f).load()
        return first if isinstance(first, tuple) else (first, _Unpickler(f).load())


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8")) % SHARDS


def save(path: Path, cache: BuildCache) -> OSError | None:
    """Write the shards that changed, then the file that names them (atomically, so a
    build stopped half-way leaves the last whole cache); then drop the shards no longer
    named (no other build of the vault runs: ``vault.lock``). A cache that cannot be
    written only makes the next build slower: returns why, the shards this save wrote
    removed at once (on a full disk they would take the space the next build needs)."""
    notes: list[dict[str, NoteCards]] = [{} for _ in range(SHARDS)]
    packed: list[dict[str, Packed]] = [{} for _ in range(SHARDS)]
    for rel, n in cache.notes.items():
        notes[shard_of(rel)][rel] = n
    for key, p in cache.packed.items():
        packed[shard_of(SourceRef.parse(p.source).path)][key] = p
    old = cache.shards if len(cache.shards) == SHARDS else [None] * SHARDS
    written: list[Path] = []
    try:
        with collector_off():
            names = tuple(_shard_file(path, n, notes[n], packed[n], old[n], written)
                          for n in range(SHARDS))
            header = Header((FORMAT, __version__), cache.fingerprint, cache.output)
            _write(path, header, Index(cache.settings, cache.media, cache.base, names,
                                       cache.scanned, cache.ledger), cache.said)
    except OSError as exc:
        for new in written:
            with suppress(OSError):
                new.unlink(missing_ok=True)
        return exc
    for stale in path.parent.glob(f"{path.stem}.*.pickle"):
        if stale.name not in names:
            with suppress(OSError):  # a folder in its place, say: left, never read
                stale.unlink(missing_ok=True)
    return None


def _shard_file(path: Path, number: int, notes: dict[str, NoteCards],
                packed: dict[str, Packed], old: Shard | None, written: list[Path]) -> str:
    if old is not None and _same(old.notes, notes) and _same(old.packed, packed) and \
            (path.parent / old.file).exists():
        return old.file
    name = f"{path.stem}.{number}.{secrets.token_hex(4)}.pickle"
    _write(path.parent / name, (notes, packed))
    written.append(path.parent / name)
    return name


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The same entries, equal (most are the very same objects): nothing to write
    again."""
    return old.keys() == new.keys() and all(new[k] is v or new[k] == v for k, v in old.items())


def _write(path: Path, *objects: object) -> None:
    def dump(f: BinaryIO) -> None:
        for obj in objects:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(path, dump)
