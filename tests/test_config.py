"""Deck definitions: what they may say, and the message when they say it wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from highyield.config import HighlightRules, decks_for, load_deck_file
from highyield.errors import HighyieldError
from tests.anki_client import Imported
from tests.conftest import PROJECT


def _deck_file(tmp_path: Path, text: str) -> Path:
    (tmp_path / "notes").mkdir(exist_ok=True)
    (tmp_path / "decks").mkdir(exist_ok=True)
    path = tmp_path / "decks" / "d.yaml"
    path.write_text(text)
    return path


def _error(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HighyieldError) as caught:
        load_deck_file(_deck_file(tmp_path, text))
    return f"{caught.value.message} | {caught.value.hint}"


def test_sample_deck_definition() -> None:
    deck = load_deck_file(PROJECT / "decks" / "usmle.yaml")
    assert deck.name == "USMLE"
    assert deck.vault == (PROJECT / "notes").resolve()
    assert deck.output == (PROJECT / "decks" / "USMLE.apkg").resolve()
    assert deck.tags == ("highyield",)
    assert deck.selection.include == ("**/*.md",)
    assert deck.selection.exclude == ("Templates/**",)
    assert deck.highlights.syntaxes == {"equals", "mark", "span"}
    assert deck.obsidian_vault == "notes"


@pytest.mark.parametrize(("text", "expected"), [
    ("deck: X\nnotes: ../notes\ntagz: [a]\n",
     "decks/d.yaml:3: unknown key `tagz` | did you mean `tags`?"),
    ("notes: ../notes\n",
     "decks/d.yaml:1: missing `deck` | add a line such as `deck: USMLE::Neurology` "
     "(:: makes subdecks)"),
    ("deck: X\nnotes: ../elsewhere\n",
     "decks/d.yaml:2: notes folder not found: elsewhere | `notes` is a folder, relative to "
     "this deck file"),
    ("deck: X\nnotes: ../notes\ntags: {a: 1}\n",
     "decks/d.yaml:3: `tags` must be a list of text | for example `tags: [usmle, step1]`"),
    ("deck: X\nnotes: ../notes\nhighlights:\n  syntaxes: [equals, bold]\n",
     "decks/d.yaml:4: unknown highlight syntax `bold` | use any of: equals (==x==), "
     "mark (<mark>), span (Highlightr)"),
    ("deck: X\nnotes: ../notes\nhighlights:\n  colour: [red]\n",
     "decks/d.yaml:4: unknown key `highlights.colour` | did you mean `colors`?"),
    ("deck: X\nnotes: ../notes\nhighlights:\n  colors: ['#12']\n",
     'decks/d.yaml:4: not a colour: `#12` | write it as in the note, e.g. '
     '"rgba(240, 200, 0, 0.2)" or #fff3a3'),
    ("deck: [X\n", "decks/d.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>' "
                   "| check the indentation and the quoting"),
    ("- a list\n", "decks/d.yaml:1: a deck definition must be a mapping of keys | start from "
                   "the example in the README"),
])
def test_mistakes_name_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                text: str, expected: str) -> None:
    assert _error(tmp_path, text, monkeypatch) == expected


def test_colour_restriction(make_vault: Callable[..., Path],
                            build_and_import: Callable[..., Imported], tmp_path: Path) -> None:
    vault = make_vault({"n.md": (
        '- <span style="background:rgba(240, 200, 0, 0.2)">yellow fact</span> counts\n'
        '- <span style="background:#ff0000">red fact</span> does not\n'
        "- ==plain highlights== have no colour and still count\n"
        '- <mark class="hltr-yellow">Highlightr class</mark> counts too\n')})
    deck_file = tmp_path / "d.yaml"
    deck_file.write_text(f"deck: Colours\nnotes: {vault}\noutput: c.apkg\nhighlights:\n"
                         "  colors: ['rgb(240,200,0)', yellow]\n")
    deck = load_deck_file(deck_file)
    assert deck.highlights.counts("span", "rgba(240, 200, 0, 0.5)")
    assert not deck.highlights.counts("span", "#ff0000")
    imported = build_and_import(deck)
    texts = sorted(c.fields["Text"] for c in imported.cards)
    assert texts == ["{{c1::Highlightr class}} counts too",
                     "{{c1::plain highlights}} have no colour and still count",
                     "{{c1::yellow fact}} counts"]


def test_syntax_restriction() -> None:
    rules = HighlightRules(syntaxes=frozenset({"equals"}))
    assert rules.counts("equals", "")
    assert not rules.counts("mark", "")
    assert not rules.counts("span", "yellow")


def test_decks_for_picks_by_name_or_file(tmp_path: Path) -> None:
    _deck_file(tmp_path, "deck: Neuro::ALS\nnotes: ../notes\n")
    assert [d.name for d in decks_for(None, ("neuro::als",), None, tmp_path)] == ["Neuro::ALS"]
    assert [d.name for d in decks_for(None, ("d",), None, tmp_path)] == ["Neuro::ALS"]
    deck = decks_for(None, (), None, tmp_path)[0]
    assert deck.output == (tmp_path / "decks" / "Neuro-ALS.apkg").resolve()


def test_output_needs_a_single_deck(tmp_path: Path) -> None:
    _deck_file(tmp_path, "deck: A\nnotes: ../notes\n")
    (tmp_path / "decks" / "e.yaml").write_text("deck: B\nnotes: ../notes\n")
    with pytest.raises(HighyieldError, match="-o writes one deck, but 2 are defined"):
        decks_for(None, (), tmp_path / "x.apkg", tmp_path)
