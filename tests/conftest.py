from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from highyield.config import DeckConfig, folder_deck
from highyield.deck.build import build as build_deck
from tests.anki_client import Imported, import_apkg

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent
# What the sample vault gives: the ALS note's 12 highlight cards (11 Anki notes) and the
# clippings' auto cards, after repeats are left out. Every test that counts uses these.
SAMPLE_AUTO, SAMPLE_REPEATS, SAMPLE_UNTESTABLE, SAMPLE_UNSURE = 44, 18, 22, 28
FIXED_NOW = 1_780_000_000.0  # builds in tests use a fixed clock


def vault_copy(vault: Path, folder: Path) -> Path:
    """A copy of a vault in the repository, for a test that builds it: a build writes the
    identity ledger into the vault, and the repository must stay as it is. A ledger left
    in the repository's copy by an earlier run (it is not committed) is not copied."""
    copy = folder / vault.name
    shutil.copytree(vault, copy, ignore=shutil.ignore_patterns(".highyield"))
    return copy


@pytest.fixture(autouse=True, scope="session")
def _isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Module-wide fixtures build before a test's own home exists: give them one too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HIGHYIELD_HOME", str(tmp_path_factory.mktemp("home") / "highyield"))
        yield


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own home and temp folder; leaked temp files are visible."""
    home = tmp_path / "_home"
    tmp = tmp_path / "_tmp"
    home.mkdir()
    tmp.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HIGHYIELD_HOME", str(home / "highyield"))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.delenv("HIGHYIELD_DEBUG", raising=False)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


@pytest.fixture
def make_vault(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    def make(files: dict[str, str | bytes], name: str = "vault") -> Path:
        root = tmp_path / name
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root
    return make


@pytest.fixture
def build_and_import(tmp_path: Path) -> Callable[..., Imported]:
    """Build a deck with the library, then import it into a fresh Anki collection."""
    counter = iter(range(1000))

    def run(deck: DeckConfig | Path) -> Imported:
        n = next(counter)
        if isinstance(deck, Path):
            deck = folder_deck(deck, tmp_path / f"out{n}" / "deck.apkg")
        build_deck(deck, now=FIXED_NOW)
        return import_apkg(deck.output, tmp_path / f"anki{n}")
    return run


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("HIGHYIELD_PROGRESS_DELAY", "0.5")
