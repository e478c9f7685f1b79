"""Builds under faults (issue 14): two builds of one vault at once, builds killed with
SIGKILL, a damaged ledger, note names with tabs and line breaks, and a ``.highyield/``
folder that links out of the vault. Processes are real: the builds run in their own
Python, and a killed build is killed with SIGKILL."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pexpect
import pytest
from anki.collection import Collection
from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import DeckConfig, folder_deck
from highyield.deck.build import Built, build
from highyield.deck.cache import cache_file
from highyield.errors import Diagnostic, HighyieldError, display_path
from highyield.identity import ledger
from highyield.identity.ledger import ledger_path, ledger_text, local_copy, read_ledger
from highyield.paths import cache_folder
from tests.anki_client import Imported, import_apkg
from tests.conftest import FIXED_NOW
from tests.test_faults_store import NOBODY
from tests.test_terminal import _highyield


def _note(n: int) -> str:
    return f"# Drug {n}\n- Drug {n} ==inhibits enzyme {n}==.\n- It causes ==effect {n}==.\n"


def _vault(root: Path, notes: int) -> Path:
    root.mkdir(parents=True)
    for n in range(notes):
        (root / f"Drug {n}.md").write_text(_note(n), encoding="utf-8")
    return root


_RUNNING: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _reap() -> Iterator[None]:
    """No child outlives its test, whatever the test found."""
    yield
    while _RUNNING:
        child = _RUNNING.pop()
        if child.poll() is None:
            child.kill()
            child.communicate()


def _child(code: str, *args: str, stdin: int | None = None, cwd: Path | None = None
           ) -> subprocess.Popen[str]:
    """A Python of its own, running ``code``, its output read by the test."""
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdin=stdin,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                             text=True)
    _RUNNING.append(child)
    return child


def _imported(deck: DeckConfig, folder: Path) -> tuple[Imported, set[int]]:
    """The deck imported into a fresh collection, and its notes' modification times."""
    folder.mkdir(parents=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        imported = import_apkg(deck.output, folder, col)
        mods = {col.get_note(nid).mod for nid in col.find_notes("")}
    finally:
        col.close()
    return imported, mods


# ------------------------------------------------------------ two builds at once

BUILDER = """
import sys
from pathlib import Path
from typing import BinaryIO
from highyield.config import folder_deck
from highyield.deck.build import build
import highyield.deck.export  # loaded now, so that both builds start at the same moment
deck = folder_deck(Path(sys.argv[1]), Path(sys.argv[2]))
print("ready", flush=True)
for line in sys.stdin:
    build(deck, now=float(line))
    print("done", flush=True)
"""
ROUNDS = 16  # before builds took a lock, one in three rounds destroyed the cache


def _builders(deck: DeckConfig) -> Iterator[subprocess.Popen[str]]:
    for _ in range(2):
        child = _child(BUILDER, str(deck.vault), str(deck.output), stdin=subprocess.PIPE)
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        yield child


def test_two_builds_at_once_leave_the_build_cache_whole(tmp_path: Path) -> None:
    deck = folder_deck(_vault(tmp_path / "vault", 60), tmp_path / "out" / "deck.apkg")
    build(deck, now=FIXED_NOW)
    before, _ = _imported(deck, tmp_path / "anki1")
    builders = list(_builders(deck))
    for round_ in range(1, ROUNDS + 1):
        stamp = time.time_ns()  # every note is read again: every part of the cache changes
        for note in deck.vault.glob("*.md"):
            os.utime(note, ns=(stamp, stamp))
        for child in builders:  # both at once, each with its own time for a new card
            assert child.stdin is not None
            child.stdin.write(f"{FIXED_NOW + round_}\n")
            child.stdin.flush()
        for child in builders:
            assert child.stdout is not None and child.stdout.readline() == "done\n"
    for child in builders:
        assert child.stdin is not None
        child.stdin.close()
        assert child.wait(10) == 0
    again = build(deck, now=FIXED_NOW + 100, force=True)
    assert (again.fresh, again.changes.items) == (0, [])  # every note from the cache
    after, mods = _imported(deck, tmp_path / "anki2")
    assert mods == {int(FIXED_NOW)}  # no card was stamped again: Anki keeps its edits
    assert sorted(c.guid for c in after.cards) == sorted(c.guid for c in before.cards)
    assert len(after.cards) == 120
    assert "Drug 7 Drug 7 [...]." in [c.question_text for c in after.by_source("Drug 7.md")]


STALLED = """
import os, sys, time
prefix, suffix = sys.argv.pop(1), sys.argv.pop(1)
real = os.replace

def replace(src, dst, *args, **kwargs):  # held here, its temporary file written
    if os.fspath(dst).startswith(prefix) and os.fspath(dst).endswith(suffix):
        print("stalled", file=sys.stderr, flush=True)
        time.sleep(60)
    real(src, dst, *args, **kwargs)

os.replace = replace
sys.argv[0] = "highyield"
from highyield.cli import main
main()
"""


def _stalled(deck: DeckConfig, where: Path, suffix: str = "") -> subprocess.Popen[str]:
    """``highyield build``, held just before it renames into place its first file whose
    path starts with ``where`` and ends with ``suffix`` (its temporary file written): a
    build in the middle of its work."""
    child = _child(STALLED, str(where), suffix, "build", str(deck.vault), "-o", str(deck.output))
    assert child.stderr is not None and child.stderr.readline() == "stalled\n"
    return child


def _killed(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL


def _temporary(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".highyield-"))


def test_a_second_build_waits_and_a_killed_builds_lock_is_freed(tmp_path: Path) -> None:
    deck = folder_deck(_vault(tmp_path / "vault", 3), tmp_path / "out" / "deck.apkg")
    build(deck, now=FIXED_NOW)
    (deck.vault / "Drug 1.md").write_text(_note(1).replace("effect 1", "effect one"))
    first = _stalled(deck, cache_folder() / "build-", ".pickle")  # writing the build cache
    second = _child("import sys; sys.argv[0] = 'highyield'; "
                    "from highyield.cli import main; main()",
                    "build", str(deck.vault), "-o", str(deck.output), cwd=tmp_path)
    assert second.stderr is not None
    assert second.stderr.readline() == \
        f"vault: waiting for another build or quiz of this vault (pid {first.pid}) to finish…\n"
    assert second.poll() is None  # still waiting
    assert _temporary(cache_folder())  # the first build's, half-written
    _killed(first)  # the operating system frees its lock
    out, err = second.communicate(timeout=30)
    assert (second.returncode, err) == (0, "")
    assert out.startswith("Built vault → out/deck.apkg: ~1 updated\n")
    assert _temporary(cache_folder()) == []  # what the killed build left is gone
    imported, _ = _imported(deck, tmp_path / "anki")
    assert "Drug 1 It causes [...]." in [c.question_text for c in imported.by_source("Drug 1.md")]
    assert any("effect one" in c.answer_text for c in imported.cards)


def test_a_build_cleans_up_what_a_killed_build_of_its_deck_left(tmp_path: Path) -> None:
    deck = folder_deck(_vault(tmp_path / "vault", 3), tmp_path / "out" / "deck.apkg")
    build(deck, now=FIXED_NOW)
    (deck.vault / "Drug 2.md").write_text(_note(2).replace("effect 2", "effect two"))
    _killed(_stalled(deck, deck.output))  # killed as it wrote the package
    assert len(_temporary(deck.output.parent)) == 1
    _killed(_stalled(deck, cache_folder() / "build-", ".pickle"))  # and as it saved the cache
    assert len(_temporary(cache_folder())) == 1
    # Another deck's and another vault's temporary files are not this build's to remove.
    others = [deck.output.parent / ".highyield-other.apkg.k2j4h5g6.tmp",
              cache_folder() / ".highyield-build-0123456789abcdef0123.pickle.a1b2c3d4.tmp"]
    others[0].mkdir()
    others[1].write_bytes(b"half")
    built = build(deck, now=FIXED_NOW + 60)
    assert [c.what for c in built.changes.items] == ["updated"]
    assert _temporary(deck.output.parent) == [others[0].name]
    assert _temporary(cache_folder()) == [others[1].name]
    imported, _ = _imported(deck, tmp_path / "anki")
    assert any("effect two" in c.answer_text for c in imported.by_source("Drug 2.md"))
    assert build(deck, now=FIXED_NOW + 120, force=True).changes.items == []
    assert cache_file(deck.name, deck.vault).exists()


# ------------------------------------------------------------ the ledger

ALS = """# ALS
- ==Riluzole== inhibits glutamate release.
- Edaravone is a ==free radical scavenger==.
"""
REWORDED = ("inhibits glutamate release", "inhibits the release of glutamate")


class Vault:
    """A vault, its deck, and one Anki collection every build is imported into."""

    def __init__(self, root: Path, notes: dict[str, str]) -> None:
        self.root = root
        self.vault = root / "vault"
        self.vault.mkdir()
        for name, text in notes.items():
            (self.vault / name).write_text(text, encoding="utf-8")
        self.deck = folder_deck(self.vault, root / "out" / "deck.apkg")
        (root / "anki").mkdir()
        self.col = Collection(str(root / "anki" / "collection.anki2"))
        self.builds = 0

    def build(self) -> tuple[Built, Imported]:
        self.builds += 1
        built = build(self.deck, now=FIXED_NOW + 60 * self.builds)
        return built, import_apkg(self.deck.output, self.root / "anki", self.col)

    def reword(self, name: str, old: str, new: str) -> None:
        path = self.vault / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    def messages(self, built: Built) -> list[tuple[str, int | None, str, str]]:
        assert built.tally is not None
        return [(d.path, d.line, d.message, d.hint) for d in built.tally.diagnostics]


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = Vault(tmp_path, {"ALS.md": ALS})
    yield v
    v.col.close()


def _reworded_after(v: Vault, damage: bytes, copy: bytes | None = None
                    ) -> tuple[Built, Imported]:
    """Build, damage the ledger (and this computer's copy), reword a card, build again."""
    v.build()
    ledger_path(v.vault).write_bytes(damage)
    if copy is not None:
        local_copy(v.vault).write_bytes(copy)
    v.reword("ALS.md", *REWORDED)
    return v.build()


@pytest.mark.parametrize("empty", [b"", b"   \n" * 500 + b"\t \r\n"])
def test_an_empty_ledger_is_taken_from_this_computers_copy(vault: Vault, empty: bytes
                                                          ) -> None:
    """Lines of white space alone are empty too (each was an unreadable line, said one by
    one: fault probe F6 of stop 24). Not a no-break space: that one is damage to say."""
    built, imported = _reworded_after(vault, empty)
    copy = local_copy(vault.vault)
    assert vault.messages(built) == [(
        display_path(ledger_path(vault.vault)), None,
        f"the ledger is empty; this computer's copy from the last build is used instead "
        f"({display_path(copy)})",
        "nothing to do: the ledger in the vault is written again from the copy")]
    assert [c.what for c in built.changes.items] == ["updated"]  # the card kept its key
    assert (imported.new, imported.updated) == (0, 1)
    assert len(imported.cards) == 2
    assert ledger_path(vault.vault).read_bytes() == copy.read_bytes()
    assert b"inhibits the release of glutamate" in copy.read_bytes()


@pytest.mark.parametrize("empty", [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n \n"])
def test_an_empty_ledger_without_a_copy_is_said(tmp_path: Path, empty: bytes) -> None:
    """A byte order mark alone (Windows Notepad's) is empty too: it was neither empty nor
    damaged, and with no copy on this computer nothing was said (second fault probe)."""
    ledger_path(tmp_path).parent.mkdir()
    ledger_path(tmp_path).write_bytes(empty)
    problems: list[Diagnostic] = []
    assert read_ledger(tmp_path, problems) == {}
    assert [d.message for d in problems] == [
        "the ledger is empty, and this computer has no copy of it"]


def test_a_ledger_of_no_break_spaces_is_damaged_not_silently_empty(vault: Vault) -> None:
    """A blank ledger is ASCII white space, as its bytes are tested; lines of no-break or
    ideographic spaces were taken for blank lines, and the ledger for neither empty nor
    damaged: no word said (fault probe)."""
    built, imported = _reworded_after(vault, "\u00a0\n\u3000\n".encode())
    said = [m for _, line, m, _ in vault.messages(built) if line is None]
    assert said == ["the ledger is damaged; this computer's copy from the last build fills "
                    f"in any card it lost ({display_path(local_copy(vault.vault))})"]
    assert (imported.new, imported.updated) == (0, 1)


def test_a_damaged_ledger_is_made_whole_from_this_computers_copy(vault: Vault) -> None:
    built, imported = _reworded_after(vault, b"\0" * 300)  # zeros, as after a crash
    shown = display_path(ledger_path(vault.vault))
    assert vault.messages(built) == [
        (shown, None, "the ledger is damaged; this computer's copy from the last build fills "
         f"in any card it lost ({display_path(local_copy(vault.vault))})",
         "nothing to do: the ledger in the vault is written again from both"),
        (shown, 1, "unreadable ledger line (zero bytes: written over?), skipped",
         "nothing to do: the ledger is written again without it")]
    assert [c.what for c in built.changes.items] == ["updated"]
    assert (imported.new, imported.updated) == (0, 1)
    assert ledger_path(vault.vault).read_bytes() == local_copy(vault.vault).read_bytes()
    again, _ = vault.build()  # the ledger was written whole: nothing of it still stands
    assert again.up_to_date and again.standing == ()


def test_a_ledger_that_lost_lines_is_filled_in_from_this_computers_copy(vault: Vault) -> None:
    """Lines cut out at line breaks (a sync stopped half-way, an older ledger put back):
    every line left reads, yet a card's is gone (twelfth fault probe: 241 cards new, no
    word said). This computer's copy has it: it fills it in, and the build says so."""
    vault.build()
    text = ledger_path(vault.vault).read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if "riluzole" not in line]
    ledger_path(vault.vault).write_text("".join(kept), encoding="utf-8")
    vault.reword("ALS.md", *REWORDED)
    built, imported = vault.build()
    assert vault.messages(built) == [(
        display_path(ledger_path(vault.vault)), None, "the ledger lacks 1 line for cards "
        "this computer's copy has (cut short, or an older ledger put back?); the copy "
        f"({display_path(local_copy(vault.vault))}) fills them in",
        "nothing to do: the ledger in the vault is written again with them")]
    assert [c.what for c in built.changes.items] == ["updated"]  # the card kept its key
    assert (imported.new, imported.updated) == (0, 1)
    assert ledger_path(vault.vault).read_bytes() == local_copy(vault.vault).read_bytes()


def test_zeros_written_over_a_ledger_line_are_damage(vault: Vault) -> None:
    """A block of zeros over lines, joined with what is left of them, could read as a
    line of six columns, and the card's line was lost without a word (twelfth fault
    probe)."""
    vault.build()
    data = ledger_path(vault.vault).read_bytes()
    start = data.index(b"riluzole") - 40
    zeros = data[:start] + b"\0" * 60 + data[start + 60:]
    built, imported = _reworded_after(vault, zeros)
    [(_, _, message, _)] = [m for m in vault.messages(built) if m[1] is not None]
    assert message == "unreadable ledger line (zero bytes: written over?), skipped"
    assert [c.what for c in built.changes.items] == ["updated"]
    assert (imported.new, imported.updated) == (0, 1)
    assert b"\0" not in ledger_path(vault.vault).read_bytes()


def test_a_line_not_utf8_is_found_in_a_ledger_read_in_pieces(
        vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger is decoded a piece at a time: a bad byte in one piece is that line's
    damage, at its own line number, and every other line is read."""
    vault.build()
    whole = read_ledger(vault.vault, [])
    data = ledger_path(vault.vault).read_bytes()
    at = data.index(b"riluzole")
    number = data[:at].count(b"\n") + 1
    key = data[data.rindex(b"\n", 0, at) + 1:].split(b"\t", 1)[0].decode()
    damaged = data[:at] + b"\xff" + data[at + 1:]
    monkeypatch.setattr(ledger, "READ_AT_ONCE", 64)  # many pieces, even in a small ledger
    os.remove(local_copy(vault.vault))  # the vault's ledger alone, as read
    ledger_path(vault.vault).write_bytes(damaged)
    problems: list[Diagnostic] = []
    assert read_ledger(vault.vault, problems) == {k: e for k, e in whole.items() if k != key}
    assert [(d.line, d.message) for d in problems if d.line] == [
        (number, "unreadable ledger line (not UTF-8), skipped")]


def test_a_ledger_over_64_mb_that_a_build_wrote_is_read_back(tmp_path: Path) -> None:
    """A few cards of notes near their 8 MB limit, or 320,000 cards, make a ledger over
    64 MB, the limit of other files: a build wrote it, and the next refused it (fault
    probe F4 of stop 24). The ledger's own limit is a gigabyte."""
    entries = {f"{n:016x}": ledger.Entry(f"{n:016x}", "cloze", 1, f"Big {n}.md",
                                        f"{{{{c1::fact {n}}}}} " + "x" * (1 << 20), "")
               for n in range(66)}
    ledger.write_ledger(tmp_path, entries)
    assert ledger_path(tmp_path).stat().st_size > 66 * (1 << 20)
    problems: list[Diagnostic] = []
    assert read_ledger(tmp_path, problems) == entries and problems == []


def test_a_ledger_line_over_64_mb_is_one_unreadable_line(tmp_path: Path) -> None:
    """300 MB with no line break (zeros, as a crash leaves them) was copied again at every
    megabyte read: minutes for the build (fault probe). Now one unreadable line, and the
    lines after it are read."""
    ledger.write_ledger(tmp_path, {"k1": ledger.Entry("k1", "cloze", 1, "a.md", "f", "b")})
    with ledger_path(tmp_path).open("r+b") as f:
        f.seek(0, os.SEEK_END)
        f.truncate(f.tell() + (300 << 20))  # sparse zeros after the last line
    with ledger_path(tmp_path).open("ab") as f:
        f.write(b"\nk2\tcloze\t1\tb.md\tfront\tback\n")
    problems: list[Diagnostic] = []
    assert list(read_ledger(tmp_path, problems)) == ["k1", "k2"]
    assert [(d.line, d.message) for d in problems if d.line] == [
        (5, "unreadable ledger line (over 64 MB: damaged?), skipped")]


def test_a_ledger_of_a_million_bad_lines_says_a_thousand_and_counts_the_rest(
        tmp_path: Path) -> None:
    """Each unreadable line was one warning kept in memory: 10 MB of short bad lines took
    3.4 GB and half a minute (second fault probe)."""
    ledger.write_ledger(tmp_path, {"k1": ledger.Entry("k1", "cloze", 1, "a.md", "f", "b")})
    with ledger_path(tmp_path).open("ab") as f:
        f.write(b"x\n" * 1_000_000)
    problems: list[Diagnostic] = []
    assert list(read_ledger(tmp_path, problems)) == ["k1"]
    lines = [d for d in problems if d.line]
    assert len(lines) == 1000 and lines[0].line == 5 and lines[-1].line == 1004
    assert [d.message for d in problems if d.line is None and "more" in d.message] == [
        "999,000 more unreadable ledger lines after the first 1,000, skipped"]


def test_a_ledger_over_a_gigabyte_is_not_read_and_the_copy_is_used(vault: Vault) -> None:
    """The ledger is read a piece at a time, but one over a gigabyte (no real ledger comes
    near: 500,000 cards take about 50 MB) is refused before any of it is read."""
    vault.build()
    with ledger_path(vault.vault).open("r+b") as f:
        f.truncate(1025 * 1024 * 1024)  # sparse: no disk is used for it
    vault.reword("ALS.md", *REWORDED)
    built, imported = vault.build()
    assert vault.messages(built) == [(
        display_path(ledger_path(vault.vault)), None, "cannot read the ledger: over 1024 MB "
        "(no ledger is this large: damaged?); this computer's copy from the last build is "
        "used", "nothing to do: the ledger is written again now")]
    assert [c.what for c in built.changes.items] == ["updated"]
    assert (imported.new, imported.updated) == (0, 1)
    assert ledger_path(vault.vault).stat().st_size < 1024 * 1024  # written again


def test_a_ledger_copy_not_kept_is_said_and_kept_by_the_next_build(vault: Vault) -> None:
    """This computer's copy of the ledger could not be written while the rest of the
    cache was: the warning names its folder (not the cache as a whole, nor says that every
    note is read again), and the next build is not "up to date" but writes the copy, so
    that a ledger lost later still has it (fault probe: a card added meanwhile came back
    new)."""
    vault.build()
    folder = local_copy(vault.vault).parent
    shutil.rmtree(folder)
    folder.write_text("not a folder")
    (vault.vault / "ALS.md").write_text(ALS + "\n- Edaravone is a ==free radical scavenger==.\n",
                                        encoding="utf-8")
    built, _ = vault.build()
    assert vault.messages(built) == [(
        display_path(folder), None, "cannot keep this computer's copy of the vault's ledger: "
        f"{display_path(folder)} is a file, not a folder", "move the file away, or set "
        "HIGHYIELD_HOME to a folder you may write to; the vault's ledger keeps each card's "
        "identity meanwhile, and each build tries again")]
    folder.unlink()
    again, _ = vault.build()
    assert again.tally is not None and vault.messages(again) == []  # not "up to date"
    assert local_copy(vault.vault).read_bytes() == ledger_path(vault.vault).read_bytes()
    ledger_path(vault.vault).unlink()
    vault.reword("ALS.md", "free radical scavenger", "free radical sweeper")
    built, imported = vault.build()
    assert [c.what for c in built.changes.items] == ["updated"]
    assert (imported.new, imported.updated) == (0, 1)


@pytest.mark.parametrize("copy", ["empty", "a pipe"])
def test_a_missing_ledger_with_a_copy_that_cannot_stand_in_says_so(
        vault: Vault, copy: str) -> None:
    """The vault's ledger is gone and this computer's copy is empty, or cannot be read:
    the build says so, and that a reworded card is taken for a new one (fault probe: it
    said the copy was used, or nothing at all)."""
    vault.build()
    ledger_path(vault.vault).unlink()
    path = local_copy(vault.vault)
    path.unlink()
    if copy == "empty":
        path.write_bytes(b"")
    else:
        os.mkfifo(path)
    vault.reword("ALS.md", *REWORDED)
    built, _ = vault.build()
    state = "is empty" if copy == "empty" else \
        f"cannot be read either ({display_path(path)}: not a regular file)"
    assert vault.messages(built) == [(
        display_path(ledger_path(vault.vault)), None, "the ledger was missing, and this "
        f"computer's copy of it {state}", "cards are matched by their exact text this time "
        "(one reworded since it was first built is taken for a new card); the ledger is "
        "written again")]
    assert sorted(c.what for c in built.changes.items) == ["new", "retired"]


def test_a_ledger_copy_not_kept_beside_an_unwritten_ledger_says_identity_may_be_lost(
        vault: Vault) -> None:
    """Neither the vault's ledger nor this computer's copy can be written (the rest of
    the cache can): the copy's warning does not say that the vault's ledger keeps the
    cards' identity."""
    vault.build()
    folder = local_copy(vault.vault).parent
    shutil.rmtree(folder)
    folder.write_text("not a folder")
    shutil.rmtree(vault.vault / ".highyield")
    (vault.vault / ".highyield").write_text("not a folder")
    vault.reword("ALS.md", *REWORDED)
    built, _ = vault.build()
    [copy] = [m for m in vault.messages(built) if m[0] == display_path(folder)]
    assert copy[3].endswith("; with the vault's ledger not written either, a reworded card "
                            "may be taken for a new one, and each build tries again")


def test_a_ledger_damaged_here_and_in_the_copy_says_both(vault: Vault) -> None:
    built, imported = _reworded_after(vault, b"\0" * 300, copy=b"garbage\n")
    shown = display_path(ledger_path(vault.vault))
    assert vault.messages(built) == [
        (shown, None, "the ledger is damaged, and this computer's copy of it is damaged too "
         f"({display_path(local_copy(vault.vault))}, 1 line unreadable): the lines that "
         "could be read are used", "a card whose line was lost is matched by its text (one "
         "reworded since it was first built is taken for a new card); the ledger is "
         "written again"),
        (shown, 1, "unreadable ledger line (zero bytes: written over?), skipped",
         "nothing to do: the ledger is written again without it, and that card is matched "
         "by its text")]
    assert [c.what for c in built.changes.items] == ["new", "retired"]
    assert (imported.new, imported.updated) == (1, 1)  # the old card is kept, retired
    assert b"\0" not in ledger_path(vault.vault).read_bytes()


def test_an_empty_ledger_without_a_copy_says_so(vault: Vault) -> None:
    vault.build()
    local_copy(vault.vault).unlink()
    ledger_path(vault.vault).write_bytes(b"")
    built, _ = vault.build()
    assert vault.messages(built) == [(
        display_path(ledger_path(vault.vault)), None,
        "the ledger is empty, and this computer has no copy of it",
        "cards are matched by their exact text this time (one reworded since it was first "
        "built is taken for a new card); the ledger is written again")]
    assert built.changes.items == []
    assert len(ledger_path(vault.vault).read_text().splitlines()) == 3 + 2 * 2  # + contexts


NAMES = ("Tab\tin name.md", "Line\nbreak.md", "Back\\slash\\t.md")


def test_note_names_with_tabs_and_line_breaks_keep_their_ledger_lines(tmp_path: Path) -> None:
    v = Vault(tmp_path, dict.fromkeys(NAMES, ALS))
    try:
        _, v1 = v.build()
        lines = [line for line in ledger_path(v.vault).read_text().split("\n")
                 if line and not line.startswith("#")]
        assert len(lines) == 6 * 2 and all(len(line.split("\t")) == 6 for line in lines)
        problems: list[Diagnostic] = []
        assert sorted({e.path for e in read_ledger(v.vault, problems).values()}) == \
            sorted(NAMES)
        assert problems == []
        assert len(v1.cards) == 6 and len(v1.by_source("Tab\tin name.md")) == 2
        # Renamed (to another name with a line break) and reworded: still the same card.
        (v.vault / NAMES[0]).rename(v.vault / "Renamed\nagain.md")
        v.reword("Renamed\nagain.md", *REWORDED)
        v.reword(NAMES[1], *REWORDED)
        built, v2 = v.build()
        assert v.messages(built) == []
        assert sorted(c.what for c in built.changes.items) == ["moved", "updated", "updated"]
        assert (v2.new, v2.updated) == (0, 3)
        assert {c.guid for c in v2.cards} == {c.guid for c in v1.cards}
        assert read_ledger(v.vault, problems) and problems == []
    finally:
        v.col.close()


def test_a_ledger_written_before_escapes_is_read_as_before(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    ledger_path(vault).parent.mkdir(parents=True)
    line = "0123456789abcdef\tcloze\t1\tBack\\tslash.md\t{{c1::a}} b\t\n"
    old = "# highyield identity ledger: …\n# Keep it with your notes …\n"
    ledger_path(vault).write_text(old + line)
    problems: list[Diagnostic] = []
    assert [e.path for e in read_ledger(vault, problems).values()] == ["Back\\tslash.md"]
    ledger_path(vault).write_text(ledger_text([]) + line)
    assert [e.path for e in read_ledger(vault, problems).values()] == ["Back\tslash.md"]
    assert problems == []


# ------------------------------------------------------------ .highyield/ out of the vault


def test_a_highyield_folder_linking_out_of_the_vault_is_refused(
        vault: Vault, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    vault.build()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (vault.vault / ".highyield" / "ledger.tsv").unlink()
    (vault.vault / ".highyield").rmdir()
    (vault.vault / ".highyield").symlink_to(elsewhere)
    vault.reword("ALS.md", *REWORDED)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out/deck.apkg"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"vault/.highyield: error: .highyield is a link out of the vault, to {elsewhere}: "
        "highyield reads and writes no ledger there\n"
        "  hint: make .highyield a folder inside the vault (delete the link; the next build "
        "writes the ledger there); until then this computer's copy of the ledger keeps the "
        "cards' keys\n")
    assert result.stdout.startswith("Built vault → out/deck.apkg: ~1 updated\n")
    assert list(elsewhere.iterdir()) == []  # nothing written outside the vault
    imported = import_apkg(vault.deck.output, tmp_path / "anki", vault.col)
    assert (imported.new, imported.updated) == (0, 1)  # kept its key, by the copy
    check = runner.invoke(cli, ["check", "vault"])
    assert check.exit_code == 1 and "vault/.highyield: error: .highyield is a link out" \
        in check.stdout
    (vault.vault / ".highyield").unlink()
    (vault.vault / ".highyield").symlink_to(tmp_path / "nowhere")  # not even made
    again = runner.invoke(cli, ["build", "vault", "-o", "out/deck.apkg", "--force"])
    assert again.exit_code == 1 and f"to {tmp_path / 'nowhere'}: " in again.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_ledger_file_linking_out_of_the_vault_is_refused_with_its_own_hint(
        vault: Vault, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """(Twelfth fault probe: the hint said to make .highyield a folder, which it was.)"""
    vault.build()
    outside = tmp_path / "outside.tsv"
    outside.write_bytes(b"")
    ledger_path(vault.vault).unlink()
    ledger_path(vault.vault).symlink_to(outside)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out/deck.apkg"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"vault/.highyield/ledger.tsv: error: ledger.tsv is a link out of the vault, to "
        f"{outside}: highyield reads and writes no ledger there\n"
        "  hint: delete the link (the ledger is a file in .highyield; the next build writes "
        "the ledger there); until then this computer's copy of the ledger keeps the cards' "
        "keys\n")
    assert outside.read_bytes() == b""
    assert len(import_apkg(tmp_path / "out" / "deck.apkg", tmp_path / "fresh").cards) == 2


def test_a_pipe_in_place_of_this_computers_ledger_copy_is_replaced(vault: Vault) -> None:
    """It is highyield's own file: replaced, never waited on nor reported as the build
    cache (twelfth fault probe)."""
    vault.build()
    copy = local_copy(vault.vault)
    copy.unlink()
    os.mkfifo(copy)
    vault.reword("ALS.md", *REWORDED)
    built, imported = vault.build()
    assert vault.messages(built) == []
    assert copy.read_bytes() == ledger_path(vault.vault).read_bytes()
    assert (imported.new, imported.updated) == (0, 1)


@pytest.mark.parametrize("fails", ["to be made", "at its first write"])
def test_a_ledger_is_written_whole_when_no_file_can_hold_its_text_meanwhile(
        vault: Vault, monkeypatch: pytest.MonkeyPatch, fails: str) -> None:
    """The ledger's text is kept in a file beside this computer's copy while it is
    compared and written; when that file cannot be made (a full disk), or fills up, the
    text is kept in memory instead, and both ledgers are written all the same."""
    vault.build()
    before = ledger_path(vault.vault).read_bytes()
    real = tempfile.TemporaryFile

    def spool(**kwargs: Any) -> _Full:
        if fails == "to be made":
            raise OSError(errno.ENOSPC, "No space left on device")
        return _Full(real(**kwargs))

    monkeypatch.setattr(tempfile, "TemporaryFile", spool)
    vault.reword("ALS.md", *REWORDED)
    built, imported = vault.build()
    assert vault.messages(built) == []
    assert (imported.new, imported.updated) == (0, 1)
    written = ledger_path(vault.vault).read_bytes()
    assert written != before and written == local_copy(vault.vault).read_bytes()
    assert REWORDED[1].encode() in written


class _Full:
    """A temporary file on a disk that fills up at the first write."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner

    def __enter__(self) -> _Full:
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.close()

    def writelines(self, lines: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_highyield_folder_swapped_for_a_link_after_the_check_is_not_written_through(
        vault: Vault, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """``.highyield`` is a folder when the build looks at it, and a link out of the vault
    by the time the ledger is written: the ledger is written through no link."""
    from highyield.identity import ledger
    vault.build()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    looked_at = ledger._refused

    def look_then_swap(root: Path) -> Diagnostic | None:
        found = looked_at(root)
        if sys._getframe(1).f_code.co_name == "_written":  # the look before writing
            shutil.rmtree(root / ".highyield")
            (root / ".highyield").symlink_to(elsewhere)
        return found

    monkeypatch.setattr(ledger, "_refused", look_then_swap)
    vault.reword("ALS.md", *REWORDED)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out/deck.apkg"])
    assert list(elsewhere.iterdir()) == []  # nothing written outside the vault
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"vault/.highyield: error: .highyield is a link out of the vault, to {elsewhere}: ")
    imported = import_apkg(vault.deck.output, tmp_path / "anki", vault.col)
    assert (imported.new, imported.updated) == (0, 1)  # kept its key, by the copy


def test_a_highyield_link_inside_the_vault_is_not_written_through(
        vault: Vault, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    vault.build()
    shutil.rmtree(vault.vault / ".highyield")
    (vault.vault / "Inside").mkdir()
    (vault.vault / ".highyield").symlink_to(vault.vault / "Inside")
    vault.reword("ALS.md", *REWORDED)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "vault", "-o", "out/deck.apkg"])
    assert (result.exit_code, result.stderr) == (0, (
        "vault/.highyield: warning: .highyield is a link: highyield writes no ledger through "
        "it\n  hint: make .highyield a folder (delete the link; the next build writes the "
        "ledger there); until then this computer's copy of the ledger keeps the cards' keys\n"
        "vault/.highyield/ledger.tsv: warning: the ledger was missing; this computer's copy "
        "from the last build is used\n  hint: keep .highyield/ with your notes (commit it to "
        "git; Obsidian Sync skips folders whose name starts with a dot)\n"))
    assert list((vault.vault / "Inside").iterdir()) == []


def test_a_highyield_file_in_place_of_the_folder_is_said_once_and_the_deck_built(
        vault: Vault, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    vault.build()
    shutil.rmtree(vault.vault / ".highyield")
    (vault.vault / ".highyield").write_text("x\n")
    vault.reword("ALS.md", *REWORDED)
    monkeypatch.chdir(tmp_path)
    said = ("vault/.highyield: warning: .highyield is a file, not a folder: highyield reads "
            "and writes no ledger in it\n"
            "  hint: move the file aside (rename or delete it); the next build makes the "
            "folder and writes the ledger there; until then this computer's copy of the "
            "ledger keeps the cards' keys\n")
    result = runner.invoke(cli, ["build", "vault", "-o", "out/deck.apkg"])
    assert (result.exit_code, result.stderr) == (0, said)
    assert result.stdout.startswith("Built vault → out/deck.apkg: ~1 updated\n")
    assert (vault.vault / ".highyield").read_text() == "x\n"
    imported = import_apkg(vault.deck.output, tmp_path / "anki", vault.col)
    assert (imported.new, imported.updated) == (0, 1)  # kept its key, by the copy
    check = runner.invoke(cli, ["check", "vault"])
    assert check.exit_code == 0 and check.stdout.startswith(said)
    (vault.vault / ".highyield").unlink()
    again = runner.invoke(cli, ["build", "vault", "-o", "out/deck.apkg", "--force"])
    assert (again.exit_code, again.stderr) == (0, (
        "vault/.highyield/ledger.tsv: warning: the ledger was missing; this computer's copy "
        "from the last build is used\n  hint: keep .highyield/ with your notes (commit it to "
        "git; Obsidian Sync skips folders whose name starts with a dot)\n"))
    assert (vault.vault / ".highyield" / "ledger.tsv").is_file()


def test_a_quiz_reading_the_notes_waits_for_a_build_of_the_vault(tmp_path: Path) -> None:
    """A quiz whose notes changed reads them and writes the ledger, as a build does: it
    takes its turn, so neither overwrites the other's ledger."""
    deck = folder_deck(_vault(tmp_path / "vault", 3), tmp_path / "out" / "deck.apkg")
    build(deck, now=FIXED_NOW)
    (deck.vault / "Drug 1.md").write_text(_note(1).replace("effect 1", "effect one"))
    first = _stalled(deck, cache_folder() / "build-", ".pickle")  # writing the build cache
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm", "NO_COLOR": "1"}
    quiz = pexpect.spawn(sys.executable, ["-c", "import sys; sys.argv[0] = 'highyield'; "
                                          "from highyield.cli import main; main()",
                                          "quiz", str(deck.vault), "--state",
                                          str(tmp_path / "reviews.sqlite3")],
                         cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30,
                         dimensions=(40, 100))
    quiz.expect_exact(f"vault: waiting for another build or quiz of this vault "
                      f"(pid {first.pid}) to finish…")
    assert quiz.expect_exact(["[...]", pexpect.TIMEOUT], timeout=1) == 1  # no card yet
    _killed(first)
    quiz.expect(r"Read vault: \d+ cards \(\d+ added\)")
    quiz.expect_exact("[...]")
    quiz.send("q")
    quiz.expect(pexpect.EOF)


# ------------------------------------------------------------ where a deck is written

PRECIOUS = "# B\n\nMy precious note.\n"
HINT_APKG = ("Anki imports .apkg files, and a build replaces the file it names; for example "
             "`output: X.apkg` (relative to this file)")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """decks/ and notes/ (a note with a card, and one without), as the current folder."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("# A\n\n- The ==aorta== is big.\n")
    (tmp_path / "notes" / "b.md").write_text(PRECIOUS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _deck_file(project: Path, output: str | None, name: str = "x") -> Path:
    path = project / "decks" / f"{name}.yaml"
    path.write_text(f"deck: {name.upper()}\nnotes: ../notes\n"
                    + (f"output: {output}\n" if output is not None else ""))
    return path


def _aorta(apkg: Path, folder: Path) -> list[str]:
    return [c.question_text for c in import_apkg(apkg, folder).cards]


def test_a_deck_files_output_must_end_in_apkg_before_anything_is_written(
        project: Path, runner: CliRunner) -> None:
    _deck_file(project, "../out/Y.apkg", "y")  # a good deck beside it is not written either
    for output, target in [("../notes/b.md", "notes/b.md"), ("../decks/x.yaml", "decks/x.yaml")]:
        deck_file = _deck_file(project, output)
        before = (project / target).read_bytes()
        for command in ("build", "check", "cards"):
            result = runner.invoke(cli, [command])
            assert (result.exit_code, result.stdout) == (2, ""), command
            assert result.stderr == (f"error: decks/x.yaml:3: `output` must end in .apkg: "
                                     f"{output}\n  hint: {HINT_APKG}\n")
        assert (project / target).read_bytes() == before
        assert deck_file.exists() and not (project / "out").exists()
    assert not cache_folder().exists()  # no cache, no lock: nothing at all was written
    _deck_file(project, "../out/X.apkg")
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0 and "Built X → out/X.apkg: +1 new\n" in result.stdout
    assert (project / "notes" / "b.md").read_text() == PRECIOUS
    assert _aorta(project / "out" / "X.apkg", project / "anki") == ["a The [...] is big."]


def test_an_output_that_is_a_device_a_pipe_or_a_folder_is_left_alone(
        project: Path, runner: CliRunner) -> None:
    os.mknod(project / "dev.apkg", 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # as /dev/null
    os.mkfifo(project / "pipe.apkg")
    (project / "folder.apkg").mkdir()
    for name, kind in [("dev", "a device"), ("pipe", "a named pipe"), ("folder", "a folder")]:
        _deck_file(project, f"../{name}.apkg")
        result = runner.invoke(cli, ["build"])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"error: decks/x.yaml:3: the output {name}.apkg is {kind}, not a deck; "
            "highyield leaves it alone\n"
            "  hint: make `output` name another .apkg (relative to this file)\n")
    (project / "decks" / "x.yaml").unlink()
    result = runner.invoke(cli, ["build", "notes", "-o", "dev.apkg"])
    assert (result.exit_code, result.stderr) == (2, (
        "error: the output dev.apkg is a device, not a deck; highyield leaves it alone\n"
        "  hint: choose another path with -o PATH.apkg\n"))
    assert stat.S_ISCHR((project / "dev.apkg").lstat().st_mode)
    assert stat.S_ISFIFO((project / "pipe.apkg").lstat().st_mode)
    assert list((project / "folder.apkg").iterdir()) == []
    assert not cache_folder().exists()


def test_an_output_that_is_a_link_is_refused_not_written_through(
        project: Path, runner: CliRunner) -> None:
    (project / "target.txt").write_text("precious\n")
    (project / "link.apkg").symlink_to("target.txt")
    (project / "real.apkg").write_bytes(b"an older deck")
    (project / "other.apkg").symlink_to("real.apkg")
    for link, target in [("link.apkg", "target.txt"), ("other.apkg", "real.apkg")]:
        result = runner.invoke(cli, ["build", "notes", "-o", link])
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"error: the output {link} is a link to {target}; highyield does not write "
            "through links\n  hint: choose another path with -o PATH.apkg, or delete the "
            "link\n")
    (project / "decks" / "X.apkg").symlink_to("../target.txt")  # a deck file's default
    _deck_file(project, None)
    result = runner.invoke(cli, ["build"])
    assert (result.exit_code, result.stderr) == (2, (
        "error: decks/x.yaml: the output decks/X.apkg is a link to target.txt; highyield "
        "does not write through links\n  hint: add an `output` line naming another .apkg "
        "(relative to this file), or delete the link\n"))
    assert (project / "target.txt").read_text() == "precious\n"
    assert (project / "real.apkg").read_bytes() == b"an older deck"
    with pytest.raises(HighyieldError, match="is a link to"):  # the same rule as it writes
        build(folder_deck(project / "notes", project / "link.apkg"), now=FIXED_NOW)
    assert (project / "target.txt").read_text() == "precious\n"
    (project / "elsewhere").mkdir()  # a link among the folders is followed, as ever
    (project / "via").symlink_to("elsewhere")
    result = runner.invoke(cli, ["build", "notes", "-o", "via/deck.apkg"])
    assert result.exit_code == 0, result.output
    assert _aorta(project / "elsewhere" / "deck.apkg", project / "anki") == \
        ["a The [...] is big."]


def test_an_output_that_is_not_an_anki_package_is_left_alone(
        project: Path, runner: CliRunner) -> None:
    """A build replaces only an Anki package: a zip holding a collection."""
    (project / "decks" / "text.apkg").write_text("my precious text\n")
    sqlite3.connect(project / "db.apkg").execute("CREATE TABLE t (x)").connection.close()
    with zipfile.ZipFile(project / "zip.apkg", "w") as z:
        z.writestr("notes.txt", "a zip, not a deck")
    before = {p.name: p.read_bytes() for p in (project / "decks" / "text.apkg",
                                               project / "db.apkg", project / "zip.apkg")}
    (project / "decks" / "d.yaml").write_text("deck: D\nnotes: ../notes\noutput: text.apkg\n")
    result = runner.invoke(cli, ["build"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", (
        "error: decks/d.yaml:3: the output decks/text.apkg is not an Anki package; "
        "highyield leaves it alone\n  hint: make `output` name another .apkg (relative to "
        "this file), or move the file aside\n"))
    (project / "decks" / "d.yaml").unlink()
    for name in ("db.apkg", "zip.apkg"):
        result = runner.invoke(cli, ["build", "notes", "-o", name])
        assert (result.exit_code, result.stderr) == (2, (
            f"error: the output {name} is not an Anki package; highyield leaves it alone\n"
            "  hint: choose another path with -o PATH.apkg, or move the file aside\n"))
    with pytest.raises(HighyieldError, match="not an Anki package"):  # as it writes, too
        build(folder_deck(project / "notes", project / "zip.apkg"), now=FIXED_NOW)
    assert {p.name: p.read_bytes() for p in (project / "decks" / "text.apkg",
                                             project / "db.apkg", project / "zip.apkg")} \
        == before
    (project / "empty.apkg").touch()  # nothing to lose
    with zipfile.ZipFile(project / "anki.apkg", "w") as z:  # as Anki 23.10 and later export
        z.writestr("collection.anki21b", b"")
    for n, name in enumerate(("empty.apkg", "anki.apkg", "anki.apkg")):  # then our own deck
        result = runner.invoke(cli, ["build", "notes", "-o", name, "--force"])
        assert result.exit_code == 0, result.output
        assert _aorta(project / name, project / f"anki-{n}") == ["a The [...] is big."]


def test_commands_that_write_no_deck_do_not_mind_where_it_goes(
        project: Path, runner: CliRunner) -> None:
    """Only build and watch look at the file a deck would be written to."""
    (project / "target.txt").write_text("precious\n")
    (project / "link.apkg").symlink_to("target.txt")
    _deck_file(project, "../link.apkg")
    assert runner.invoke(cli, ["check"]).exit_code == 0
    cards = runner.invoke(cli, ["cards"])
    assert cards.exit_code == 0 and "  The {{c1::aorta}} is big.\n" in cards.stdout
    quiz = runner.invoke(cli, ["quiz", "--state", str(project / "reviews.sqlite3")], input="q")
    assert quiz.exit_code == 0 and "Read X: 1 card (1 added)" in quiz.stderr
    build_ = runner.invoke(cli, ["build"])
    assert build_.exit_code == 2 and "decks/x.yaml:3: the output link.apkg is a link" \
        in build_.stderr
    assert (project / "target.txt").read_text() == "precious\n"


# ------------------------------------------------------------ a cache folder that cannot be written

def _unsaved(folder: str, why: str, fix: str) -> str:
    return (f"{folder}: warning: cannot save the build cache: {why}\n"
            f"  hint: {fix}; until then each build reads every note again, which is slower; "
            "the deck is complete, the vault's ledger keeps each card's identity, and "
            f"{NEW_TIMES}\n")


NEW_TIMES = ("each card's time is read back from the deck's last package (while it is there: "
             "without it, importing the deck into Anki replaces edits made there)")


KNOWN = "cards known from the ledger (none of them in this deck's last build here)"
FREE_LEFT = 48 * 1024  # room for a few shards of the cache, not for the kept collection


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 512 KB tmpfs, filled but for FREE_LEFT bytes."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], check=True)
    try:
        (disk / "home").mkdir()
        (disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(disk).free - FREE_LEFT))
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _guids(imported: Imported) -> set[str]:
    return {c.guid for c in imported.cards}


def test_a_full_disk_under_the_cache_is_said_once_and_cards_are_not_called_new(
        tmp_path: Path, full_disk: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    _vault(tmp_path / "vault", 60)
    monkeypatch.chdir(tmp_path)
    args = ["build", "vault", "-o", "out/deck.apkg"]
    assert runner.invoke(cli, args).stdout.startswith("Built vault → out/deck.apkg: +120 new")
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        first = import_apkg(tmp_path / "out" / "deck.apkg", tmp_path / "anki", col)
        monkeypatch.setenv("HIGHYIELD_HOME", str(full_disk / "home"))
        (tmp_path / "vault" / "Drug 60.md").write_text("# Drug 60\n- It causes ==effect X==.\n")
        full = _unsaved("disk/home/cache", "the disk is full", "free some space on that disk")
        # each card's time read back from the deck's package: none called "known"
        for said in ("+1 new", "no card changed"):
            result = runner.invoke(cli, args)
            assert (result.exit_code, result.stderr) == (0, full)  # once, every build
            assert result.stdout.startswith(f"Built vault → out/deck.apkg: {said}\n")
            # What the failed save wrote is gone at once: no half copy, no stray shard.
            assert _left_on(full_disk) == []
            imported = import_apkg(tmp_path / "out" / "deck.apkg", tmp_path / "anki", col)
            assert imported.new == (1 if said.startswith("+1") else 0)
            assert len(imported.cards) == 121 and _guids(first) < _guids(imported)
        (full_disk / "filler").unlink()
        freed = runner.invoke(cli, args)
        assert (freed.exit_code, freed.stderr) == (0, "")
        assert freed.stdout.startswith("Built vault → out/deck.apkg: no card changed\n")
        assert runner.invoke(cli, args).stdout.endswith(": up to date (nothing changed since "
                                                        "the last build; --force rebuilds)\n")
        again = import_apkg(tmp_path / "out" / "deck.apkg", tmp_path / "anki", col)
        assert (again.new, len(again.cards)) == (0, 121)
        assert "Drug 60 It causes [...]." in [c.question_text for c in again.cards]
    finally:
        col.close()


def _left_on(disk: Path) -> list[str]:
    """The files on the disk but the filler, this computer's copy of the ledger (if it
    fitted) and the vault's lock."""
    return sorted(p.name for p in disk.rglob("*") if p.is_file() and p.name != "filler"
                  and p.suffix not in (".tsv", ".lock"))


def test_a_second_computer_knows_the_cards_from_the_vaults_ledger(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same vault with its ledger, elsewhere, with a fresh HIGHYIELD_HOME: its cards
    are known, not new; importing them changes no GUID."""
    _vault(tmp_path / "one" / "vault", 3)
    monkeypatch.chdir(tmp_path / "one")
    assert runner.invoke(cli, ["build", "vault", "-o", "deck.apkg"]).stdout.startswith(
        "Built vault → deck.apkg: +6 new\n")
    shutil.copytree(tmp_path / "one" / "vault", tmp_path / "two" / "vault")  # synced
    (tmp_path / "two" / "vault" / "Drug 1.md").write_text(_note(1) + "- And ==a new one==.\n")
    monkeypatch.setenv("HIGHYIELD_HOME", str(tmp_path / "second computer"))
    monkeypatch.chdir(tmp_path / "two")
    result = runner.invoke(cli, ["build", "vault", "-o", "deck.apkg", "-v"])
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == f"Built vault → deck.apkg: +1 new, 6 {KNOWN}"
    assert lines[2:] == [*(f"  = known    Drug {n}.md:{line}  {text}"
                           for n in (0, 1) for line, text in
                           [(2, f"Drug {n} {{{{c1::inhibits enzyme {n}}}}}."),
                            (3, f"It causes {{{{c1::effect {n}}}}}.")]),
                         "  + new      Drug 1.md:4  And {{c1::a new one}}.",
                         "  = known    Drug 2.md:2  Drug 2 {{c1::inhibits enzyme 2}}.",
                         "  = known    Drug 2.md:3  It causes {{c1::effect 2}}."]
    first = import_apkg(tmp_path / "one" / "deck.apkg", tmp_path / "anki")
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        second = import_apkg(tmp_path / "two" / "deck.apkg", tmp_path / "anki", col)
    finally:
        col.close()
    assert (second.new, len(second.cards)) == (1, 7)
    assert _guids(first) < _guids(second)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder of root's (mode 0755) that the user nobody can reach, as pytest's own
    folders are not: a vault of nobody's in it, and homes for highyield."""
    root = Path(tempfile.mkdtemp(prefix="highyield-unsaved-", dir="/tmp"))
    try:
        root.chmod(0o755)
        _vault(root / "vault", 10)
        (root / "out").mkdir()
        for path in [root / "vault", *(root / "vault").iterdir(), root / "out"]:
            os.chown(path, 65534, 65534)
        yield root
    finally:
        shutil.rmtree(root)


def _build_as_nobody(shared: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HIGHYIELD_HOME": str(home), "HOME": str(shared),
           "TMPDIR": str(shared / "out"), "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run([*NOBODY, _highyield(), "build", "vault", "-o", "out/deck.apkg"],
                          cwd=shared, env=env, capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)


def test_a_home_nobody_may_write_is_said_once_and_cards_are_not_called_new(
        shared: Path, tmp_path: Path) -> None:
    mine = shared / "mine"
    mine.mkdir()
    os.chown(mine, 65534, 65534)
    built = _build_as_nobody(shared, mine)
    assert (built.returncode, built.stderr) == (0, "")
    assert built.stdout.startswith("Built vault → out/deck.apkg: +20 new\n")
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        first = import_apkg(shared / "out" / "deck.apkg", tmp_path / "anki", col)
        (shared / "roots").mkdir()  # root's, mode 0755
        (shared / "home.txt").write_text("not a folder\n")
        (shared / "locked").mkdir(mode=0o700)  # cannot even be reached
        let = "let highyield write there, or set HIGHYIELD_HOME to a folder you may write to"
        for home, why, fix in [
                ("roots", "permission denied (you are nobody; roots is root's, with mode 755)",
                 let),
                ("home.txt", "home.txt is a file, not a folder",
                 "move the file away, or set HIGHYIELD_HOME to a folder you may write to"),
                ("locked/highyield", "permission denied (you are nobody; locked is root's, "
                 "with mode 700)", let)]:
            result = _build_as_nobody(shared, shared / home)
            assert (result.returncode, result.stderr) == \
                (0, _unsaved(f"{home}/cache", why, fix))
            assert result.stdout.startswith("Built vault → out/deck.apkg: no card changed\n")
            imported = import_apkg(shared / "out" / "deck.apkg", tmp_path / "anki", col)
            assert (imported.new, _guids(imported)) == (0, _guids(first))
        assert list((shared / "roots").iterdir()) == [] and list(mine.iterdir())
    finally:
        col.close()


def _full_vault(disk: Path) -> Path:
    """A vault of three notes on the disk, which is then filled to its last byte."""
    vault = _vault(disk / "vault", 3)
    (disk / "filler").unlink()
    (disk / "filler").write_bytes(b"\0" * shutil.disk_usage(disk).free)
    return vault


def test_a_ledger_on_a_full_disk_says_to_free_space(tmp_path: Path, full_disk: Path,
                                                    runner: CliRunner,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The vault on a full disk: the ledger cannot be written, and the hint says what to do
    about a full disk (not about permissions); the deck is built, keys kept here."""
    vault = _full_vault(full_disk)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", str(vault), "-o", "deck.apkg"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "disk/vault/.highyield/ledger.tsv: warning: cannot write the ledger: No space left "
        "on device\n  hint: free some space on the vault's disk; until then this computer's "
        "copy keeps each card's identity\n")
    assert len(import_apkg(tmp_path / "deck.apkg", tmp_path / "anki").cards) == 6
    (full_disk / "filler").unlink()  # space again: the next build, nothing else changed,
    freed = runner.invoke(cli, ["build", str(vault), "-o", "deck.apkg"])  # writes it
    assert (freed.exit_code, freed.stderr) == (0, (
        "disk/vault/.highyield/ledger.tsv: warning: the ledger was missing; this computer's "
        "copy from the last build is used\n  hint: keep .highyield/ with your notes (commit "
        "it to git; Obsidian Sync skips folders whose name starts with a dot)\n"))
    assert read_ledger(vault, []) and "up to date" not in freed.stdout


def test_a_card_added_while_the_ledger_could_not_be_written_keeps_its_identity(
        tmp_path: Path, full_disk: Path, runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The vault's ledger is written, then a card is added while the disk is full (the
    ledger stays as it was), then space is freed and the card reworded: it keeps its card,
    as the hint said, because this computer's copy fills in what the vault's ledger missed
    (eighth fault probe: it became a new card, the old one retired)."""
    vault = _vault(full_disk / "vault", 1)
    monkeypatch.chdir(tmp_path)
    args = ["build", str(vault), "-o", "deck.apkg"]
    assert runner.invoke(cli, args).exit_code == 0
    (vault / "New.md").write_text("- Edaravone is a ==free radical scavenger==\n")
    (full_disk / "filler").unlink()
    (full_disk / "filler").write_bytes(b"\0" * shutil.disk_usage(full_disk).free)
    full = runner.invoke(cli, args)
    assert "cannot write the ledger: No space left on device" in full.stderr
    assert "until then this computer's copy keeps each card's identity" in full.stderr
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        before = import_apkg(tmp_path / "deck.apkg", tmp_path / "anki", col)
        (full_disk / "filler").unlink()
        (vault / "New.md").write_text("- Edaravone is a ==free radical scavenger== drug\n")
        freed = runner.invoke(cli, [*args, "-v"])
        after = import_apkg(tmp_path / "deck.apkg", tmp_path / "anki", col)
    finally:
        col.close()
    assert freed.stderr == (
        "disk/vault/.highyield/ledger.tsv: warning: the last build could not write the "
        "ledger here; this computer's copy, written then, fills in what it missed\n"
        "  hint: nothing to do: the ledger is written again now\n")
    assert freed.stdout.startswith("Built vault → deck.apkg: ~1 updated\n")
    assert (after.new, after.updated) == (0, 1) and _guids(after) == _guids(before)
    again = runner.invoke(cli, [*args, "--force"])
    assert again.stderr == ""  # the vault's ledger is whole again


def test_a_cache_and_a_ledger_both_unsaved_say_that_identity_may_be_lost(
        tmp_path: Path, full_disk: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """The vault on a full disk, and HIGHYIELD_HOME a file: neither the vault's ledger nor
    this computer's copy is written, so neither hint says that a card keeps its identity
    (the cache's said the vault's ledger would keep it)."""
    vault = _full_vault(full_disk)
    (tmp_path / "home.txt").write_text("not a folder\n")
    monkeypatch.setenv("HIGHYIELD_HOME", str(tmp_path / "home.txt"))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", str(vault), "-o", "deck.apkg"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "disk/vault/.highyield/ledger.tsv: warning: cannot write the ledger: No space left "
        "on device\n  hint: free some space on the vault's disk; until then a reworded card "
        "may be taken for a new one (this computer's copy could not be saved either)\n"
        "home.txt/cache: warning: cannot save the build cache: home.txt is a file, not a "
        "folder\n  hint: move the file away, or set HIGHYIELD_HOME to a folder you may write "
        "to; until then each build reads every note again, which is slower; the deck is "
        "complete, but with neither the vault's ledger nor this computer's copy of it saved, "
        f"a reworded card may be taken for a new one; {NEW_TIMES}\n")
    assert len(import_apkg(tmp_path / "deck.apkg", tmp_path / "anki").cards) == 6


def test_a_ledger_on_a_read_only_mount_says_to_mount_it_read_write(
        tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real tmpfs, remounted read-only with the vault on it: the hint is about the mount,
    not about permissions."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        vault = _vault(disk / "vault", 2)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        monkeypatch.chdir(tmp_path)
        result = runner.invoke(cli, ["build", str(vault), "-o", "deck.apkg"])
        assert (result.exit_code, result.stderr) == (0, (
            "disk/vault/.highyield/ledger.tsv: warning: cannot write the ledger: Read-only "
            "file system\n  hint: the vault's file system is mounted read-only: mount it "
            "read-write; until then this computer's copy keeps each card's identity\n"))
        assert len(import_apkg(tmp_path / "deck.apkg", tmp_path / "anki").cards) == 4
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_a_folder_in_the_cache_files_place_is_said_once_as_such(tmp_path: Path) -> None:
    """A folder where the cache's own file goes cannot be read nor written over. The build
    said both, the first with "nothing to do: it is written again now" (first fault probe
    of stop 25): now one warning names the folder and what to do, at every build."""
    vault = _vault(tmp_path / "vault", 3)
    out = tmp_path / "out.apkg"
    command = [_highyield(), "build", str(vault), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    where = cache_file("vault", vault)
    where.unlink()
    where.mkdir()
    said = _unsaved(display_path(where.parent), f"{display_path(where)} is a folder, not a "
                    "file", "move that folder away, or set HIGHYIELD_HOME to another folder")
    for n in (1, 2):
        with (vault / f"Drug {n}.md").open("a", encoding="utf-8") as f:
            f.write(f"- It is ==new {n}==.\n")
        built = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert (built.returncode, built.stderr) == (0, said)
        assert "+1 new" in built.stdout
    assert len(import_apkg(out, tmp_path / "anki").cards) == 8


RENAL = ("# Renal\n- Furosemide acts on the ==thick ascending limb==.\n"
         "- Thiazides act on the ==distal convoluted tubule==.\n"
         "- Spironolactone blocks ==aldosterone==.\n")


@pytest.mark.parametrize("lost", ["deleted", "a folder in its place"])
def test_a_lost_cache_takes_each_cards_time_from_the_decks_last_package(
        tmp_path: Path, lost: str) -> None:
    """Without its cache a build gave every card its own time: Anki's import replaced an
    edit made there, and a card gone from the notes was left out, not retired (fault
    probe). The deck's last package holds each card's time: read back, it keeps them."""
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "Renal.md").write_text(RENAL)
    out = tmp_path / "out.apkg"
    command = [_highyield(), "build", str(tmp_path / "vault"), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    col = Collection(str(_made(tmp_path / "anki") / "collection.anki2"))
    try:
        import_apkg(out, tmp_path / "anki", col)
        [edited] = [col.get_note(n) for n in col.find_notes("")
                    if "distal" in col.get_note(n)["Text"]]
        edited["Extra"] = "My own mnemonic"
        col.update_note(edited)
        where = cache_file("vault", tmp_path / "vault")
        where.unlink()
        if lost != "deleted":
            where.mkdir()
        (tmp_path / "vault" / "Renal.md").write_text(RENAL.replace(
            "- Spironolactone blocks ==aldosterone==.\n", ""))
        built = subprocess.run([*command, "-v"], capture_output=True, text=True, timeout=120)
        assert built.returncode == 0, built.stderr
        assert built.stdout.splitlines()[0].endswith("out.apkg: -1 retired"), built.stdout
        assert built.stdout.splitlines()[-1].split() == [  # told from the package's note
            "-", "retired", "Renal.md", "Spironolactone", "blocks", "aldosterone."]
        imported = import_apkg(out, tmp_path / "anki", col)
        assert (imported.new, imported.updated) == (0, 1)  # the retired one, tagged
        assert col.get_note(edited.id)["Extra"] == "My own mnemonic"
        [retired] = [c for c in imported.cards if "aldosterone" in c.fields["Text"]]
        assert "highyield::retired" in retired.tags
    finally:
        col.close()


def test_only_this_decks_own_package_is_read_back(tmp_path: Path) -> None:
    """With the cache lost, the package at the output is read back only when it is this
    deck's: another vault's deck of the same name put its cards in as retired, and a
    damaged package was an internal error at every build (third fault probe)."""
    for vault, text in (("vault", RENAL), ("other/vault", "- ==Warfarin== is a drug.\n")):
        (tmp_path / vault).mkdir(parents=True)
        (tmp_path / vault / "Renal.md").write_text(text)
    out = tmp_path / "out.apkg"
    subprocess.run([_highyield(), "build", str(tmp_path / "other" / "vault"), "-o", str(out)],
                   check=True, capture_output=True, timeout=120)  # deck "vault" too
    command = [_highyield(), "build", str(tmp_path / "vault"), "-o", str(out)]
    built = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0 and ": +3 new\n" in built.stdout, built.stdout
    said = (f"{display_path(out)}: warning: each card's time could not be read back from "
            "the deck's last package ({}): every card gets this build's time\n  hint: "
            "importing the deck into Anki replaces edits made there (sync-anki leaves "
            "them); nothing to do otherwise\n")
    assert built.stderr == said.format("none of its cards is this vault's")
    assert [c.answer_text for c in import_apkg(out, tmp_path / "anki1").cards
            if "Warfarin" in c.answer_text] == []
    data = bytearray(out.read_bytes())
    data[len(data) // 2:len(data) // 2 + 800] = bytes(800)  # inside the compressed data
    out.write_bytes(bytes(data))
    shutil.rmtree(cache_folder())
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "internal error" not in again.stderr, again.stderr
    assert again.stderr.startswith(said.split("(")[0] + "(it is not a package highyield "
                                   "wrote, or is damaged: "), again.stderr
    assert len(import_apkg(out, tmp_path / "anki2").cards) == 3


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_folder_in_the_kept_collections_place_is_said_and_every_build_written(
        tmp_path: Path) -> None:
    """The copy of the deck's collection a build keeps to write the next from: a folder in
    its place was called "cannot save the build cache: Is a directory" (untrue: the rest
    was saved), and the build after failed ("unable to open database file") at every
    change (fault probe)."""
    vault = _vault(tmp_path / "vault", 3)
    out = tmp_path / "out.apkg"
    command = [_highyield(), "build", str(vault), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    kept = cache_file("vault", vault).with_suffix(".anki2")
    kept.unlink()
    kept.mkdir()
    said = (f"{display_path(kept.parent)}: warning: cannot keep a copy of the deck's "
            f"collection: {display_path(kept)} is a folder, not a file\n  hint: move that "
            "folder away, or set HIGHYIELD_HOME to another folder; until then each build "
            "that changes the deck writes it whole, which is slower; nothing else is lost\n")
    for n in (1, 2):
        with (vault / f"Drug {n}.md").open("a", encoding="utf-8") as f:
            f.write(f"- It is ==new {n}==.\n")
        built = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert (built.returncode, built.stderr) == (0, said)
        assert built.stdout.startswith("Built vault → ") and ": +1 new" in built.stdout
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert (again.returncode, again.stderr) == (0, "") and "up to date" in again.stdout
    assert len(import_apkg(out, tmp_path / "anki").cards) == 8


@pytest.mark.parametrize("what", ["a named pipe", "a folder"])
def test_a_cache_file_that_is_no_file_is_said_and_the_deck_built(tmp_path: Path,
                                                                   what: str) -> None:
    """A pipe in place of the cache's file made the build wait on it forever, holding the
    vault's lock; a folder in place of a part of it was "internal error", in every build
    after (twelfth fault probe). Now: a warning, the deck, and the next build as usual."""
    vault = _vault(tmp_path / "vault", 3)
    out = tmp_path / "out.apkg"
    command = [_highyield(), "build", str(vault), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    where = cache_file("vault", vault)
    spoiled = where if what == "a named pipe" else \
        next(where.parent.glob(f"{where.stem}.*.pickle"))
    spoiled.unlink()
    os.mkfifo(spoiled) if what == "a named pipe" else spoiled.mkdir()
    with (vault / "Drug 1.md").open("a", encoding="utf-8") as f:
        f.write("- It is ==new==.\n")
    first = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0 and "internal error" not in first.stderr, first.stderr
    part = "" if what == "a named pipe" else f"{spoiled.name}: "  # the part it is in
    assert f"the build cache could not be read ({part}not a regular file): every note was " \
        "read again" in first.stderr  # (fifteenth fault probe: the part was not named)
    assert "+1 new" in first.stdout
    with (vault / "Drug 2.md").open("a", encoding="utf-8") as f:
        f.write("- It is ==newer==.\n")
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert (second.returncode, second.stderr) == (0, "")  # the cache was whole again:
    assert second.stdout.splitlines()[0].endswith("out.apkg: +1 new")  # nothing "known"
    assert "0 errors · 0 warnings" in second.stdout
    cards = import_apkg(out, tmp_path / "anki").cards
    assert len(cards) == 8 and [t for c in cards if "It is new" in (t := c.answer_text)] == [
        "Drug 1 It is new. Drug 1.md", "Drug 2 It is newer. Drug 2.md"]
