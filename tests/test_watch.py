"""``highyield watch`` in a real pseudo-terminal: it rebuilds after a save, only the deck
that changed, never from a file still being written, and Ctrl-C ends it cleanly."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pexpect

from highyield.cli.watch import affected, settle
from highyield.config import folder_deck
from tests.anki_client import import_apkg
from tests.test_terminal import _highyield

NOTE = "# ALS\n- ==Riluzole== inhibits glutamate release.\n"


def _spawn(*args: str) -> pexpect.spawn[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return pexpect.spawn(_highyield(), ["watch", *args], env=env, encoding="utf-8",
                         timeout=30, dimensions=(40, 120))


def test_watch_rebuilds_after_a_save_and_stops_on_ctrl_c(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"ALS.md": NOTE, "img/x.png": b"\x89PNG"})
    out = tmp_path / "als.apkg"
    child = _spawn(str(vault), "-o", str(out), "-v")
    child.expect(r"Built vault → .*als\.apkg: \+1 new")
    child.expect("Watching .* Ctrl-C stops")
    (vault / "ALS.md").write_text(NOTE + "- Edaravone is a ==free radical scavenger==.\n")
    child.expect(r"Built vault → .*: \+1 new\r\n")
    child.expect(r"\+ new +ALS\.md:3 +Edaravone is a \{\{c1::free radical scavenger\}\}")
    (vault / "ALS.md").write_text(NOTE.replace("inhibits", "blocks"))
    child.expect(r"Built vault → .*: ~1 updated, -1 retired")
    child.kill(signal.SIGINT)
    child.expect("Stopped watching.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    cards = import_apkg(out, tmp_path / "anki").cards
    fronts = sorted(c.question_text for c in cards)
    assert len(fronts) == 2 and "Edaravone is a [...]" in fronts[0]
    assert "[...] blocks glutamate release" in fronts[1]


def test_the_problems_of_a_note_just_saved_are_printed_again(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """Each problem is printed once, but after a note is saved its own problems are
    printed again: the summary said "1 error" with the line far above (new-user
    trial). Another note's save does not repeat them."""
    vault = make_vault({"ALS.md": NOTE + "What does riluzole do?\n?\n",
                        "MS.md": "# MS\n- ==Natalizumab== blocks VLA-4.\n"})
    child = _spawn(str(vault), "-o", str(tmp_path / "w.apkg"))
    problem = r"vault/ALS\.md:\d: error: multi-line card has no answer"
    child.expect(problem)
    child.expect("Watching .* Ctrl-C stops")
    (vault / "ALS.md").write_text(NOTE + "What does riluzole do?\n?\n\n"  # the same line
                                  "- ==Edaravone== scavenges radicals.\n")
    child.expect(problem)
    child.expect(r"\+1 new")
    (vault / "MS.md").write_text("# MS\n- ==Natalizumab== blocks VLA-4 integrin.\n")
    child.expect(r"~1 updated")
    assert not re.search(problem, child.before or "")
    child.kill(signal.SIGINT)
    child.expect("Stopped watching.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before


def test_a_file_written_in_pieces_is_built_once_whole(make_vault: Callable[..., Path],
                                                      tmp_path: Path) -> None:
    vault = make_vault({"ALS.md": NOTE})
    child = _spawn(str(vault), "-o", str(tmp_path / "als.apkg"))
    child.expect("Watching")
    with (vault / "ALS.md").open("a", encoding="utf-8") as f:
        for piece in ("- Edaravone is a ", "==free radical ", "scavenger==.\n"):
            f.write(piece)
            f.flush()
            time.sleep(0.25)  # slower than the debounce's step: a slow writer
    child.expect(r"Built vault → .*\r\n")
    assert isinstance(child.after, str)
    assert "+1 new" in child.after, child.after  # the whole fact, not a piece of it
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    assert "Built" not in (child.before or "")  # no second build of a half-written file


def test_only_the_decks_that_use_a_file_are_rebuilt(make_vault: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    one = folder_deck(make_vault({"a.md": NOTE}, name="one"), tmp_path / "one.apkg")
    two = folder_deck(make_vault({"b.md": NOTE}, name="two"), tmp_path / "two.apkg")
    assert affected([one, two], [one.vault / "a.md"]) == [one]
    assert affected([one, two], [two.vault / "pics" / "x.png"]) == [two]
    assert affected([one, two], [one.vault / ".highyield" / "ledger.tsv"]) == []
    assert affected([one, two], [one.vault / "notes.txt", tmp_path / "elsewhere.md"]) == [one]


def test_settle_waits_for_a_growing_file(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("a")
    ticks = iter(range(100))
    sizes = iter(["ab", "abc", "abc", "abc"])

    def sleep(_: float) -> None:
        path.write_text(next(sizes))
        os.utime(path, ns=(0, 0))

    settle([path], sleep=sleep, clock=lambda: float(next(ticks)) / 100)
    assert path.read_text() == "abc"


def test_watch_takes_up_a_notes_folder_that_comes_back(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """The folder is moved away (watch says it is not there), then a folder of notes is
    put in its place: watch watches the new one and builds it (fifth fault probe: it went
    silent for good)."""
    vault = make_vault({"ALS.md": NOTE})
    out = tmp_path / "als.apkg"
    child = _spawn(str(vault), "-o", str(out))
    child.expect("Watching .* Ctrl-C stops")
    vault.rename(tmp_path / "away")
    child.expect(r"is not there \(moved or deleted\?\)")
    vault.mkdir()
    (vault / "D.md").write_text("# D\n- The ==d fact== here.\n")
    child.expect(r"the notes folder \S*vault is back: watching it again")
    child.expect(r"Built vault → .*als\.apkg: \+1 new, -1 retired")
    (vault / "E.md").write_text("# E\n- The ==e fact== here.\n")
    child.expect(r"Built vault → .*als\.apkg: \+1 new\r\n")
    child.kill(signal.SIGINT)
    child.expect("Stopped watching.")
    child.expect(pexpect.EOF)
    child.close()
    cards = import_apkg(out, tmp_path / "anki").cards
    assert sorted(c.question_text.split()[0] for c in cards) == ["ALS", "D", "E"]  # ALS retired
