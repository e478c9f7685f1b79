"""Fixture notes against their expected-card files (tests/fixtures/*.expected/).

Set HIGHYIELD_UPDATE_FIXTURES=1 to rewrite the expected files, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from highyield.config import folder_deck
from highyield.config.deckfile import load_deck_file
from highyield.identity.collect import Collected, collect
from tests.cardfile import describe
from tests.conftest import FIXTURES, PROJECT

SYNTAX = FIXTURES / "syntax"
SYNTAX_NOTES = sorted(p.relative_to(SYNTAX).as_posix() for p in SYNTAX.rglob("*.md")
                      if not any(part.startswith(".") for part in p.relative_to(SYNTAX).parts))
UPDATE = bool(os.environ.get("HIGHYIELD_UPDATE_FIXTURES"))


def _compare(actual: str, expected_file: Path) -> None:
    if UPDATE:
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8")
    assert expected_file.exists(), f"missing {expected_file}; run with HIGHYIELD_UPDATE_FIXTURES=1"
    assert actual == expected_file.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def syntax_vault() -> Collected:
    return collect(folder_deck(SYNTAX, None))


@pytest.fixture(scope="module")
def sample_vault() -> Collected:
    return collect(load_deck_file(PROJECT / "decks" / "usmle.yaml"))


def test_every_fixture_note_has_an_expected_file() -> None:
    expected = sorted(p.relative_to(FIXTURES / "syntax.expected").as_posix()[:-len(".cards")]
                      for p in (FIXTURES / "syntax.expected").rglob("*.cards"))
    assert expected == SYNTAX_NOTES


@pytest.mark.parametrize("rel", SYNTAX_NOTES)
def test_syntax_fixture(syntax_vault: Collected, rel: str) -> None:
    _compare(describe(syntax_vault, rel), FIXTURES / "syntax.expected" / f"{rel}.cards")


def test_sample_als_note(sample_vault: Collected) -> None:
    rel = "USMLE/Neurology/Amyotrophic lateral sclerosis.md"
    _compare(describe(sample_vault, rel), FIXTURES / "sample.expected" / f"{rel}.cards")


def test_hidden_folders_and_other_files_are_never_notes(syntax_vault: Collected) -> None:
    sources = {c.draft.ref.path for c in syntax_vault.cards}
    assert not any(s.startswith((".obsidian", ".trash")) or s.endswith(".txt")
                   for s in sources)
    assert syntax_vault.notes == len(SYNTAX_NOTES)
