"""A highlight over a whole line, with no label, cause or list to read beside it, hides
only the part an auto card would hide (``auto.choose``) and shows the rest. Every deck is
imported into a fresh Anki collection and the rendered cards are checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from highyield.config import folder_deck
from highyield.extract import wholeline
from highyield.extract.auto.choose import Choice, choose
from highyield.extract.auto.spans import Span
from highyield.identity.collect import collect
from highyield.identity.subject import digest
from tests.anki_client import Imported, RenderedCard
from tests.test_rebuild import Project

GOUT = """# Gout

## Drugs that raise urate

==Niacin decreases renal uric acid excretion.==

## Mechanism

==Mechanism: urate crystals activate the NLRP3 inflammasome in synovial macrophages.==

## Deposits

==Tophi==

## Written by hand

{{c1::Pyrazinamide inhibits renal urate secretion.}}
"""
MARKS = """# Urate lowering

## Transplant

- <mark>Cyclosporine lowers uric acid clearance in kidney transplant recipients.</mark>

## Xanthine oxidase

- Second line
\t- <span style="background:rgba(240, 200, 0, 0.2)">Febuxostat is a nonpurine inhibitor of \
xanthine oxidase.</span>

## Colchicine

Colchicine is taken with food.
==Colchicine blocks microtubule polymerization in \
neutrophils.==

## Iron

A ==serum ferritin below 15 ng/mL confirms iron deficiency==.
"""
LED = """# Overproduction

Urate is overproduced in:
- ==Tumor lysis releases nucleic acids from dying tumour cells.==
- ==Psoriasis speeds the turnover of epidermal cells.==
"""
NEIGHBOUR = """# Lead

Lead is found in old paint.
==Chronic lead exposure impairs tubular urate secretion.==
"""
NIACIN = "Niacin decreases renal uric acid excretion."
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)\}\}")


def _text(card: RenderedCard) -> str:
    """The statement as the Text field holds it, without the cue shown under it."""
    return card.fields["Text"].split('<ul class="hy-cue">')[0]


def _card(deck: Imported, words: str) -> RenderedCard:
    found = [c for c in deck.cards if words in _CLOZE.sub(r"\2", _text(c))]
    assert len(found) == 1, [_text(c) for c in deck.cards]
    return found[0]


def _hidden(card: RenderedCard) -> str:
    deletions: list[tuple[str, str]] = _CLOZE.findall(_text(card))
    assert len(deletions) == 1, _text(card)
    return deletions[0][1]


def _shows_the_rest(card: RenderedCard, statement: str) -> str:
    """The card hides one proper part of the statement and shows every other word."""
    hidden = _hidden(card)
    assert _CLOZE.sub(r"\2", _text(card)) == statement
    assert 0 < len(hidden.split()) < len(statement.split())
    for word in statement.replace(hidden, " ").split():
        assert word in card.question_text, (word, card.question_text)
    assert "[...]" in card.question_text and hidden not in card.question_text
    return hidden


def test_a_whole_line_highlight_hides_a_specific_part_and_shows_the_rest(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Gout.md": GOUT}))
    card = _card(deck, "Niacin decreases")
    hidden = _shows_the_rest(card, NIACIN)
    assert hidden in ("Niacin", "renal uric acid excretion", "uric acid excretion")
    assert card.ord == 0  # the highlight's number, c1
    assert hidden in card.answer_text and "decreases" in card.answer_text


def test_a_labelled_whole_line_keeps_its_label_split(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Gout.md": GOUT}))
    card = _card(deck, "NLRP3")
    assert _text(card) == ("Mechanism: {{c1::urate crystals activate the NLRP3 "
                                   "inflammasome in synovial macrophages}}.")
    assert card.question_text.startswith("Gout › Mechanism Mechanism: [...].")


def test_a_line_with_nothing_worth_hiding_still_makes_its_card(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Gout.md": GOUT}))
    assert _text(_card(deck, "Tophi")) == "{{c1::Tophi}}"


def test_a_deletion_the_author_wrote_is_kept_as_written(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Gout.md": GOUT}))
    assert _text(_card(deck, "Pyrazinamide")) == \
        "{{c1::Pyrazinamide inhibits renal urate secretion.}}"


def test_mark_highlightr_list_items_and_sentences_hide_a_part(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    """``<mark>`` in a list item under a heading, a Highlightr span in an item under a
    parent item, and ``==…==`` over one line of a paragraph (whose card showed the line
    before it) or over all but its ``A``."""
    deck = build_and_import(make_vault({"Urate lowering.md": MARKS}))
    for statement in ("Cyclosporine lowers uric acid clearance in kidney transplant "
                      "recipients.", "Febuxostat is a nonpurine inhibitor of xanthine oxidase.",
                      "Colchicine blocks microtubule polymerization in neutrophils.",
                      "A serum ferritin below 15 ng/mL confirms iron deficiency."):
        card = _card(deck, statement[:20])
        _shows_the_rest(card, statement)
    assert "Second line" in _card(deck, "Febuxostat").question_text


def test_items_of_a_lead_in_show_their_list_as_before(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    deck = build_and_import(make_vault({"Overproduction.md": LED}))
    card = _card(deck, "Tumor lysis")
    assert _text(card) == \
        "{{c1::Tumor lysis releases nucleic acids from dying tumour cells.}}"
    assert "Psoriasis speeds the turnover" in card.question_text


def test_when_nothing_is_chosen_a_neighbour_is_shown_as_before(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wholeline, "choose", lambda *args, **kwargs: None)
    deck = build_and_import(make_vault({"Lead.md": NEIGHBOUR, "Gout.md": GOUT}))
    card = _card(deck, "Chronic lead exposure")
    assert _text(card) == \
        "{{c1::Chronic lead exposure impairs tubular urate secretion.}}"
    assert "Lead is found in old paint." in card.question_text
    assert _text(_card(deck, "Niacin")) == f"{{{{c1::{NIACIN}}}}}"


def test_the_key_is_the_whole_lines_whatever_part_is_hidden(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guid is the one the whole-line deletion always had (its content's digest), so
    a vault built before keeps its cards and their reviews; a better choice later (here:
    another span) changes the card in place, never its guid."""
    p = Project(tmp_path, {"Gout.md": GOUT})
    whole = digest("cloze", f"{{{{c1::{NIACIN.casefold()}}}}}", "")
    try:
        _, v1 = p.build_and_import()
        card = _card(v1, "Niacin decreases")
        assert card.guid == whole != digest("cloze", _text(card).casefold(), "")
        assert whole in {c.key for c in collect(p.deck).cards}  # both paths agree
        ids = p.card_ids()
        other = "Niacin" if _hidden(card) != "Niacin" else "renal uric acid excretion"
        at = NIACIN.index(other)

        def pick(text: str, *args: Any, **kwargs: Any) -> Choice | None:
            if text != NIACIN:
                return choose(text, *args, **kwargs)
            return Choice(Span(at, at + len(other), "name", 1.0), 1.0)
        monkeypatch.setattr(wholeline, "choose", pick)
        p.edit("Gout.md", "## Deposits", "## Deposits in joints")  # the note is read again
        built, v2 = p.build_and_import()
        again = _card(v2, "Niacin decreases")
        assert _hidden(again) == other
        assert again.guid == whole and p.card_ids() == ids
        assert v2.new == 0 and built.changes.count("new") == 0
    finally:
        p.col.close()


def test_collect_and_build_give_the_whole_lines_key(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "Urate lowering.md").write_text(MARKS, encoding="utf-8")
    keys = {c.key for c in collect(folder_deck(vault, tmp_path / "o.apkg")).cards}
    statement = "cyclosporine lowers uric acid clearance in kidney transplant recipients."
    assert digest("cloze", f"{{{{c1::{statement}}}}}", "") in keys


TOXICITIES = """# Aminoglycosides

## Adverse effects

- ==Aminoglycosides cause nephrotoxicity, ototoxicity, and neuromuscular blockade.==
- ==Asymmetric limb weakness, often beginning with weakness in the hands and feet==
"""


def test_a_list_after_a_comma_is_hidden_whole_not_split_at_the_comma(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    """A comma before a list starts no clause: the list is the answer. A comma before an
    aside still splits the line."""
    deck = build_and_import(make_vault({"Aminoglycosides.md": TOXICITIES}))
    card = _card(deck, "Aminoglycosides cause")
    assert _hidden(card) == "nephrotoxicity, ototoxicity, and neuromuscular blockade"
    assert "Aminoglycosides cause [...]." in card.question_text
    aside = _card(deck, "Asymmetric limb weakness")
    assert _hidden(aside) == "Asymmetric limb weakness"
