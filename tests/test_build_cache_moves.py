"""The build cache across upgrades: one written before the code moved into packages still
loads (its pickles name the old modules), and a new version reads every note again but
keeps each unchanged card's time: losing that would make Anki rewrite every note."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from highyield import __version__
from highyield.deck import cache
from highyield.deck.anki_notes import Packed
from highyield.deck.build import build
from highyield.errors import Diagnostic, warning
from tests.anki_client import import_apkg
from tests.conftest import FIXED_NOW
from tests.test_rebuild import Project

OLD_NAMES = {b"highyield.deck.cache": b"highyield.buildcache",
             b"highyield.deck.anki_notes": b"highyield.changes"}


def _as_before_the_move(*objects: object) -> bytes:
    """Protocol 0 names each class as text, so the module can be written as it was."""
    data = b"".join(pickle.dumps(o, protocol=0) for o in objects)
    for new, old in OLD_NAMES.items():
        data = data.replace(new, old)
    return data


def test_an_old_header_still_says_up_to_date(tmp_path: Path) -> None:
    header = cache.Header((cache.FORMAT, __version__), "f" * 64, (10, 20))
    path = tmp_path / "build.pickle"
    path.write_bytes(_as_before_the_move(header, cache.Index("s", (), (-1, -1), ()), ()))
    assert b"highyield.buildcache" in path.read_bytes()
    assert cache.up_to_date(path, "f" * 64, (10, 20)) == ()
    assert cache.up_to_date(path, "e" * 64, (10, 20)) is None


def test_old_anki_notes_load(tmp_path: Path) -> None:
    note = Packed("k" * 16, "cloze", ("{{c1::a}}", "", "", ""), ("t",), 5, "a", "n.md:1")
    path = tmp_path / "shard.pickle"
    path.write_bytes(_as_before_the_move({"n.md": None}, {note.key: note}))
    assert b"highyield.changes" in path.read_bytes()
    notes, packed = cache._shard(path)
    assert notes == {"n.md": None} and packed == {note.key: note}
    assert type(packed[note.key]) is Packed


def test_a_cache_written_before_its_build_said_anything_kept_is_read_whole(
        tmp_path: Path) -> None:
    """The build's problems come after the index; a cache without them (written by the
    version before) keeps its notes and Anki notes, and so its cards' times: a new format
    would have dropped them, and Anki would overwrite edits. It is built once more, to
    say its problems; and a version before reads a cache with them whole."""
    header = cache.Header((cache.FORMAT, __version__), "f" * 64, (10, 20))
    path = tmp_path / "build.pickle"
    path.write_bytes(pickle.dumps(header) + pickle.dumps(cache.Index("s", (), (-1, -1), ())))
    loaded = cache.load(path)
    assert (loaded.settings, loaded.fingerprint, loaded.damaged) == ("s", "f" * 64, "")
    assert cache.up_to_date(path, "f" * 64, (10, 20)) is None


def test_what_a_build_said_damaged_means_building_again_not_an_internal_error(
        tmp_path: Path) -> None:
    header = cache.Header((cache.FORMAT, __version__), "f" * 64, (10, 20))
    index = cache.Index("s", (), (-1, -1), ())
    hollow = object.__new__(Diagnostic)  # its class, none of its fields: a flipped byte
    path = tmp_path / "build.pickle"
    wrong = warning("n.md", 1, "m", "h")
    object.__setattr__(wrong, "line", "1")
    for said in [(hollow,), (wrong,), ["x"]]:
        path.write_bytes(pickle.dumps(header) + pickle.dumps(index) + pickle.dumps(said))
        assert cache.up_to_date(path, "f" * 64, (10, 20)) is None
        assert cache.load(path).settings == "s"  # the rest is used
    kept = (warning("n.md", 1, "m", "h"),)
    path.write_bytes(pickle.dumps(header) + pickle.dumps(index) + pickle.dumps(kept))
    assert cache.up_to_date(path, "f" * 64, (10, 20)) == kept


def test_a_header_without_its_fields_is_a_damaged_cache(tmp_path: Path) -> None:
    path = tmp_path / "build.pickle"
    path.write_bytes(pickle.dumps(object.__new__(cache.Header)) + pickle.dumps(()))
    assert cache.up_to_date(path, "f" * 64, (10, 20)) is None
    assert cache.load(path).damaged == "its contents are damaged"


def test_a_new_version_reads_every_note_again_and_keeps_unchanged_cards_times(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another version's rules may make other cards, so every note is read again; but the
    last build's Anki notes stay, so a card that comes out the same keeps its time and
    Anki's "update if newer" import leaves it (and any edit made in Anki) alone."""
    p = Project(tmp_path, {"ALS.md": "# ALS\n- ==Riluzole== inhibits glutamate release.\n"
                                     "- Edaravone is a ==free radical scavenger==.\n"})
    _, first = p.build_and_import()
    assert len(first.cards) == 2
    mods = _mods(p)
    for module in ("highyield.config", "highyield.deck.cache"):
        monkeypatch.setattr(f"{module}.__version__", "99.0")
    built = build(p.deck, now=FIXED_NOW + 3600)
    assert built.tally is not None and built.fresh == 1  # read again, not up to date
    assert not built.changes  # no card new, updated or retired
    again = import_apkg(p.deck.output, p.anki, p.col)
    assert again.new == 0 and again.updated == 0 and len(again.cards) == 2
    assert _mods(p) == mods


def _mods(p: Project) -> dict[str, int]:
    notes = [p.col.get_note(nid) for nid in p.col.find_notes("")]
    return {note.guid: note.mod for note in notes}
