"""Cards to an Anki package. The only module that imports genanki.

The package is written to a temporary folder next to the output and renamed over it, so
a failed build never leaves a half-written deck, and no temporary file outlives the build
(one killed half-way leaves its folder, named for the deck, to the next build's clean-up).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import json
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from highyield.config.output import refused
from highyield.deck import notetypes
from highyield.errors import HighyieldError, display_path
from highyield.model import CardKind
from highyield.vault.atomic import TEMP_SUFFIX, temp_prefix
from highyield.vault.opening import NotRegular, Outside, Refused

if TYPE_CHECKING:
    import genanki

    from highyield.deck.anki_notes import Packed
    from highyield.vault.media import MediaSet

CHUNK = 1 << 20  # an image is copied into the package a megabyte at a time

FULL = (errno.ENOSPC, errno.EDQUOT)  # no space left; over the user's quota


_CLOZE_OPENER = re.compile(r"\{\{c(\d{1,3})::")
BATCH = 1000  # notes written to the collection at a time
_NOTE_SQL = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)"
_CARD_SQL = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
_NEW_CARD = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "")  # type, queue, due … flags, data


def deck_id(name: str) -> int:
    """A stable Anki deck id from the deck name."""
    digest = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:12], 16)
    return (1 << 30) + digest % (1 << 30)


def _model(kind: CardKind) -> genanki.Model:
    import genanki  # only a new collection needs it (with asyncio: about 0.08 s to load)

    spec = notetypes.BY_KIND[kind]
    return genanki.Model(
        spec.model_id, spec.name,
        fields=[{"name": f} for f in spec.fields],
        templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in spec.templates],
        css=notetypes.CSS,
        model_type=genanki.Model.CLOZE if spec.is_cloze else genanki.Model.FRONT_BACK,
    )


@dataclass(frozen=True)
class Reuse:
    """The collection the last build wrote, and the notes that differ from it now: an
    edit to one note rewrites that note, not all 50,000."""

    base: Path
    dirty: frozenset[str]  # keys of the notes to write again


def write_deck(name: str, notes: Sequence[Packed], media: MediaSet, out: Path,
               now: float, keep: Path | None = None, reuse: Reuse | None = None,
               unsaved: list[OSError] | None = None) -> dict[str, str]:
    """Write the package. ``keep``: where to keep a copy of its collection, for the next
    build's ``reuse`` (``unsaved`` gets why, if it cannot be kept). Returns the images
    left out (they could no longer be read), with why."""

    def fill(work: Path) -> Path:
        if reuse is not None and _has_note_types(reuse.base, notes):
            with contextlib.suppress(OSError, sqlite3.Error):  # the cache's disk is full…
                return _patch(reuse, [n for n in notes if n.key in reuse.dirty], name, now)
        _fresh(work / "collection.anki2", notes, name, now)
        return work / "collection.anki2"

    return write_package(fill, media, out, keep, unsaved)


def _has_note_types(db: Path, notes: Sequence[Packed]) -> bool:
    """The last build's collection has the note type of every note (genanki writes only
    the types a deck uses: a first basic card in a deck of clozes needs a fresh one)."""
    wanted = {str(notetypes.BY_KIND[CardKind(n.kind)].model_id) for n in notes}
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT models FROM col").fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return row is not None and wanted <= set(json.loads(row[0]))


def _fresh(db: Path, notes: Sequence[Packed], name: str, now: float) -> None:
    import genanki

    deck = genanki.Deck(deck_id(name), name)
    for kind in dict.fromkeys(n.kind for n in notes):  # the types the deck uses, in order
        deck.add_model(_model(CardKind(kind)))
    ids = itertools.count(int(now * 1000))
    conn = sqlite3.connect(db)
    try:
        # a new file in the build's own folder, renamed into place only once whole: no
        # journal and no waiting for the disk, and a smaller page cache (512 KB)
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                           "PRAGMA cache_size=-512;")
        genanki.Package(deck).write_to_db(conn.cursor(), now, ids)
        _insert(conn.cursor(), notes, deck.deck_id, ids)
        conn.commit()
    finally:
        conn.close()


def _insert(cur: sqlite3.Cursor, notes: Sequence[Packed], deck: int,
            ids: Iterator[int]) -> None:
    """The notes and their cards, as genanki's ``Note.write_to_db`` writes them (the same
    rows, ids taken in the same order), a thousand notes to a statement. Each note has its
    own modification time: Anki updates a note on import only when the incoming one is
    newer, so an unchanged card keeps its time and a changed one gets the build's. Tags
    come without spaces (``extract.tags``)."""
    cards = {kind.value: _cards_of(kind) for kind in CardKind}
    models = {kind.value: notetypes.BY_KIND[kind].model_id for kind in CardKind}
    for start in range(0, len(notes), BATCH):
        note_rows: list[tuple[object, ...]] = []
        card_rows: list[tuple[object, ...]] = []
        for n in notes[start:start + BATCH]:
            nid = next(ids)
            note_rows.append((nid, n.key, models[n.kind],
                              n.mod, -1, f" {' '.join(n.tags)} ", "\x1f".join(n.fields),
                              n.fields[0], 0, 0, ""))
            card_rows.extend((next(ids), nid, deck, ord_, n.mod, -1, *_NEW_CARD)
                             for ord_ in cards[n.kind](n.fields))
        cur.executemany(_NOTE_SQL, note_rows)
        cur.executemany(_CARD_SQL, card_rows)


def _cards_of(kind: CardKind) -> Callable[[tuple[str, ...]], list[int]]:
    """The ords of a note's cards: for clozes, one per cloze number in the Text field
    (genanki's own pattern stops at the first ``}}``, so it misses the inner deletion of
    ``{{c1::a {{c2::b}}}}``, and Anki's import makes no card the package lacks); else
    each template with one of its required fields filled (``notetypes``)."""
    spec = notetypes.BY_KIND[kind]
    if spec.is_cloze:
        return lambda fields: sorted({int(n) - 1 for n in _CLOZE_OPENER.findall(fields[0])})
    return lambda fields: [ord_ for ord_, needed in enumerate(spec.required)
                           if any(fields[i] for i in needed)]


def _patch(reuse: Reuse, notes: Sequence[Packed], name: str, now: float) -> Path:
    """The last build's collection, with the dirty notes and their cards written again,
    in place (if the build stops half-way, its changed size and time tell the next build
    not to use it)."""
    conn = sqlite3.connect(reuse.base)
    try:
        cur = conn.cursor()
        cur.execute("CREATE TEMP TABLE dirty (guid TEXT PRIMARY KEY)")
        cur.executemany("INSERT INTO dirty VALUES (?)", [(k,) for k in reuse.dirty])
        cur.execute("DELETE FROM cards WHERE nid IN (SELECT id FROM notes WHERE guid IN "
                    "(SELECT guid FROM dirty))")
        cur.execute("DELETE FROM notes WHERE guid IN (SELECT guid FROM dirty)")
        top = cur.execute("SELECT max(coalesce((SELECT max(id) FROM notes), 0), "
                          "coalesce((SELECT max(id) FROM cards), 0))").fetchone()[0]
        ids = itertools.count(max(top + 1, int(now * 1000)))
        _insert(cur, notes, deck_id(name), ids)
        conn.commit()
    finally:
        conn.close()
    return reuse.base


def write_package(fill: Callable[[Path], Path], media: MediaSet, out: Path,
                  keep: Path | None = None, unsaved: list[OSError] | None = None
                  ) -> dict[str, str]:
    """Write atomically: build in a temporary folder beside ``out``, then rename. Returns
    the images left out, with why; ``unsaved`` gets why the collection was not kept."""
    shown = display_path(out)
    why = refused(out)  # as when the deck was chosen (the file may have changed since)
    if why is not None:
        raise HighyieldError(why.message, hint="choose another path with -o PATH.apkg"
                             + why.tail)
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise HighyieldError(f"cannot write {shown}: {display_path(blocker)} is a file, "
                             "not a folder", hint="choose another path with -o PATH.apkg")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=temp_prefix(out.name), suffix=TEMP_SUFFIX,
                                     dir=out.parent))
    except OSError as exc:
        raise _unwritable(shown, exc) from None
    try:
        db = fill(work)
        left_out = _write_zip(db, media, work / "deck.apkg")
        (work / "deck.apkg").replace(out)
        kept = _keep(db, keep) if keep is not None and db != keep else None
        if kept is not None and unsaved is not None:
            unsaved.append(kept)
    except (OSError, sqlite3.Error) as exc:
        raise _unwritable(shown, exc) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return left_out


def _keep(db: Path, keep: Path) -> OSError | None:
    """The collection, kept for the next build (moved if it can be); failing to keep it
    only makes that build slower. Returns why it failed: what was half-copied is gone."""
    copy = keep.with_name(f"{temp_prefix(keep.name)}copy{TEMP_SUFFIX}")
    try:
        keep.parent.mkdir(parents=True, exist_ok=True)
        # The journal of a patch stopped half-way belongs to the collection replaced now.
        keep.with_name(f"{keep.name}-journal").unlink(missing_ok=True)
        try:
            db.replace(keep)
        except OSError:  # another file system
            shutil.copyfile(db, copy)
            copy.replace(keep)
    except OSError as exc:
        for gone in (copy, keep):  # a stale copy must not be taken for this one
            with contextlib.suppress(OSError):
                gone.unlink(missing_ok=True)
        return exc
    return None


def _write_zip(db: Path, media: MediaSet, apkg: Path) -> dict[str, str]:
    """The package: the collection, then each image, read once from the file opened and
    checked (``vault.opening``). An image that can no longer be opened is left out."""
    packed: list[str] = []
    left_out: dict[str, str] = {}
    # The lightest compression: most of the gain of the default level, at a fraction of
    # the time (a 50,000-card collection compresses in 0.3 s instead of 1 s).
    with zipfile.ZipFile(apkg, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.write(db, "collection.anki2")
        for name in sorted(media.files):
            try:
                image = media.open(name)
            except (Refused, OSError) as exc:
                left_out[name] = _how(exc)
                continue
            # ZIP64 for one that grew past 2 GB since it was resolved: never a failure
            with image, z.open(str(len(packed)), "w", force_zip64=True) as entry:
                shutil.copyfileobj(image, entry, CHUNK)
            packed.append(name)
        z.writestr("media", _media_json(packed))
    return left_out


def _how(exc: Refused | OSError) -> str:
    """How an image changed since it was resolved, so that it cannot be packed."""
    if isinstance(exc, Outside):
        return "it is now a link out of the vault"
    if isinstance(exc, NotRegular):
        return f"it is now {exc.kind}"
    if isinstance(exc, Refused):
        return "a link was put in its place"
    return f"it can no longer be read: {exc.strerror or exc}"


def _media_json(names: list[str]) -> str:
    return json.dumps({str(i): name for i, name in enumerate(names)})


def _unwritable(shown: str, exc: OSError | sqlite3.Error) -> HighyieldError:
    if getattr(exc, "errno", None) in FULL or getattr(exc, "sqlite_errorname", "") == \
            "SQLITE_FULL":
        return HighyieldError(f"cannot write {shown}: the disk is full",
                              hint="free some space on that disk, then build again; the "
                                   "previous deck is untouched")
    reason = getattr(exc, "strerror", None) or str(exc)
    return HighyieldError(f"cannot write {shown}: {reason}",
                          hint="choose a folder you can write to with -o PATH.apkg; "
                               "the previous deck, if any, is untouched")
