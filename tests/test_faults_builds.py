"""Builds under faults (issue 14): a damaged ledger, note names with tabs and line breaks,
and a ``.highyield/`` folder that links out of the vault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import folder_deck
from highyield.deck.build import Built, build
from highyield.errors import Diagnostic, display_path
from highyield.identity.ledger import ledger_path, ledger_text, local_copy, read_ledger
from tests.anki_client import Imported, import_apkg
from tests.conftest import FIXED_NOW

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


def test_an_empty_ledger_is_taken_from_this_computers_copy(vault: Vault) -> None:
    built, imported = _reworded_after(vault, b"")
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


def test_a_damaged_ledger_is_made_whole_from_this_computers_copy(vault: Vault) -> None:
    built, imported = _reworded_after(vault, b"\0" * 300)  # zeros, as after a crash
    shown = display_path(ledger_path(vault.vault))
    assert vault.messages(built) == [
        (shown, None, "the ledger is damaged; this computer's copy from the last build fills "
         f"in any card it lost ({display_path(local_copy(vault.vault))})",
         "nothing to do: the ledger in the vault is written again from both"),
        (shown, 1, "unreadable ledger line (1 columns, not 6), skipped",
         "nothing to do: the ledger is written again without it")]
    assert [c.what for c in built.changes.items] == ["updated"]
    assert (imported.new, imported.updated) == (0, 1)
    assert ledger_path(vault.vault).read_bytes() == local_copy(vault.vault).read_bytes()


def test_a_ledger_damaged_here_and_in_the_copy_says_both(vault: Vault) -> None:
    built, imported = _reworded_after(vault, b"\0" * 300, copy=b"garbage\n")
    shown = display_path(ledger_path(vault.vault))
    assert vault.messages(built) == [
        (shown, None, "the ledger is damaged, and this computer's copy of it is damaged too "
         f"({display_path(local_copy(vault.vault))}, 1 line unreadable): the lines that "
         "could be read are used", "a card whose line was lost is matched by its text (one "
         "reworded since the last build is taken for a new card); the ledger is written "
         "again"),
        (shown, 1, "unreadable ledger line (1 columns, not 6), skipped",
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
        "cards are matched by their exact text this time (one reworded since the last build "
        "is taken for a new card); the ledger is written again")]
    assert built.changes.items == []
    assert len(ledger_path(vault.vault).read_text().splitlines()) == 3 + 2


NAMES = ("Tab\tin name.md", "Line\nbreak.md", "Back\\slash\\t.md")


def test_note_names_with_tabs_and_line_breaks_keep_their_ledger_lines(tmp_path: Path) -> None:
    v = Vault(tmp_path, dict.fromkeys(NAMES, ALS))
    try:
        _, v1 = v.build()
        lines = [line for line in ledger_path(v.vault).read_text().split("\n")
                 if line and not line.startswith("#")]
        assert len(lines) == 6 and all(len(line.split("\t")) == 6 for line in lines)
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
