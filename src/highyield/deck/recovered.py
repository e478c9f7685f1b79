"""The Anki notes of the deck's own last package, read back when the build cache is lost
(deleted, damaged, another computer's cache folder, a cache folder that cannot be
written): each card keeps the time that build gave it, so Anki's import ("if newer")
leaves alone the edits made there, and a card gone from the notes is kept as retired
instead of left out. Without this, every card got the build's time (fault probe).

Only the deck's own package is read back: its collection must hold this deck. Anything
else there (another file, a damaged one) is no package, and nothing is recovered.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from highyield.config import DeckConfig
from highyield.deck import notetypes
from highyield.deck.anki_notes import TEXT_FIELDS, Packed
from highyield.identity.ledger import ledger_keys
from highyield.model import RETIRED_TAG
from highyield.regular import open_regular

MAX_COLLECTION = 2 << 30  # bytes: 50,000 cards take about 60 MB
_TAG = re.compile(r"<[^>]*>")
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", re.DOTALL)


def from_package(deck: DeckConfig) -> dict[str, Packed]:
    """The notes the deck's package at its output holds, by key, those of cards the
    vault's ledger knows; none when there is no such package, or it cannot be read."""
    return read_back(deck)[0]


def read_back(deck: DeckConfig) -> tuple[dict[str, Packed], str]:
    """``from_package``, and why a file at the output gave nothing ("" when there is
    none, or it did)."""
    try:
        with open_regular(deck.output) as raw, zipfile.ZipFile(raw) as package, \
                tempfile.TemporaryDirectory(prefix="highyield-") as work:
            if package.getinfo("collection.anki2").file_size > MAX_COLLECTION:
                return {}, "its collection is over 2 GB"  # no deck of highyield's is
            package.extract("collection.anki2", work)
            notes = _notes(Path(work) / "collection.anki2", deck.name)
    except FileNotFoundError:
        return {}, ""
    except Exception as exc:  # any damage (a bad zip, a bad collection): nothing read back
        return {}, f"it is not a package highyield wrote, or is damaged: {_what(exc)}"
    if notes is None:
        return {}, "it holds another deck"
    known = ledger_keys(deck.vault)  # not another vault's deck of the same name
    found = {key: note for key, note in notes.items() if key in known}
    return found, "" if found or not notes else "none of its cards is this vault's"


def _what(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or \
        type(exc).__name__


def _notes(collection: Path, name: str) -> dict[str, Packed] | None:
    """The package's notes of highyield's note types; None when it holds another deck."""
    from highyield.deck.export import deck_id  # genanki: only when a package is there

    kinds = {spec.model_id: kind.value for kind, spec in notetypes.BY_KIND.items()}
    db = sqlite3.connect(f"{collection.as_uri()}?mode=ro", uri=True)
    try:
        if str(deck_id(name)) not in json.loads(db.execute("SELECT decks FROM col").fetchone()[0]):
            return None
        return {guid: _packed(guid, kinds[mid], tuple(fields.split("\x1f")), tags, mod)
                for guid, mid, mod, tags, fields in db.execute(
                    "SELECT guid, mid, mod, tags, flds FROM notes")
                if mid in kinds and _whole(guid, mod, tags, fields)}
    finally:
        db.close()


def _whole(guid: object, mod: object, tags: object, fields: object) -> bool:
    """A row as highyield writes it (a damaged or foreign one is left out)."""
    return isinstance(guid, str) and bool(guid) and isinstance(tags, str) and \
        isinstance(fields, str) and isinstance(mod, int) and 0 <= mod < 1 << 31


def _packed(key: str, kind: str, fields: tuple[str, ...], tags: str, mod: int) -> Packed:
    """The note as the build that wrote it had it; its label and source (only shown, in a
    build's list of changes) from its text and its Source field's link."""
    source = _TAG.sub("", fields[-1]) if len(fields) > TEXT_FIELDS else ""
    words = tuple(tags.split())
    return Packed(key, kind, fields, words, int(mod), _line(fields[0]), html.unescape(source),
                  RETIRED_TAG in words)


def _line(field: str) -> str:
    """A field's text on one line: without markup, each cloze deletion's answer shown."""
    text = html.unescape(_TAG.sub(" ", _CLOZE.sub(r"\1", field)))
    return " ".join(text.split())
