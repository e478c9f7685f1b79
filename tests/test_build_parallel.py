"""A cold build of many notes reads them in worker processes: its deck is the deck one
process writes, byte for byte in its notes, with the same images under the same names,
the same warnings, and the same summary."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from highyield.config import folder_deck
from highyield.deck import parallel
from highyield.deck.build import Built, build
from highyield.deck.cache import NoteCards
from highyield.deck.reader import CachedReader
from highyield.vault.media import MediaResolver, MediaSet
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
    # The workers read the notes; here, at most those whose image a worker named otherwise
    # (another scan.png came first here), as the worker had not seen that one
    assert len(here) <= 3 and all(rel.endswith(("99.md", "149.md", "199.md"))
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


def test_a_note_whose_image_a_worker_named_otherwise_is_read_again_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that had not seen the first scan.png named the second one scan.png; here
    that name is taken: the note is read here, and its card shows the image by the name
    packed."""
    vault = _vault(tmp_path)
    reader = CachedReader(folder_deck(vault, None), MediaSet(MediaResolver(vault)), {}, False)
    first, second = vault / "System 0" / "scan.png", vault / "System 1" / "scan.png"
    assert reader.media.name_again(first) == "scan.png"
    note = vault / "System 1" / "Topic 99.md"
    worker = CachedReader(reader.deck, MediaSet(MediaResolver(vault)), {}, False)
    worker.media.take_named()  # as a worker does before each note
    cards = worker.afresh(note, "System 1/Topic 99.md")
    named = worker.media.take_named()
    assert (second, "scan.png") in named
    taken = parallel._taken(reader, note, "System 1/Topic 99.md", cards, named, 1)
    assert taken is not cards and taken.made[0].fields != cards.made[0].fields
    [name] = {name for _, (name, _) in taken.embeds}
    assert name is not None and name.startswith("scan-") and \
        f'src="{name}"' in "".join(taken.made[0].fields)
    same = parallel._taken(reader, note, "System 1/Topic 99.md", taken,
                           [(second, name)], 1)
    assert same is taken  # names that agree: the worker's cards are taken as they are


def _dying_chunk(chunk: list[tuple[Path, str, NoteCards | None]]) -> object:
    """A worker killed (out of memory, say) when it takes the fourth chunk."""
    if any(rel.endswith("Topic 63.md") for _, rel, _ in chunk):
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_chunk(chunk)


_real_chunk = parallel._read_chunk


def test_a_worker_killed_leaves_the_rest_of_the_notes_to_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No hang (a pool whose worker died can wait forever): the notes not yet taken are
    read here, and the deck is the one a single process writes."""
    vault = _vault(tmp_path)
    monkeypatch.setattr(parallel, "MIN_NOTES", 10**9)
    _build(vault, tmp_path / "alone.apkg")
    for made in (vault / ".highyield", tmp_path / "_home"):
        shutil.rmtree(made, ignore_errors=True)
    monkeypatch.setattr(parallel, "MIN_NOTES", 50)
    monkeypatch.setattr(parallel, "_read_chunk", _dying_chunk)
    here: list[str] = []
    afresh = CachedReader.afresh

    def spied(reader: CachedReader, path: Path, rel: str) -> NoteCards:
        here.append(rel)
        return afresh(reader, path, rel)
    monkeypatch.setattr(CachedReader, "afresh", spied)
    started = time.monotonic()
    shared = _build(vault, tmp_path / "shared.apkg")
    assert time.monotonic() - started < 60
    assert shared.fresh == NOTES + 2 and len(here) > parallel.CHUNK
    assert _notes(tmp_path / "alone.apkg", tmp_path / "a") == \
        _notes(tmp_path / "shared.apkg", tmp_path / "s")
    assert len(import_apkg(tmp_path / "shared.apkg", tmp_path / "anki").cards) > 2 * NOTES


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Is the process there, and not a zombie waiting to be reaped?"""
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_build_killed_while_its_workers_read_leaves_no_worker_and_no_lock(
        tmp_path: Path) -> None:
    """SIGKILL of `highyield build` while its workers read notes: the workers die with it
    and never held the vault's lock, so the next build starts at once (ninth fault probe:
    orphaned workers kept the lock, and every later build and quiz waited forever)."""
    vault = tmp_path / "vault"
    for n in range(1200):
        (vault / f"S{n % 9}").mkdir(parents=True, exist_ok=True)
        (vault / f"S{n % 9}" / f"T{n}.md").write_text(
            "# T\n" + "".join(f"- Fact {n}.{i}: the ==answer {n}-{i}== is here.\n"
                              for i in range(20)))
    env = {**os.environ, "HIGHYIELD_HOME": str(tmp_path / "home")}
    args = [sys.executable, "-m", "highyield", "build", str(vault), "-o",
            str(tmp_path / "out.apkg")]
    build = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (workers := _children(build.pid)) and build.poll() is None:
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.01)
    assert workers, "the build ended before its workers were seen"
    build.kill()
    build.wait()
    deadline = time.monotonic() + 10
    try:
        while any(map(_alive, workers)):
            assert time.monotonic() < deadline, "a worker outlived its build"
            time.sleep(0.05)
    finally:  # none left behind, whatever the test found
        for worker in filter(_alive, workers):
            os.kill(worker, signal.SIGKILL)
    again = subprocess.run([*args], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "waiting for another build" not in again.stderr
    assert again.stdout.startswith("Built vault → ")
    assert len(import_apkg(tmp_path / "out.apkg", tmp_path / "anki").cards) == 1200 * 20


def test_ctrl_c_while_the_workers_start_stops_the_build_at_once(tmp_path: Path) -> None:
    """A terminal's Ctrl-C reaches every process of the build: the workers leave it to the
    build, which says it was interrupted and leaves nothing running (eleventh fault probe:
    a worker interrupted in the pool's queue left the build waiting forever)."""
    vault = tmp_path / "vault"
    for n in range(600):
        (vault / f"S{n % 9}").mkdir(parents=True, exist_ok=True)
        (vault / f"S{n % 9}" / f"T{n}.md").write_text(
            "".join(f"- Fact {n}.{i}: the ==answer {n}-{i}== is here.\n" for i in range(5)))
    env = {**os.environ, "HIGHYIELD_HOME": str(tmp_path / "home")}
    for _ in range(3):
        build = subprocess.Popen(
            [sys.executable, "-m", "highyield", "build", str(vault), "-o",
             str(tmp_path / "out.apkg")], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.monotonic() + 60
        while not (workers := _children(build.pid)) and build.poll() is None:
            assert time.monotonic() < deadline, "no worker started"
        try:
            os.killpg(build.pid, signal.SIGINT)  # the whole group, as a terminal does
            _, err = build.communicate(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(build.pid, signal.SIGKILL)
        assert build.returncode in (0, 130), err
        assert "Traceback" not in err, err
        assert not any(map(_alive, workers))
        shutil.rmtree(tmp_path / "home", ignore_errors=True)
