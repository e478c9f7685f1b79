"""A cold build of many notes reads them in worker processes: its deck is the deck one
process writes, byte for byte in its notes, with the same images under the same names,
the same warnings, and the same summary."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from highyield.config import folder_deck
from highyield.deck import parallel
from highyield.deck.build import Built, build
from highyield.deck.cache import NoteCards
from highyield.deck.reader import CachedReader
from tests.anki_client import import_apkg
from tests.conftest import FIXED_NOW

PNG = (Path(__file__).parent / "fixtures" / "outside.png").read_bytes()
NOTES = 240


def _vault(root: Path) -> Path:
    """Notes in chunks that different workers read: images of one name in two folders
    (the first named in its order keeps the plain name), a note embedding another's text,
    a clipped article (auto cards, and repeats of highlights), a note with a warning."""
    vault = root / "vault"
    for n in range(NOTES):
        folder = vault / f"System {n % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        image = "\n![[scan.png]]\n" if n % 50 == 49 else ""
        (folder / f"Topic {n}.md").write_text(
            f"# Topic {n}\n## Facts\n- Fact {n}: the ==answer {n}== is here.\n"
            f"  - The {n} detail has =={n} mg/dL==.\n{image}", encoding="utf-8")
        if image:
            (folder / "scan.png").write_bytes(PNG + str(n).encode())
    (vault / "System 3" / "Embeds.md").write_text(
        "# Embeds\n- The rule ![[Topic 5#Facts]] says ==five==.\n- ![[missing.png]]\n",
        encoding="utf-8")
    clips = vault / "Clippings"
    clips.mkdir()
    (clips / "Article.md").write_text(
        "---\ntags: [clippings]\nsource: https://example.org/a\n---\n# Article\n\n"
        "Riluzole, a glutamate antagonist, prolongs survival in amyotrophic lateral "
        "sclerosis by about three months. The answer 7 is here, as a fact says.\n",
        encoding="utf-8")
    return vault


def _build(vault: Path, out: Path) -> Built:
    return build(folder_deck(vault, out), now=FIXED_NOW)


def _notes(apkg: Path, folder: Path) -> list[tuple[str, ...]]:
    folder.mkdir()
    with zipfile.ZipFile(apkg) as z:
        z.extract("collection.anki2", folder)
        media = sorted(z.namelist())
    with sqlite3.connect(folder / "collection.anki2") as db:
        rows = db.execute("select guid, mid, mod, tags, flds, sfld from notes order by guid")
        return [tuple(map(str, row)) for row in rows] + [tuple(media)]


def test_many_notes_read_in_workers_make_the_deck_one_process_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if parallel.workers() < 2:
        pytest.fail("this machine offers one core: the workers cannot be tested")
    vault = _vault(tmp_path)
    monkeypatch.setattr(parallel, "MIN_NOTES", 10**9)
    alone = _build(vault, tmp_path / "alone.apkg")
    for made in (vault / ".highyield", tmp_path / "_home"):
        shutil.rmtree(made, ignore_errors=True)
    monkeypatch.setattr(parallel, "MIN_NOTES", 50)
    here: list[str] = []  # notes this process read itself (a worker's list is its own)
    afresh = CachedReader.afresh

    def spied(reader: CachedReader, path: Path, rel: str) -> NoteCards:
        here.append(rel)
        return afresh(reader, path, rel)
    monkeypatch.setattr(CachedReader, "afresh", spied)
    shared = _build(vault, tmp_path / "shared.apkg")
    # Only notes whose image a worker named otherwise (another scan.png came first here)
    assert 0 < len(here) <= 3 and all(rel.endswith(("49.md", "99.md", "149.md", "199.md"))
                                      for rel in here), here
    assert _notes(tmp_path / "alone.apkg", tmp_path / "a") == \
        _notes(tmp_path / "shared.apkg", tmp_path / "s")
    assert alone.tally is not None and shared.tally is not None
    assert alone.tally.diagnostics == shared.tally.diagnostics != ()
    assert alone.fresh == shared.fresh == NOTES + 2
    deck = import_apkg(tmp_path / "shared.apkg", tmp_path / "anki")
    assert deck.new == len(deck.cards) > 2 * NOTES
    images = sorted(m for m in deck.media if m.startswith("scan"))
    assert len(images) == 4 and "scan.png" in images
    assert any("five" in c.answer_text and "Fact 5" in c.answer_text for c in deck.cards)
