"""A build cache written before the code moved into packages still loads: its pickles
name the old modules (highyield.buildcache, highyield.changes, highyield.pack,
highyield.identity), and losing the cache would give every card a new time in Anki."""

from __future__ import annotations

import pickle
from pathlib import Path

from highyield import __version__
from highyield.deck import cache
from highyield.deck.anki_notes import Packed

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
    path.write_bytes(_as_before_the_move(header))
    assert b"highyield.buildcache" in path.read_bytes()
    assert cache.up_to_date(path, "f" * 64, (10, 20))
    assert not cache.up_to_date(path, "e" * 64, (10, 20))


def test_old_anki_notes_load(tmp_path: Path) -> None:
    note = Packed("k" * 16, "cloze", ("{{c1::a}}", "", "", ""), ("t",), 5, "a", "n.md:1")
    path = tmp_path / "shard.pickle"
    path.write_bytes(_as_before_the_move({"n.md": None}, {note.key: note}))
    assert b"highyield.changes" in path.read_bytes()
    notes, packed = cache._pickles(path, 2)
    assert notes == {"n.md": None} and packed == {note.key: note}
    assert type(packed[note.key]) is Packed
