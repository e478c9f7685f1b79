"""The one rule for which files highyield never reads (dot folders and files,
node_modules and Excalidraw drawings), held by every part that looks at the vault:
finding notes, finding images by name, the build's fingerprint and ``watch``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from highyield.cli.watch import affected
from highyield.config import folder_deck
from highyield.deck.build import build
from highyield.vault.files import find_notes, is_read, vault_files
from highyield.vault.globs import Selection
from highyield.vault.media import MediaResolver
from tests.anki_client import Imported, import_apkg
from tests.conftest import FIXED_NOW

NOTE = "# ALS\n- ==Riluzole== inhibits glutamate release.\n"
NEVER = ("node_modules/pkg/readme.md", ".obsidian/workspace.md", ".trash/old.md",
         "notes/.hidden.md", "Drawings/Heart.excalidraw.md", "Drawings/Loop.Excalidraw.md")


def _vault(make_vault: Callable[..., Path]) -> Path:
    return make_vault({"ALS.md": NOTE, **{rel: "- ==never== a card\n" for rel in NEVER},
                       "node_modules/pkg/logo.png": b"\x89PNG", "img/x.png": b"\x89PNG"})


def test_the_rule() -> None:
    assert is_read(Path("Neuro/ALS.md")) and is_read(Path("img/x.png"))
    assert not any(is_read(Path(rel)) for rel in NEVER)


def test_notes_and_files_outside_the_rule_are_never_found(
        make_vault: Callable[..., Path]) -> None:
    vault = _vault(make_vault)
    assert [p.relative_to(vault).as_posix() for p in find_notes(vault, Selection())] == \
        ["ALS.md"]
    assert [rel for rel, *_ in vault_files(vault)] == ["ALS.md", "img/x.png"]
    assert MediaResolver(vault).resolve("ALS.md", "logo.png") == \
        (None, "was not found in the vault")
    assert MediaResolver(vault).resolve("ALS.md", "x.png") == (vault / "img/x.png", "")


def test_a_change_in_node_modules_leaves_the_deck_up_to_date(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = _vault(make_vault)
    deck = folder_deck(vault, tmp_path / "out" / "d.apkg")
    assert not build(deck, now=FIXED_NOW).up_to_date
    imported: Imported = import_apkg(deck.output, tmp_path / "anki")
    assert len(imported.cards) == 1
    assert "inhibits glutamate release" in imported.cards[0].question_text
    (vault / "node_modules/pkg/logo.png").write_bytes(b"\x89PNG changed")
    (vault / "node_modules/pkg/new.md").write_text("- ==new==\n")
    (vault / "Drawings/Heart.excalidraw.md").write_text("- ==drawn== text\n")
    assert build(deck, now=FIXED_NOW + 60).up_to_date
    (vault / "img/x.png").write_bytes(b"\x89PNG changed")
    assert not build(deck, now=FIXED_NOW + 120).up_to_date


def test_watch_wakes_only_for_files_a_build_reads(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = _vault(make_vault)
    deck = folder_deck(vault, tmp_path / "d.apkg")
    assert affected([deck], [vault / "node_modules/pkg/logo.png"]) == []
    assert affected([deck], [vault / ".obsidian/app.json"]) == []
    assert affected([deck], [vault / "Drawings/Heart.excalidraw.md"]) == []
    assert affected([deck], [vault / "img/x.png"]) == [deck]
    assert affected([deck], [vault / "ALS.md"]) == [deck]
