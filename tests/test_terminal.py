"""The real command in a real pseudo-terminal: what a student sees."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pexpect

from tests.anki_client import import_apkg


def _highyield() -> str:
    found = shutil.which("highyield", path=str(Path(sys.executable).parent))
    assert found, "the highyield console script is installed"
    return found


def test_long_builds_show_a_progress_bar(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(300):
        (vault / f"note {n:03}.md").write_text(f"# Note {n}\n- Fact {n} is ==answer {n}==.\n")
    env = {**os.environ, "HIGHYIELD_PROGRESS_DELAY": "0", "COLUMNS": "100"}
    child = pexpect.spawn(_highyield(), ["build", str(vault), "-o", str(tmp_path / "v.apkg")],
                          env=env, encoding="utf-8", timeout=60, dimensions=(24, 100))
    child.expect(r"Reading vault\s+\[#*-*\]")
    child.expect("Writing vault…")  # the deck, after the last note is read
    child.expect(r"\r\x1b\[2K")  # that line taken back once it is written
    child.expect(r"Built vault → .*v\.apkg")
    child.expect(r"300 notes read · 300 cards in 300 Anki notes \(300 cloze, 0 basic, 0 reversed\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(import_apkg(tmp_path / "v.apkg", tmp_path / "anki").cards) == 300


def test_quick_builds_show_no_bar(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text("- one ==fact==\n")
    env = {k: v for k, v in os.environ.items() if k != "HIGHYIELD_PROGRESS_DELAY"}
    child = pexpect.spawn(_highyield(), ["build", str(vault), "-o", str(tmp_path / "v.apkg")],
                          env=env, encoding="utf-8", timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Reading" not in (child.before or "")
    assert len(import_apkg(tmp_path / "v.apkg", tmp_path / "anki").cards) == 1
