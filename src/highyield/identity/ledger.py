"""The identity ledger: which key each card had, and what it said when last read.

It lives in the vault, at ``.highyield/ledger.tsv``, so it travels with the notes through
sync and git. One line a card and one for its context (the title, headings and parent
items it was read under: "Adverse effect: ==GI upset==" under another drug is another
fact), sorted by key, in plain text: two machines that each add
cards merge without a conflict, and a diff shows which card changed. Nothing in it depends
on the time or the order of files, so the same history of notes gives the same file.

Deleting it is safe: keys then come from the cards' exact text again, so an unchanged
card keeps its key and only a card reworded since is taken for a new one. And each build
keeps a copy on this computer, which stands in for a ledger deleted, emptied or damaged.

A note's name may hold a tab or a line break: in the ledger they are written ``\\t`` and
``\\n`` (and a backslash ``\\\\``), as its header says. A ledger without that line in its
header, written before them, is read as it was.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import re
import stat
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from highyield.errors import Diagnostic, display_path, error, escaped, warning
from highyield.paths import cache_folder, vault_name
from highyield.regular import open_regular, read_bytes
from highyield.vault.atomic import ordinary_mode, write_at, write_atomically
from highyield.vault.opening import Outside, folder_in_vault

FOLDER = ".highyield"
FILE = "ledger.tsv"
ESCAPED = ("# In note names, \\t, \\n, \\r and \\\\ stand for a tab, a line break, a return "
           "and a backslash.")
HEADER = ("# highyield identity ledger: one card a line (key, kind, highest cloze number, "
          "note, front, back), then its context (key@).\n# Keep it with your notes; it lets "
          f"a reworded card keep its key. Deleting it loses nothing else.\n{ESCAPED}\n")
COLUMNS = 6
LINES_AT_ONCE = 5000  # ledger lines encoded together when it is written
READ_AT_ONCE = 1 << 20  # bytes of a ledger read at a time
# The largest ledger read, a piece at a time (a damaged file of gigabytes is refused):
# 64 MB, the limit of other files, is 320,000 cards, or a few cards of notes near their
# 8 MB limit, and a build wrote such a ledger, then refused it (fault probe F4 of stop 24)
MAX_BYTES = 1 << 30
MAX_BAD_SAID = 1000  # unreadable lines said one by one (millions took gigabytes)
MAX_LINE = 64 << 20  # a card's line holds its text: at most a note's 8 MB, escaped
TOO_LONG = b"\xff\xfe a line over MAX_LINE"  # stands for it (the object itself)
BOM = b"\xef\xbb\xbf"  # a byte order mark
ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip takes away: a blank ledger is one of these
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPE = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ESCAPED = re.compile(r"\\([\\tnr])")
_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


class Entry(NamedTuple):
    """A ledger line. (A named tuple: fifty thousand are made in each build.)"""

    key: str
    kind: str  # CardKind value
    top: int  # the highest cloze number the card ever had; a new deletion goes above it
    path: str  # the note it was last read from
    front: str  # canonical text, as identity.canonical makes it
    back: str

    @property
    def content(self) -> str:
        return "\x1f".join((self.kind, self.front, self.back))

    def line(self) -> str:
        path = self.path
        if "\\" in path or not path.isprintable():  # rare: a tab, line break or backslash
            path = _SPECIAL.sub(lambda m: _ESCAPE[m[0]], path)
        return "\t".join((self.key, self.kind, str(self.top), path, self.front, self.back))


GONE = "gone"  # a deletion a card lost: its number and words, should it come back


def gone_key(key: str, number: int) -> str:
    """The ledger key of a card's lost deletion (never a card's key: older versions keep
    the line and match no card to it)."""
    return f"{key}#{number}"


CONTEXT = "context"  # where a card was last read: its title, headings and parent items


def context_key(key: str) -> str:
    """The ledger key of a card's context (a line of its own, which older versions keep
    and match no card to)."""
    return f"{key}@"


def is_card(entry: Entry) -> bool:
    """A card's own line, not one of its ``gone`` or ``context`` lines."""
    return entry.kind != GONE and entry.kind != CONTEXT


def ledger_path(vault: Path) -> Path:
    return vault / FOLDER / FILE


def ledger_folder(vault: Path) -> Path | None:
    """The vault's ``.highyield/`` folder, or None when it or the ledger in it is a link
    out of the vault, or it is a file."""
    return None if _refused(vault) else vault / FOLDER


def local_copy(vault: Path) -> Path:
    """This computer's copy of a vault's ledger, for when the vault's is deleted."""
    return cache_folder() / "ledgers" / f"{vault_name(vault)}.tsv"


class _Read(NamedTuple):
    entries: dict[str, Entry]
    bad: list[tuple[int, str]]  # each unreadable line: its number and what is wrong
    digest: str = ""  # the sha256 of the bytes read
    blank: bool = True  # they hold nothing but white space
    unsaid: int = 0  # unreadable lines past the first MAX_BAD_SAID, counted only


def read_ledger(vault: Path, problems: list[Diagnostic]) -> dict[str, Entry]:
    """The entries by key. A ledger that is missing, empty or damaged is made whole from
    this computer's copy, if there is one, and said so; a line that cannot be read (a
    bad merge, say) is skipped with a warning, and the rest is kept."""
    path = ledger_path(vault)
    refused = _refused(vault)
    if refused is not None:
        problems.append(refused)
        copy = _copy_read(vault)
        return {} if copy is None else copy.entries
    try:
        read = _read_file(path)
    except FileNotFoundError:
        return _missing(vault, problems)
    except OSError as exc:
        return _unreadable(vault, exc, problems)
    if read.entries and not read.bad:  # the common case
        return _caught_up(vault, read, problems)
    return _mended(vault, read, read.blank, problems)


def ledger_keys(vault: Path) -> set[str]:
    """The keys the vault's ledger (else this computer's copy) holds, read as they are,
    without a word said; none when neither can be read."""
    for path in (ledger_path(vault), local_copy(vault)):
        try:
            return set(_read_file(path).entries)
        except OSError:
            continue
    return set()


def _read_file(path: Path) -> _Read:
    """The ledger at ``path``, read a megabyte at a time: never its whole text at once
    (10 MB for 50,000 cards). Raises OSError as ``regular.read_bytes`` does."""
    with open_regular(path, MAX_BYTES) as f:
        return _parse(_chunks(f))


def _chunks(f: BinaryIO) -> Iterator[bytes]:
    """The rest of an open file, a megabyte at a time."""
    while chunk := f.read(READ_AT_ONCE):
        yield chunk


def _digest(path: Path) -> str | None:
    """The hash of the file at ``path``, read a piece at a time (None if it cannot be
    read, or is over MAX_BYTES)."""
    digest = hashlib.sha256()
    try:
        with open_regular(path, MAX_BYTES) as f:
            for chunk in _chunks(f):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _unwritten_mark(vault: Path) -> Path:
    """Beside this computer's copy: the last build could not write the vault's ledger;
    it holds a hash of the ledger the vault had then."""
    return local_copy(vault).with_suffix(".unwritten")


def _caught_up(vault: Path, read: _Read, problems: list[Diagnostic]) -> dict[str, Entry]:
    """The vault's ledger, with what the last build could not write into it (a full
    disk, a read-only folder) taken from this computer's copy: the copy wins where the
    vault's ledger is as it was then, the vault's where another computer changed it."""
    entries = read.entries
    try:
        mark = read_bytes(_unwritten_mark(vault)).decode("ascii", "replace")
    except OSError:
        return _filled(vault, read, problems)  # the common case: no mark
    copy = _copy_read(vault)
    if copy is None or not copy.entries:
        return entries
    problems.append(warning(
        display_path(ledger_path(vault)), None, "the last build could not write the "
        "ledger here; this computer's copy, written then, fills in what it missed",
        "nothing to do: the ledger is written again now"))
    if mark == read.digest:
        return {**entries, **copy.entries}
    return {**copy.entries, **entries}


def _filled(vault: Path, read: _Read, problems: list[Diagnostic]) -> dict[str, Entry]:
    """The vault's ledger, with the cards it lacks and this computer's copy has put back.
    A ledger never loses a card's line, so those were lost: cut short (a sync stopped
    half-way), overwritten, or an older ledger put back. The vault's lines win where both
    have a card: another computer may have changed them."""
    entries = read.entries
    if _digest(local_copy(vault)) in (None, read.digest):  # the common case: this very ledger
        return entries
    copied = _copy_read(vault)
    if copied is None:
        return entries
    copy = copied.entries
    lost = [key for key, e in copy.items() if key not in entries and e.kind != GONE]
    cards = sum(1 for key in lost if is_card(copy[key]))
    if not cards:
        return entries
    problems.append(warning(
        display_path(ledger_path(vault)), None, f"the ledger lacks {_lines(cards)} for cards "
        f"this computer's copy has (cut short, or an older ledger put back?); the copy "
        f"({display_path(local_copy(vault))}) fills them in", "nothing to do: the ledger in "
        "the vault is written again with them"))
    return {**entries, **{key: copy[key] for key in lost}}


def _parse(chunks: Iterable[bytes]) -> _Read:
    """The ledger in ``chunks`` (its bytes, in order), with their hash and whether they
    are blank."""
    digest = hashlib.sha256()
    blank = True

    def read() -> Iterator[bytes]:
        nonlocal blank
        for n, chunk in enumerate(chunks):
            digest.update(chunk)
            chunk = chunk.removeprefix(BOM) if n == 0 else chunk  # Windows Notepad's
            blank = blank and not chunk.strip()  # a byte order mark alone is empty too
            yield chunk

    lines = _split_lines(read())
    first = list(itertools.islice(lines, 5))
    escaped = any(line in (ESCAPED, ESCAPED.encode()) for line in first)
    entries, bad, unsaid = _entries(itertools.chain(first, lines), escaped)
    return _Read(entries, bad, digest.hexdigest(), blank, unsaid)


def _entries(lines: Iterable[str | bytes], escaped: bool
             ) -> tuple[dict[str, Entry], list[tuple[int, str]], int]:
    entries: dict[str, Entry] = {}
    bad: list[tuple[int, str]] = []
    unsaid = 0
    make = Entry._make
    # one string for each kind, path and context that many lines share (a 50,000-card
    # ledger took 15 MB less)
    shared = {CONTEXT: CONTEXT}.setdefault
    for number, raw in enumerate(lines, 1):
        parts: list[Any] = raw.split("\t") if isinstance(raw, str) else []
        if len(parts) == COLUMNS and parts[2].isdigit() and parts[0] and \
                not parts[5].endswith("\r") and "\x00" not in raw:  # most, quickly
            kind = parts[1] = shared(parts[1], parts[1])
            parts[2] = int(parts[2])
            parts[3] = shared(parts[3], parts[3])
            if kind is CONTEXT:
                parts[4] = shared(parts[4], parts[4])
            entry = make(parts)
        else:
            found = _entry(raw)
            if not isinstance(found, Entry):
                if found and len(bad) < MAX_BAD_SAID:
                    bad.append((number, found))
                else:  # past MAX_BAD_SAID, counted only
                    unsaid += bool(found)
                continue
            entry = found
        if escaped and "\\" in entry.path:
            entry = entry._replace(path=_ESCAPED.sub(lambda m: _UNESCAPE[m[1]], entry.path))
        entries[entry.key] = entry
    return entries, bad, unsaid


def _split_lines(chunks: Iterable[bytes]) -> Iterator[str | bytes]:
    """The lines of the bytes in ``chunks``, as ``split(b"\\n")`` cuts them all, decoded
    a piece at a time (never the whole text beside its bytes). A piece that is not UTF-8
    keeps its lines as bytes, for the bad ones to be found one by one."""
    pending: list[bytes] = []  # the pieces of a line not ended yet
    size = 0
    for chunk in chunks:
        end = chunk.rfind(b"\n")
        if end == -1:  # joined once the line ends: a long line is copied once, not at
            size += len(chunk)  # every piece (a gigabyte with no line break took minutes:
            pending.append(chunk)  # fault probe), and one over MAX_LINE is not kept
            if size > MAX_LINE:
                pending.clear()
            continue
        yield from _decoded_after(pending, size, chunk[:end])
        pending, size = [chunk[end + 1:]], len(chunk) - end - 1
    yield from _decoded_after(pending, size, b"")


def _decoded_after(pending: list[bytes], size: int, piece: bytes) -> list[str | bytes]:
    """The lines of ``piece``, the first of them after the ``pending`` pieces (``size``
    bytes); a line over MAX_LINE is one unreadable line, never joined."""
    head, newline, tail = piece.partition(b"\n")
    if size + len(head) <= MAX_LINE:
        return list(_decoded(b"".join([*pending, piece])))
    return [TOO_LONG, *(_decoded(tail) if newline else [])]


def _decoded(piece: bytes) -> list[str] | list[bytes]:
    try:
        return piece.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return piece.split(b"\n")


def _entry(raw: str | bytes) -> Entry | str:
    """The entry on a line; "" for a blank or comment line; else what is wrong."""
    if raw is TOO_LONG:
        return f"over {MAX_LINE >> 20} MB: damaged?"
    try:
        line = (raw if isinstance(raw, str) else raw.decode("utf-8")).rstrip("\r")
    except UnicodeDecodeError:
        return "not UTF-8"
    if not line.strip(ASCII_SPACE) or line.startswith("#"):  # spaces alone: blank too
        return ""
    if "\x00" in line:
        return "zero bytes: written over?"
    parts = line.split("\t")
    if line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
        return "a merge conflict?"
    if len(parts) != COLUMNS:
        return f"{len(parts)} {'column' if len(parts) == 1 else 'columns'}, not {COLUMNS}"
    if not parts[0]:
        return "no key in the first column"
    if not parts[2].isdigit():
        return f"the third column is not a line number ({escaped(parts[2][:20])})"
    key, kind, top, path, front, back = parts
    return Entry(key, kind, int(top), path, front, back)


def _copy_read(vault: Path) -> _Read | None:
    copy = _copy_or_why(vault)
    return copy if isinstance(copy, _Read) else None


def _copy_or_why(vault: Path) -> _Read | OSError | None:
    """This computer's copy of the ledger, or why it cannot be read (None: there is
    none, as before a first build)."""
    path = local_copy(vault)
    try:
        return _read_file(path)
    except OSError as exc:
        return exc if os.path.lexists(path) else None


def _missing(vault: Path, problems: list[Diagnostic]) -> dict[str, Entry]:
    copy = _copy_or_why(vault)
    if not isinstance(copy, _Read) or not copy.entries:
        unusable = _unusable(vault, copy)
        problems.extend([warning(
            display_path(ledger_path(vault)), None, f"the ledger was missing, and this "
            f"computer's copy of it {unusable}", "cards are matched by their exact text this "
            "time (one reworded since it was first built is taken for a new card); the "
            "ledger is written again")] if unusable else [])
        return {}
    problems.append(_told(vault, "the ledger was missing", copy) if copy.bad else warning(
        display_path(ledger_path(vault)), None, "the ledger was missing; this computer's "
        "copy from the last build is used", "keep .highyield/ with your notes (commit it "
        "to git; Obsidian Sync skips folders whose name starts with a dot)"))
    return copy.entries


def _unreadable(vault: Path, exc: OSError, problems: list[Diagnostic]) -> dict[str, Entry]:
    copy = _copy_read(vault)
    used = copy is not None and bool(copy.entries)
    problems.append(warning(
        display_path(ledger_path(vault)), None, f"cannot read the ledger: {_what(exc)}"
        + ("; this computer's copy from the last build is used" if used else ""),
        _unreadable_hint(exc) + ("" if used else "; until then cards are matched by their "
                                 "exact text")))
    return copy.entries if copy is not None and used else {}


def _what(exc: OSError) -> str:
    if exc.errno == errno.EFBIG:
        return f"{exc.strerror} (no ledger is this large: damaged?)"
    return exc.strerror or str(exc)


def _unreadable_hint(exc: OSError) -> str:
    """What to do about a ledger that could not be read, by why."""
    if exc.errno in (errno.EINVAL, errno.EISDIR):  # a folder, a pipe or a device there
        return f"move what is at .highyield/{FILE} away (the build writes the ledger there)"
    if exc.errno == errno.EFBIG:
        return "nothing to do: the ledger is written again now"
    return "let highyield read and write the vault's .highyield/ folder"


def _unusable(vault: Path, copy: _Read | OSError | None) -> str:
    """Why this computer's copy of the ledger cannot stand in for it ("" when there is
    none)."""
    if isinstance(copy, _Read):
        return "is empty"
    if copy is None:
        return ""
    return f"cannot be read either ({display_path(local_copy(vault))}: {_what(copy)})"


def _mended(vault: Path, read: _Read, blank: bool, problems: list[Diagnostic]
            ) -> dict[str, Entry]:
    """A ledger empty or with unreadable lines: the lines lost are taken from this
    computer's copy (the vault's own lines win: another computer may have changed them)."""
    shown = display_path(ledger_path(vault))
    copy = _copy_read(vault)
    fills = copy is not None and bool(copy.entries)
    for number, what in read.bad:
        problems.append(warning(shown, number, f"unreadable ledger line ({what}), skipped",
                                "nothing to do: the ledger is written again without it"
                                + ("" if fills else ", and that card is matched by its text")))
    if read.unsaid:
        problems.append(warning(shown, None, f"{read.unsaid:,} more unreadable ledger lines "
                                f"after the first {MAX_BAD_SAID:,}, skipped", "nothing to do: "
                                "the ledger is written again without them"))
    state = "the ledger is damaged" if read.bad else "the ledger is empty"
    if copy is not None and copy.bad:
        problems.append(_told(vault, state, copy))
    elif copy is not None and fills:
        problems.append(warning(shown, None, (
            f"{state}; this computer's copy from the last build is used instead"
            if not read.bad else f"{state}; this computer's copy from the last build fills in "
            "any card it lost") + f" ({display_path(local_copy(vault))})",
            "nothing to do: the ledger in the vault is written again from "
            + ("both" if read.bad else "the copy")))
    elif blank:
        problems.append(warning(shown, None, "the ledger is empty, and this computer has no "
                                "copy of it", "cards are matched by their exact text this "
                                "time (one reworded since it was first built is taken for a "
                                "new card); the ledger is written again"))
    return {**copy.entries, **read.entries} if copy is not None else read.entries


def _told(vault: Path, state: str, copy: _Read) -> Diagnostic:
    """The ledger lost lines, and this computer's copy of it is damaged too."""
    return warning(display_path(ledger_path(vault)), None,
                   f"{state}, and this computer's copy of it is damaged too "
                   f"({display_path(local_copy(vault))}, "
                   f"{_lines(len(copy.bad) + copy.unsaid)} unreadable):"
                   " the lines that could be read are used", "a card whose line was lost is "
                   "matched by its text (one reworded since it was first built is taken for a "
                   "new card); the ledger is written again")


def _lines(n: int) -> str:
    return f"{n} line" if n == 1 else f"{n} lines"


def _refused(vault: Path) -> Diagnostic | None:
    """Why no ledger is read or written in the vault, if so: this computer's copy keeps
    the cards' keys meanwhile."""
    return _outside(vault) or _not_a_folder(vault)


def _not_a_folder(vault: Path) -> Diagnostic | None:
    """A warning when the vault's ``.highyield`` is a file: the deck is right all the same."""
    folder = vault / FOLDER
    try:
        if stat.S_ISDIR(folder.stat().st_mode):
            return None
    except OSError:  # missing (made when the ledger is written), or unreadable: said then
        return None
    return warning(display_path(folder), None, f"{FOLDER} is a file, not a folder: highyield "
                   "reads and writes no ledger in it", "move the file aside (rename or "
                   "delete it); the next build makes the folder and writes the ledger there; "
                   "until then this computer's copy of the ledger keeps the cards' keys")


def _outside(vault: Path) -> Diagnostic | None:
    """An error when the ledger would be read or written outside the vault: the vault's
    ``.highyield/`` (or the ledger in it) is a link out of it."""
    path = ledger_path(vault)
    try:
        target, root = path.resolve(), vault.resolve()
    except (OSError, RuntimeError):  # a loop of links: reading and writing it fail, and say so
        return None
    if target.is_relative_to(root):
        return None
    link = path.parent if path.parent.is_symlink() else path
    where = target.parent if link == path.parent else target
    fix = "make .highyield a folder inside the vault (delete the link" if link != path \
        else f"delete the link (the ledger is a file in {FOLDER}"
    return error(display_path(link), None, f"{link.name} is a link out of the vault, to "
                 f"{where}: highyield reads and writes no ledger there", f"{fix}; the next "
                 "build writes the ledger there); until then this computer's copy of the "
                 "ledger keeps the cards' keys")

def _a_link(vault: Path) -> Diagnostic:
    folder = vault / FOLDER
    return warning(display_path(folder), None, f"{FOLDER} is a link: highyield writes no "
                   "ledger through it", f"make {FOLDER} a folder (delete the link; the next "
                   "build writes the ledger there); until then this computer's copy of the "
                   "ledger keeps the cards' keys")


def _write(vault: Path, data: Iterable[bytes]) -> None:
    """Write the ledger in the vault's ``.highyield`` folder, following no link to it."""
    folder = folder_in_vault(vault, FOLDER)
    try:
        write_at(folder, FILE, data, ordinary_mode())
    finally:
        os.close(folder)


def ledger_text(entries: Iterable[Entry]) -> str:
    return b"".join(_pieces(entries)).decode("utf-8")


def _pieces(entries: Iterable[Entry]) -> Iterator[bytes]:
    """The ledger's text, encoded, a few thousand lines at a time."""
    ordered = sorted(entries, key=attrgetter("key"))
    yield HEADER.encode("utf-8")
    for at in range(0, len(ordered), LINES_AT_ONCE):
        yield "".join([e.line() + "\n" for e in ordered[at:at + LINES_AT_ONCE]]).encode()


@contextmanager
def _spooled(vault: Path, entries: Collection[Entry]
             ) -> Iterator[Callable[[], Iterator[bytes]]]:
    """The ledger's text, made once and read back as often as it is compared and
    written, a piece at a time: from a file of its own beside this computer's copy
    (deleted as it is made), never the whole of it in memory (a 50,000-card ledger is
    10 MB); in memory when that folder takes no file (read-only, a full disk)."""
    with ExitStack() as stack:
        spool: BinaryIO | None
        try:
            folder = local_copy(vault).parent
            folder.mkdir(parents=True, exist_ok=True)
            spool = stack.enter_context(tempfile.TemporaryFile(dir=folder))
            spool.writelines(_pieces(entries))
            spool.flush()
        except OSError:
            spool = None
        if spool is None:
            kept = list(_pieces(entries))
            yield lambda: iter(kept)
        else:
            yield lambda: _read_back(spool)


def _read_back(spool: BinaryIO) -> Iterator[bytes]:
    spool.seek(0)
    yield from _chunks(spool)


def _holds(path: Path, data: Iterable[bytes]) -> bool:
    """Is the file at ``path`` the pieces ``data``, read a piece at a time? A pipe or a
    device in its place is not (``regular.open_regular``)."""
    with open_regular(path) as f:
        for piece in data:
            view = memoryview(piece)
            for at in range(0, len(view), READ_AT_ONCE):
                part = view[at:at + READ_AT_ONCE]
                if f.read(len(part)) != part:
                    return False
        return not f.read(1)



_WRITE_HINT = "let highyield write to the vault's .highyield/ folder"
_FREE = {errno.ENOSPC: "free some space on the vault's disk",
         errno.EDQUOT: "free some space (you are over your disk quota)"}


class Written(NamedTuple):
    problem: Diagnostic | None  # why the vault's ledger was not written, if so
    kept: bool  # the vault's ledger, or this computer's copy, holds the cards' identity
    uncopied: OSError | None = None  # why this computer's copy was not written, if so


def write_ledger(vault: Path, entries: dict[str, Entry]) -> Written:
    """Write the ledger if it changed, atomically, and keep this computer's copy (in the
    cache folder). A vault that cannot be written to gets a warning, not an error: the
    deck is still right, only rewording is not remembered (but for this computer's copy).
    A ledger that would be written outside the vault is not written: that is an error."""
    with _spooled(vault, entries.values()) as text:
        return _written(vault, text)


def _written(vault: Path, text: Callable[[], Iterator[bytes]]) -> Written:
    uncopied = _copy(vault, text)
    copied = uncopied is None
    path = ledger_path(vault)
    problem = _refused(vault)
    try:
        if problem is None and (not path.exists() or not _holds(path, text())):
            _write(vault, text())
    except Outside:  # a link, or it became one since it was looked at
        problem = _outside(vault) or _a_link(vault)
    except OSError as exc:
        problem = _unwritten(path, exc, copied)
        _mark_unwritten(vault, copied)
    else:
        if problem is None:
            with suppress(OSError):
                _unwritten_mark(vault).unlink(missing_ok=True)
    return Written(problem, problem is None or copied, uncopied)


def _mark_unwritten(vault: Path, copied: bool) -> None:
    """Say, beside this computer's copy, that the vault's ledger lacks this build's
    changes (and what it held then), so that the next build reads them from the copy."""
    if not copied:
        return
    held = _digest(ledger_path(vault)) or hashlib.sha256(b"").hexdigest()
    with suppress(OSError):
        write_atomically(_unwritten_mark(vault), held.encode(), ordinary_mode())


def _copy(vault: Path, text: Callable[[], Iterator[bytes]]) -> OSError | None:
    """Keep this computer's copy of the ledger; why it could not be kept, if so."""
    try:
        copy = local_copy(vault)
        if _differs(copy, text()):
            write_atomically(copy, lambda f: f.writelines(text()), ordinary_mode())
    except OSError as exc:
        return exc
    return None


def _differs(copy: Path, data: Iterable[bytes]) -> bool:
    """Is this computer's copy missing, or not ``data``? A pipe or a device in its place
    (it is highyield's own file) is replaced, never waited on."""
    try:
        return not _holds(copy, data)
    except OSError:
        return True


def _unwritten(path: Path, exc: OSError, copied: bool) -> Diagnostic:
    free = _FREE.get(exc.errno or 0)
    if exc.errno == errno.EROFS:
        free = "the vault's file system is mounted read-only: mount it read-write"
    elif exc.errno in (errno.EINVAL, errno.EISDIR):  # a folder, a pipe or a device there
        free = _unreadable_hint(exc)
    kept = "this computer's copy keeps each card's identity" if copied else \
        "a reworded card may be taken for a new one (this computer's copy could not be " \
        "saved either)"
    return warning(display_path(path), None, f"cannot write the ledger: {exc.strerror}",
                   f"{free or _WRITE_HINT}; until then {kept}")
