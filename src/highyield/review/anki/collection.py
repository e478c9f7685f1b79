"""A student's Anki collection, opened with the official ``anki`` package (the optional
extra ``highyield[anki]``): the only module that imports it.

It is opened only while Anki is closed (Anki holds it locked while open), read, and
written in one transaction; its schema version is the same after as before (an older
collection the package upgrades on opening is put back), and SQLite's own check passes.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from highyield.errors import HighyieldError
from highyield.model import RETIRED_TAG, AnkiCard, RevlogRow
from highyield.review.anki.cards import AnkiDay
from highyield.review.anki.failures import (
    check_after,
    damaged,
    in_use,
    no_backup,
    read_only,
    schema_version,
    unwritten,
)
from highyield.review.f32 import f32

if TYPE_CHECKING:
    from anki.collection import Collection

MARKER = "highyieldSync"  # the collection's config key: the last sync written into it
LEGACY_SCHEMA = 11  # what the package puts back when it upgraded an older collection
INSTALL = "pip install 'highyield[anki]'"


@dataclass(frozen=True)
class Found:
    """A card of the collection that a highyield card matches."""

    cid: int
    nid: int
    did: int  # its Anki deck
    card: AnkiCard
    leech: bool  # its note is tagged leech
    filtered: bool = False  # in a filtered deck: its schedule there is not its own


@dataclass(frozen=True)
class NoteText:
    """What highyield gives an Anki note: its fields and tags now, and the fields and tags
    highyield gave it before (the student's own tags are the others, and they stay; the
    fields change only when highyield's changed, so an edit made in Anki stays until the
    note changes in the notes)."""

    fields: tuple[str, ...]
    tags: tuple[str, ...]
    ours_before: tuple[str, ...]
    fields_before: tuple[str, ...] = ()
    mod: int = 0  # when highyield's build last changed the note (seconds)

    @property
    def retired(self) -> bool:
        return RETIRED_TAG in self.tags


def one_text_per_note(per_deck: Iterable[dict[str, NoteText]]) -> dict[str, NoteText]:
    """Each note's text, by key, from the decks' builds: a card one deck retired and
    another has is the other's (it is not retired)."""
    texts: dict[str, NoteText] = {}
    for deck in per_deck:
        for key, text in deck.items():
            if key not in texts or texts[key].retired:
                texts[key] = text
    return texts


@dataclass(frozen=True)
class Change:
    """What the collection gets for one card."""

    cid: int
    card: AnkiCard | None  # None: its schedule stays
    rows: tuple[RevlogRow, ...]
    leech: bool


@contextmanager
def opened(path: Path) -> Iterator[Collection]:
    """The collection, open; refused while Anki has it open. On leaving, it is closed,
    its schema version checked against the one it had, and SQLite's check run."""
    version = schema_version(path)
    col = _open(path)
    try:
        yield col
        check = str(_db(col).scalar("PRAGMA integrity_check"))  # Anki's collations
    except Exception as exc:
        if type(exc).__name__ in ("BackendIOError", "DBError", "SyncError"):
            raise unwritten(path, str(exc)) from None
        raise
    finally:
        col.close(downgrade=version == LEGACY_SCHEMA)
    check_after(path, version, check)


def _open(path: Path) -> Collection:
    try:
        from anki.collection import Collection
        from anki.errors import DBError
    except ImportError:
        raise HighyieldError("sync-anki needs the anki package, which is not installed",
                             hint=f"install it: {INSTALL}") from None
    try:
        return Collection(str(path))
    except DBError as exc:
        if "already open" in str(exc):
            raise in_use(path) from None
        if "readonly" in str(exc):
            raise read_only(path) from None
        raise damaged(path, str(exc)) from None


def day_of(col: Collection) -> AnkiDay:
    return AnkiDay(int(col.sched.today), int(col.sched.day_cutoff))


def find(col: Collection, wanted: set[tuple[str, int]], ours: frozenset[int] = frozenset()
         ) -> tuple[dict[tuple[str, int], Found], int]:
    """The collection's cards of highyield's cards, by (guid, highyield's ordinal: the
    cloze number, or 0 and 1 for the sides of a front/back card); and how many cards of
    highyield's note types (``ours``) are not among them."""
    cloze: dict[int, bool] = {}
    found: dict[tuple[str, int], Found] = {}
    others = 0
    for guid, cid, nid, did, ord_, mid, tags in _db(col).all(
            "SELECT n.guid, c.id, n.id, c.did, c.ord, n.mid, n.tags FROM cards c "
            "JOIN notes n ON n.id = c.nid"):
        if mid not in cloze:
            model = col.models.get(mid)
            cloze[mid] = model is not None and model.get("type") == 1
        ref = (guid, ord_ + 1 if cloze[mid] else ord_)
        if ref in wanted:
            card = col.get_card(cid)
            found[ref] = Found(cid, nid, did, _card(card), "leech" in str(tags).lower().split(),
                               bool(card.odid))
        else:
            others += mid in ours
    return found, others


def _card(card: Any) -> AnkiCard:
    memory = card.memory_state
    return AnkiCard(int(card.type), int(card.queue), int(card.due), int(card.ivl),
                    int(card.left), int(card.reps), int(card.lapses),
                    None if memory is None else float(memory.stability),
                    None if memory is None else float(memory.difficulty),
                    card.last_review_time)


def revlog(col: Collection, cids: set[int]) -> dict[int, list[RevlogRow]]:
    """Each card's review log, oldest first."""
    rows: dict[int, list[RevlogRow]] = {cid: [] for cid in cids}
    for row in _db(col).all("SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog "
                          "ORDER BY id"):
        if row[1] in rows:
            rows[row[1]].append(RevlogRow(*row))
    return rows


def revlog_ids(col: Collection) -> set[int]:
    return set(_db(col).list("SELECT id FROM revlog"))


def backup(col: Collection, path: Path) -> Path | None:
    """A backup as Anki makes one, in the profile's backups folder; its path. Nothing is
    written to the collection without one."""
    folder = path.parent / "backups"
    before: set[Path] = set()
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
        folder.mkdir(exist_ok=True)
        before = set(folder.iterdir())
        col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
        made = sorted(set(folder.iterdir()) - before)
        if made and made[-1].stat().st_size == 0:  # a full disk, said by no error
            raise OSError(errno.ENOSPC, "the backup is empty: a full disk?", str(made[-1]))
    except Exception as exc:
        if isinstance(exc, OSError) or type(exc).__name__.endswith(("IOError", "DBError")):
            _remove_new(folder, before)  # no half-written backup left to trust
            raise no_backup(folder, exc) from None
        raise
    return made[-1] if made else None


def _remove_new(folder: Path, before: set[Path]) -> None:
    with suppress(OSError):
        for path in set(folder.iterdir()) - before:
            with suppress(OSError):
                path.unlink()


def note_updates(col: Collection, texts: dict[int, NoteText]
                 ) -> dict[int, tuple[list[str], list[str]]]:
    """The notes whose fields or tags are to change: (fields, tags) for each. The fields
    change where highyield's changed since the last sync and its change is newer than the
    note in Anki (Anki's import rule: an edit made in Anki after it stays, whatever the
    sync remembered; fault probe). The tags
    are the note's own in Anki (``marked``, ``leech``, any the student added) and
    highyield's now; highyield's former ones go, and its retired tag whenever the card
    is not retired (another deck may have retired it). Anki's tags ignore case."""
    updates = {}
    for nid, text in texts.items():
        note = cast(Any, col).get_note(nid)
        changed = text.fields != text.fields_before and text.mod > note.mod and \
            len(text.fields) == len(note.fields)
        fields = list(text.fields) if changed else note.fields
        ours = {t.casefold() for t in (*text.ours_before, *text.tags, RETIRED_TAG)}
        kept = [t for t in note.tags if t.casefold() not in ours]
        tags = sorted({t.casefold(): t for t in (*kept, *text.tags)}.values(), key=str.lower)
        if fields != note.fields or _folded(tags) != _folded(note.tags):
            updates[nid] = (fields, tags)
    return updates


def _folded(tags: list[str]) -> list[str]:
    """Tags as Anki compares them: a tag that differs only in case is the same tag, and
    Anki writes it as the collection first had it (``cardio`` stays ``Cardio``): a case
    alone never makes a change, or each sync would update the note again."""
    return sorted(t.casefold() for t in tags)


def presets(col: Collection, decks: set[int]) -> set[int]:
    """The option presets (deck configs) of these Anki decks."""
    return {int(col.decks.config_dict_for_deck_id(did)["id"]) for did in decks}  # type: ignore[arg-type]


def write(col: Collection, changes: list[Change], marker: str,
          params: dict[int, list[float]],
          notes: dict[int, tuple[list[str], list[str]]]) -> int:
    """Every change, the FSRS parameters of each preset in ``params``, each note's new
    fields and tags and the marker, in one transaction of the collection. Returns how
    many presets got new parameters."""
    from anki.cards import FSRSMemoryState

    usn = col.usn()

    def apply() -> None:
        for change in changes:
            for r in change.rows:
                _db(col).execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, "
                                 "time, type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 r.id, r.cid, usn, r.ease, r.ivl, r.last_ivl,
                                 r.factor, r.time, r.type)
            if change.card is not None:
                _update(col, change.cid, change.card, FSRSMemoryState)
            if change.leech:
                note = cast(Any, col).get_card(change.cid).note()
                if not note.has_tag("leech"):
                    note.add_tag("leech")
                    col.update_note(note, skip_undo_entry=True)
        written[0] = _set_params(col, params)
        for nid, (fields, tags) in notes.items():
            note = cast(Any, col).get_note(nid)
            note.fields, note.tags = fields, tags
            col.update_note(note, skip_undo_entry=True)
        col.set_config(MARKER, marker)

    written = [0]
    _db(col).transact(apply)
    return written[0]


def new_params(col: Collection, params: dict[int, list[float]]) -> bool:
    """Would ``write`` give any preset other parameters?"""
    return bool(_stale(col, params))


def _stale(col: Collection, params: dict[int, list[float]]) -> list[dict[str, Any]]:
    """The presets whose parameters differ from ``params``, with the new ones set (in the
    dict only: ``_set_params`` writes them)."""
    stale = []
    for conf_id, weights in params.items():
        conf = col.decks.get_config(conf_id)  # type: ignore[arg-type]
        if conf is not None and list(map(f32, conf.get("fsrsParams6") or ())) != \
                list(map(f32, weights)):  # Anki keeps them in 32 bits (thirteenth probe)
            conf["fsrsParams6"] = weights
            stale.append(conf)
    return stale


def _set_params(col: Collection, params: dict[int, list[float]]) -> int:
    stale = _stale(col, params)
    for conf in stale:
        col.decks.update_config(conf)
    return len(stale)


def placed(col: Collection, changes: list[Change]
           ) -> tuple[list[Change], list[tuple[int, int, int]]]:
    """The changes with each answer's revlog id free in the collection, and each answer
    that had to move: (card id, its time, its id). Anki keeps one answer a millisecond,
    over all cards; a time taken (Anki's Set Due Date writes a row a millisecond for
    each card) moves the answer on to the next free one, and the store's answer must
    move with it, or the next sync takes the two for two answers (thirteenth fault
    probe: one more on each side at every sync)."""
    taken: set[int] = set()
    out, moved = [], []
    for change in changes:
        rows = []
        for r in change.rows:
            free = r.id
            while free in taken or _db(col).scalar("SELECT 1 FROM revlog WHERE id = ?", free):
                free += 1
            taken.add(free)
            if free != r.id:
                moved.append((change.cid, r.id, free))
                r = replace(r, id=free)
            rows.append(r)
        out.append(_last_review_moved(replace(change, rows=tuple(rows)), change.rows))
    return out, moved


def _last_review_moved(change: Change, before: tuple[RevlogRow, ...]) -> Change:
    """The change with its card's last review time in the second its last answer now
    has: Anki's Check Database sets it from the revlog, and an answer moved over a
    second's edge would otherwise be one second off."""
    card = change.card
    if card is None or not before or card.last_review != before[-1].id // 1000:
        return change
    return replace(change, card=replace(card, last_review=change.rows[-1].id // 1000))


def _update(col: Any, cid: int, new: AnkiCard, memory_type: Any) -> None:
    card = col.get_card(cid)
    card.type, card.queue, card.due, card.ivl = new.type, new.queue, new.due, new.ivl
    card.left, card.reps, card.lapses = new.left, new.reps, new.lapses
    if new.stability is not None and new.difficulty is not None:
        card.memory_state = memory_type(stability=new.stability, difficulty=new.difficulty)
    card.last_review_time = new.last_review
    col.update_card(card, skip_undo_entry=True)


def _db(col: Collection) -> Any:
    assert col.db is not None, "the collection is closed"
    return col.db


def marker(col: Collection) -> str | None:
    value = col.get_config(MARKER, None)
    return value if isinstance(value, str) else None
