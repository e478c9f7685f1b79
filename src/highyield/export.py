"""Cards to an Anki package. The only module that imports genanki.

The package is written to a temporary folder next to the output and renamed over it, so
a failed build never leaves a half-written deck, and no temporary file outlives the build.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import genanki

from highyield import notetypes
from highyield.errors import HighyieldError
from highyield.model import CardKind
from highyield.vault import display_path

if TYPE_CHECKING:
    from highyield.changes import Packed


def deck_id(name: str) -> int:
    """A stable Anki deck id from the deck name."""
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:12], 16)
    return (1 << 30) + digest % (1 << 30)


def _model(kind: CardKind) -> genanki.Model:
    spec = notetypes.BY_KIND[kind]
    return genanki.Model(
        spec.model_id, spec.name,
        fields=[{"name": f} for f in spec.fields],
        templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in spec.templates],
        css=notetypes.CSS,
        model_type=genanki.Model.CLOZE if spec.is_cloze else genanki.Model.FRONT_BACK,
    )


class _Note(genanki.Note):  # type: ignore[misc]
    """A note with its own modification time: Anki updates a note on import only when
    the incoming one is newer, so an unchanged card keeps its time and a changed one
    gets the build's."""

    def __init__(self, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def write_deck(name: str, notes: Sequence[Packed], media: dict[str, Path], out: Path,
               now: float) -> None:
    deck = genanki.Deck(deck_id(name), name)
    models = {kind.value: _model(kind) for kind in CardKind}
    for note in notes:
        deck.add_note(_Note(note.mod, model=models[note.kind], fields=list(note.fields),
                            tags=list(note.tags), guid=note.key))
    package = genanki.Package(deck, media_files=[])
    write_package(package, media, out, now)


def write_package(package: genanki.Package, media: dict[str, Path], out: Path,
                  now: float) -> None:
    """Write atomically: build in a temporary folder beside ``out``, then rename."""
    shown = display_path(out)
    if out.is_dir():
        raise HighyieldError(f"cannot write {shown}: it is a folder",
                             hint="give a file name ending in .apkg, e.g. -o USMLE.apkg")
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise HighyieldError(f"cannot write {shown}: {display_path(blocker)} is a file, "
                             "not a folder", hint="choose another path with -o PATH.apkg")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".highyield-", dir=out.parent))
    except OSError as exc:
        raise _unwritable(shown, exc) from None
    try:
        _write_zip(package, media, work, now)
        (work / "deck.apkg").replace(out)
    except OSError as exc:
        raise _unwritable(shown, exc) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_zip(package: genanki.Package, media: dict[str, Path], work: Path,
               now: float) -> None:
    db = work / "collection.anki2"
    conn = sqlite3.connect(db)
    try:
        package.write_to_db(conn.cursor(), now, itertools.count(int(now * 1000)))
        conn.commit()
    finally:
        conn.close()
    names = sorted(media)
    with zipfile.ZipFile(work / "deck.apkg", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(db, "collection.anki2")
        z.writestr("media", _media_json(names))
        for index, name in enumerate(names):
            z.write(media[name], str(index))


def _media_json(names: list[str]) -> str:
    return json.dumps({str(i): name for i, name in enumerate(names)})


def _unwritable(shown: str, exc: OSError) -> HighyieldError:
    reason = exc.strerror or str(exc)
    return HighyieldError(f"cannot write {shown}: {reason}",
                          hint="choose a folder you can write to with -o PATH.apkg; "
                               "the previous deck, if any, is untouched")
