"""What highyield gave each Anki note of a deck at its last sync with a collection: the
fields and tags its build had then. ``sync-anki`` changes a note's fields only where
highyield's changed since (an edit made in Anki stays until the note changes in the
notes), and takes away only tags that were highyield's. Compared with the last build
instead, a build run between two syncs (by `build` or `watch`) hid every change it made:
the text never reached Anki, and a folder's old tag stayed as if the student's (fault
probe).

Kept in the cache folder, one file a deck and collection; losing it costs little: the
next sync compares with the deck's last build, as before this file existed.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path

from highyield.config import DeckConfig
from highyield.errors import Diagnostic, display_path, warning
from highyield.paths import cache_folder
from highyield.regular import open_regular
from highyield.review.anki.collection import NoteText
from highyield.vault.atomic import write_atomically

Given = Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]  # key -> (fields, tags)


def _file(deck: DeckConfig, collection: Path) -> Path:
    name = hashlib.sha256(f"{deck.name}\x1f{deck.vault.resolve()}\x1f"
                          f"{collection.resolve()}".encode()).hexdigest()[:20]
    return cache_folder() / f"synced-{name}.pickle"


def last_given(deck: DeckConfig, collection: Path) -> Given | None:
    """What the last sync of the deck with this collection gave its notes; None when
    there was none here, or it cannot be read."""
    try:
        with open_regular(_file(deck, collection)) as f:
            given = pickle.load(f)
    except Exception:  # missing or damaged: the caller falls back on the last build
        return None
    whole = isinstance(given, dict) and all(
        isinstance(v, tuple) and len(v) == 2 and all(isinstance(p, tuple) for p in v)
        for v in given.values())
    return given if whole else None


def keep(decks: Iterable[tuple[DeckConfig, Mapping[str, NoteText]]],
         collection: Path) -> list[Diagnostic]:
    """Remember what this sync gave each deck's notes. One that cannot be written is a
    warning: the next sync compares with the last build, which may hide a change."""
    problems = []
    for deck, texts in decks:
        given = pickle.dumps({key: (text.fields, text.tags) for key, text in texts.items()},
                             pickle.HIGHEST_PROTOCOL)
        where = _file(deck, collection)
        try:
            write_atomically(where, given)
        except OSError as exc:
            problems.append(warning(
                display_path(where), None, "cannot keep what this sync gave Anki: "
                f"{'a folder is in its place' if where.is_dir() else exc.strerror or exc}",
                "move it away, or set HIGHYIELD_HOME to a folder you may write to; until "
                "then a change a build makes before the next sync may not reach Anki"))
    return problems
