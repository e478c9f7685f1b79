"""The identity ledger: which key each card had, and what it said when last read.

It lives in the vault, at ``.highyield/ledger.tsv``, so it travels with the notes through
sync and git. One line a card, sorted by key, in plain text: two machines that each add
cards merge without a conflict, and a diff shows which card changed. Nothing in it depends
on the time or the order of files, so the same history of notes gives the same file.

Deleting it is safe: keys then come from the cards' exact text again, so an unchanged
card keeps its key and only a card reworded since is taken for a new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from highyield.errors import Diagnostic, warning
from highyield.vault import display_path

FOLDER = ".highyield"
FILE = "ledger.tsv"
HEADER = ("# highyield identity ledger: one card a line (key, kind, highest cloze number, "
          "note, front, back).\n# Keep it with your notes; it lets a reworded card keep its "
          "key. Deleting it loses nothing else.\n")
COLUMNS = 6


@dataclass(frozen=True)
class Entry:
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


def read_ledger(vault: Path, problems: list[Diagnostic]) -> dict[str, Entry]:
    """The entries by key. A missing file is an empty ledger; a line that cannot be read
    (a bad merge, say) is skipped with a warning, and the rest is kept."""
    path = ledger_path(vault)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(warning(display_path(path), None, f"cannot read the ledger: {exc}",
                                "cards are matched by their exact text this time"))
        return {}
    entries: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        entry = _entry(line)
        if entry is None:
            problems.append(warning(display_path(path), number, "unreadable ledger line, "
                                    "skipped", "a merge conflict? keep one side of it, or "
                                    "delete the line; that card is matched by its text"))
        else:
            entries[entry.key] = entry
    return entries


def _entry(line: str) -> Entry | None:
    parts = line.split("\t")
    if len(parts) != COLUMNS or not parts[2].isdigit() or not parts[0]:
        return None
    key, kind, top, path, front, back = parts
    return Entry(key, kind, int(top), path, front, back)


def ledger_text(entries: Iterable[Entry]) -> str:
    return HEADER + "".join(e.line() + "\n" for e in sorted(entries, key=lambda e: e.key))


def write_ledger(vault: Path, entries: dict[str, Entry]) -> Diagnostic | None:
    """Write the ledger if it changed, atomically. A vault that cannot be written to gets
    a warning, not an error: the deck is still right, only rewording is not remembered."""
    path = ledger_path(vault)
    text = ledger_text(entries.values())
    try:
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return None
        path.parent.mkdir(exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".ledger-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(temp, path)
    except (OSError, UnicodeDecodeError) as exc:
        return warning(display_path(path), None, f"cannot write the ledger: {exc}",
                       "let highyield write to the vault's .highyield/ folder, or a "
                       "reworded card will be taken for a new one")
    return None
