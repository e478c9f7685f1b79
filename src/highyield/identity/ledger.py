"""The identity ledger: which key each card had, and what it said when last read.

It lives in the vault, at ``.highyield/ledger.tsv``, so it travels with the notes through
sync and git. One line a card, sorted by key, in plain text: two machines that each add
cards merge without a conflict, and a diff shows which card changed. Nothing in it depends
on the time or the order of files, so the same history of notes gives the same file.

Deleting it is safe: keys then come from the cards' exact text again, so an unchanged
card keeps its key and only a card reworded since is taken for a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from highyield.errors import Diagnostic, display_path, warning
from highyield.paths import cache_folder
from highyield.vault.atomic import ordinary_mode, write_atomically

FOLDER = ".highyield"
FILE = "ledger.tsv"
HEADER = ("# highyield identity ledger: one card a line (key, kind, highest cloze number, "
          "note, front, back).\n# Keep it with your notes; it lets a reworded card keep its "
          "key. Deleting it loses nothing else.\n")
COLUMNS = 6


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
        return "\t".join((self.key, self.kind, str(self.top), self.path, self.front,
                          self.back))


def ledger_path(vault: Path) -> Path:
    return vault / FOLDER / FILE


def local_copy(vault: Path) -> Path:
    """This computer's copy of a vault's ledger, for when the vault's is deleted."""
    name = hashlib.sha256(str(vault.resolve()).encode()).hexdigest()[:20]
    return cache_folder() / "ledgers" / f"{name}.tsv"


def read_ledger(vault: Path, problems: list[Diagnostic]) -> dict[str, Entry]:
    """The entries by key. A missing ledger is taken from this computer's copy if there
    is one (and said so); a line that cannot be read (a bad merge, say) is skipped with
    a warning, and the rest is kept."""
    path = ledger_path(vault)
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = _copy(vault, shown, problems)
    except OSError as exc:
        problems.append(warning(shown, None, f"cannot read the ledger: {exc.strerror}",
                                "cards are matched by their exact text this time"))
        return {}
    lines: list[str | bytes]
    try:
        lines = list(data.decode("utf-8").split("\n"))
    except UnicodeDecodeError:
        lines = list(data.split(b"\n"))  # find the bad lines one by one
    entries: dict[str, Entry] = {}
    for number, raw in enumerate(lines, 1):
        parts: list[str] = raw.split("\t") if isinstance(raw, str) else []
        if len(parts) == COLUMNS and parts[2].isdigit() and parts[0] and \
                not parts[5].endswith("\r"):  # the common case, quickly
            entries[parts[0]] = Entry(parts[0], parts[1], int(parts[2]), *parts[3:])
            continue
        entry = _entry(raw)
        if isinstance(entry, Entry):
            entries[entry.key] = entry
        elif entry:
            problems.append(warning(shown, number, f"unreadable ledger line ({entry}), "
                                    "skipped", "nothing to do: the ledger is written again "
                                    "without it, and that card is matched by its text"))
    return entries


def _copy(vault: Path, shown: str, problems: list[Diagnostic]) -> bytes:
    try:
        data = local_copy(vault).read_bytes()
    except OSError:
        return b""
    problems.append(warning(shown, None, "the ledger was missing; this computer's copy "
                            "from the last build is used", "keep .highyield/ with your "
                            "notes (commit it to git; Obsidian Sync skips folders whose name "
                            "starts with a dot)"))
    return data


def _entry(raw: str | bytes) -> Entry | str:
    """The entry on a line; "" for a blank or comment line; else what is wrong."""
    try:
        line = (raw if isinstance(raw, str) else raw.decode("utf-8")).rstrip("\r")
    except UnicodeDecodeError:
        return "not UTF-8"
    if not line or line.startswith("#"):
        return ""
    parts = line.split("\t")
    if len(parts) != COLUMNS or not parts[2].isdigit() or not parts[0]:
        return "a merge conflict?" if line.startswith(("<<<<<<<", "=======", ">>>>>>>")) \
            else f"{len(parts)} columns, not {COLUMNS}"
    key, kind, top, path, front, back = parts
    return Entry(key, kind, int(top), path, front, back)


def ledger_text(entries: Iterable[Entry]) -> str:
    return HEADER + "".join(e.line() + "\n" for e in sorted(entries, key=lambda e: e.key))


def write_ledger(vault: Path, entries: dict[str, Entry]) -> Diagnostic | None:
    """Write the ledger if it changed, atomically, and keep this computer's copy. A vault
    that cannot be written to gets a warning, not an error: the deck is still right,
    only rewording is not remembered."""
    data = ledger_text(entries.values()).encode("utf-8")
    path = ledger_path(vault)
    try:
        if not path.exists() or path.read_bytes() != data:
            write_atomically(path, data, ordinary_mode())
    except OSError as exc:
        return warning(display_path(path), None, f"cannot write the ledger: {exc.strerror}",
                       "let highyield write to the vault's .highyield/ folder, or a "
                       "reworded card will be taken for a new one")
    with contextlib.suppress(OSError):
        copy = local_copy(vault)
        if not copy.exists() or copy.read_bytes() != data:
            write_atomically(copy, data, ordinary_mode())
    return None
