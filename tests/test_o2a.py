"""Notes written for the Obsidian_to_Anki plugin give their cards: START … END blocks of
Basic, reversed and Cloze notes, one-line STARTI … ENDI notes, FILE TAGS and Tags lines;
TARGET DECK and ID lines never reach a card, and anything else is said plainly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from highyield.cli import cli
from tests.anki_client import Imported, RenderedCard

CARDIO = """TARGET DECK
Medicine::Cardiology

FILE TAGS
cardio murmurs

# Murmurs

START
Basic
Which murmur increases with Valsalva?
Back: Hypertrophic cardiomyopathy
<!--ID: 1566052191670-->
END

START
Basic (and reversed card)
Front: Holosystolic murmur at the apex
Back: Mitral regurgitation
Tags: valve
END

START
Cloze

The {{c1::S4}} sound comes just before ==S1==.

Back Extra: a stiff ventricle
END

STARTI [Basic] What causes a fixed split S2? Back: Atrial septal defect ENDI
"""
PROBLEMS = """START
Cloze
No deletion here.
END

STARTI [Image Occlusion] Heart diagram Back: x ENDI

START
Basic
Only a front
END

START
Triage
- ==Red== tags mean immediate care
END
"""
NOT_CARDS = ("START", "END", "Back:", "Front:", "TARGET DECK", "Medicine", "ID:", "Tags:",
             "FILE TAGS", "STARTI", "ENDI")


def _by_text(imported: Imported, text: str) -> list[RenderedCard]:
    return [c for c in imported.cards if text in c.question_text + c.answer_text]


def test_plugin_notes_become_cards(make_vault: Callable[..., Path],
                                   build_and_import: Callable[..., Imported]) -> None:
    imported = build_and_import(make_vault({"Cardio.md": CARDIO}))
    assert len(imported.cards) == 6  # basic, reversed (2), cloze (2), one-line basic
    valsalva = _by_text(imported, "Valsalva")
    assert len(valsalva) == 1 and valsalva[0].notetype == "highyield Basic"
    assert "Which murmur increases with Valsalva?" in valsalva[0].question_text
    assert "Hypertrophic cardiomyopathy" in valsalva[0].answer_text
    mitral = _by_text(imported, "Mitral regurgitation")
    assert sorted(c.ord for c in mitral) == [0, 1]
    assert "Mitral regurgitation" in next(c for c in mitral if c.ord == 1).question_text
    fixed = _by_text(imported, "fixed split S2")
    assert "Atrial septal defect" in fixed[0].answer_text
    assert "Atrial septal defect" not in fixed[0].question_text


def test_cloze_notes_keep_their_deletions_and_back_extra(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    imported = build_and_import(make_vault({"Cardio.md": CARDIO}))
    clozes = sorted(_by_text(imported, "sound comes just before"), key=lambda c: c.ord)
    assert [c.ord for c in clozes] == [0, 1]
    assert "The [...] sound comes just before S1." in clozes[0].question_text
    assert "The S4 sound comes just before [...]." in clozes[1].question_text
    assert all("a stiff ventricle" in c.answer_text for c in clozes)
    assert all("stiff" not in c.question_text for c in clozes)


def test_tags_and_no_plugin_lines_on_cards(make_vault: Callable[..., Path],
                                           build_and_import: Callable[..., Imported]) -> None:
    imported = build_and_import(make_vault({"Cardio.md": CARDIO}))
    assert all({"cardio", "murmurs"} <= set(c.tags) for c in imported.cards)
    assert all(("valve" in c.tags) == ("Mitral" in c.answer_text) for c in imported.cards)
    for card in imported.cards:
        shown = card.question_text + card.answer_text
        assert not [word for word in NOT_CARDS if word in shown], shown


def test_what_is_not_made_is_said(make_vault: Callable[..., Path],
                                  build_and_import: Callable[..., Imported],
                                  runner: CliRunner) -> None:
    vault = make_vault({"Problems.md": PROBLEMS})
    result = runner.invoke(cli, ["check", str(vault)])
    lines = [line for line in result.output.splitlines() if ": warning: " in line]
    assert [line.split(": warning: ")[0].rsplit(":", 1)[1] for line in lines] == \
        ["3", "6", "9", "14"]  # the statement, the line, the note type line
    assert "Cloze note has no deletion" in lines[0]
    assert "'Image Occlusion' is not one highyield makes; no card made" in lines[1]
    assert "Basic note has an empty Back" in lines[2]
    assert "'Triage' is not one highyield makes; its lines are read as ordinary text" \
        in lines[3]
    imported = build_and_import(vault)  # the highlight in the unknown block still counts
    assert [c.question_text.split("Problems")[-1].strip() for c in imported.cards] == \
        ["[...] tags mean immediate care"]
