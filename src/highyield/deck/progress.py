"""A written package given the quiz's progress (``build --with-progress``): each studied
card's schedule and review log, in the package's collection, its day 0 today.

The package is written again whole, beside its place, then renamed over it: a crash
leaves the package the build wrote.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from highyield.deck import notetypes
from highyield.errors import HighyieldError, display_path
from highyield.model import AnkiCard, RevlogRow
from highyield.vault.atomic import TEMP_SUFFIX, temp_prefix

COLLECTION = "collection.anki2"
_CLOZE_MODELS = {spec.model_id for spec in notetypes.BY_KIND.values() if spec.is_cloze}
_REVIEWED = 2  # Anki's card type of a review card, which keeps an ease


def add_progress(apkg: Path, created: int,
                 cards: Mapping[tuple[str, int], tuple[AnkiCard, Sequence[RevlogRow]]]) -> int:
    """Give the package's cards the schedules and review logs of ``cards`` (by key and
    highyield's ordinal). Returns how many of its cards got one."""
    work = Path(tempfile.mkdtemp(prefix=temp_prefix(apkg.name), suffix=TEMP_SUFFIX,
                                 dir=apkg.parent))
    try:
        with zipfile.ZipFile(apkg) as old:
            old.extract(COLLECTION, work)
            given = _schedule(work / COLLECTION, created, cards)
            with zipfile.ZipFile(work / "deck.apkg", "w", zipfile.ZIP_DEFLATED,
                                 compresslevel=1) as new:
                new.write(work / COLLECTION, COLLECTION)
                for item in old.infolist():
                    if item.filename != COLLECTION:
                        with old.open(item) as src, new.open(item.filename, "w") as dst:
                            shutil.copyfileobj(src, dst)
        (work / "deck.apkg").replace(apkg)
    except (OSError, sqlite3.Error, zipfile.BadZipFile) as exc:
        raise HighyieldError(f"cannot write the progress into {display_path(apkg)}: {exc}",
                             hint="the deck itself was written; build again") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return given


def _schedule(db_path: Path, created: int,
              cards: Mapping[tuple[str, int], tuple[AnkiCard, Sequence[RevlogRow]]]) -> int:
    db = sqlite3.connect(db_path)
    try:
        conf = json.loads(db.execute("SELECT conf FROM col").fetchone()[0])
        conf["schedVer"] = 2  # else Anki reads the log's learning answers as the old kind
        db.execute("UPDATE col SET crt = ?, conf = ?", (created, json.dumps(conf)))
        given = 0
        for cid, guid, ord_, mid in db.execute(
                "SELECT c.id, n.guid, c.ord, n.mid FROM cards c JOIN notes n ON n.id = c.nid"
                ).fetchall():
            found = cards.get((guid, ord_ + 1 if mid in _CLOZE_MODELS else ord_))
            if found is not None:
                _card(db, cid, *found)
                given += 1
        db.commit()
        return given
    finally:
        db.close()


def _card(db: sqlite3.Connection, cid: int, card: AnkiCard, rows: Sequence[RevlogRow]) -> None:
    data = {} if card.stability is None or card.difficulty is None else {
        "s": round(card.stability, 4), "d": round(card.difficulty, 3)}
    if card.last_review is not None:
        data["lrt"] = card.last_review
    db.execute("UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
               "lapses = ?, left = ?, data = ? WHERE id = ?",
               (card.type, card.queue, card.due, card.ivl,
                2500 if card.type >= _REVIEWED else 0, card.reps, card.lapses, card.left,
                json.dumps(data), cid))
    db.executemany("INSERT OR IGNORE INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, "
                   "time, type) VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                   [(r.id, cid, r.ease, r.ivl, r.last_ivl, r.factor, r.time, r.type)
                    for r in rows])
