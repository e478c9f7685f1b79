"""The commands: exact output, exit codes, help, errors. Every deck built is imported."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from highyield.cli import cli
from tests.anki_client import import_apkg
from tests.conftest import (
    FIXTURES,
    PROJECT,
    SAMPLE_AUTO,
    SAMPLE_REPEATS,
    SAMPLE_UNSURE,
    SAMPLE_UNTESTABLE,
)

ALS = "notes/USMLE/Neurology/Amyotrophic lateral sclerosis.md"
ALS_COUNTS = "12 cards in 11 Anki notes (11 cloze, 0 basic, 0 reversed)"
# the ALS note's 12 highlight cards and the clippings' auto cards
CARDS, NOTES = 12 + SAMPLE_AUTO, 11 + SAMPLE_AUTO
COUNTS = (f"{CARDS} cards in {NOTES} Anki notes ({NOTES} cloze, 0 basic, 0 reversed; "
          f"{SAMPLE_AUTO} auto) · {SAMPLE_REPEATS} repeated statements left out · "
          f"{SAMPLE_UNTESTABLE} statements without a testable fact · "
          f"{SAMPLE_UNSURE} auto cards under min_score")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's decks/ and notes/, as the current folder."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT / "decks", root / "decks",
                    ignore=shutil.ignore_patterns("*.apkg"))
    shutil.copytree(PROJECT / "notes", root / "notes",
                    ignore=shutil.ignore_patterns(".highyield"))  # a ledger a run left
    monkeypatch.chdir(root)
    return root


def test_every_command_has_help_with_an_example(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Start here:" in result.output
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Examples:" in result.output, name
        assert command.help and len(command.help.split()) > 10, name


def test_build_with_no_arguments_builds_every_deck(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Built USMLE → decks/USMLE.apkg: +{NOTES} new\n"
        f"  5 notes read · {COUNTS} · 0 errors · 1 warning\n")
    assert result.stderr == (
        f"{ALS}:25: warning: image '/img/user/appendix/Pasted image 20250425151800.png' "
        "was not found in the vault\n"
        "  hint: put the image inside the vault and embed it as ![[name.png]]\n")
    imported = import_apkg(project / "decks" / "USMLE.apkg", project / "anki")
    assert len(imported.cards) == CARDS
    assert {c.deck for c in imported.cards} == {"USMLE"}


def test_build_a_folder_to_a_file(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build", "notes/USMLE", "-o", "out/neuro.apkg"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Built USMLE → out/neuro.apkg: +11 new\n  1 note read · {ALS_COUNTS}")
    imported = import_apkg(project / "out" / "neuro.apkg", project / "anki")
    assert {c.deck for c in imported.cards} == {"USMLE"}
    assert len(imported.cards) == 12


def test_build_one_deck_by_name(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build", "--deck", "usmle"])
    assert result.exit_code == 0, result.output
    assert (project / "decks" / "USMLE.apkg").exists()
    assert import_apkg(project / "decks" / "USMLE.apkg", project / "anki").new == NOTES


def test_cards_json(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["cards", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == NOTES
    umn = next(r for r in rows if r["text"].startswith("UMN:"))
    assert umn == {
        "deck": "USMLE",
        "key": umn["key"],
        "kind": "cloze",
        "text": "UMN: {{c1::degeneration & atrophy of lateral corticospinal tracts, "
                "precentral gyrus}}",
        "context": ["Amyotrophic lateral sclerosis", "Pathophysiology", "Pathology"],
        "cue": [],
        "extra": [],
        "tags": ["highyield", "t1", "USMLE::Neurology"],
        "source": "USMLE/Neurology/Amyotrophic lateral sclerosis.md:19",
    }
    assert len(umn["key"]) == 16


def test_cards_preview_text(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["cards", "notes"])
    assert result.exit_code == 0
    assert ("USMLE/Neurology/Amyotrophic lateral sclerosis.md:56  cloze" in result.stdout)
    assert "  {{c1::Riluzole}}\n    · A sodium-channel blocker" in result.stdout
    assert result.stdout.rstrip().endswith(
        f"5 notes read · {COUNTS} · 0 errors · 1 warning")


def test_cards_auto_previews_the_auto_cards_with_their_scores(runner: CliRunner,
                                                            project: Path) -> None:
    result = runner.invoke(cli, ["cards", "--auto"])
    assert result.exit_code == 0, result.output
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == SAMPLE_AUTO + 1  # the cards, then the summary
    smn1 = next(b for b in blocks if "{{c1::survival motor neuron 1 (SMN1)}} gene" in b)
    assert smn1.splitlines()[0].startswith(
        "Clippings/Neither ALS nor SMA are Demyelinating Diseases.md:10  auto 0.")
    assert smn1.splitlines()[1] == (
        "  Neither ALS nor SMA are Demyelinating Diseases › Pathophysiology: Why These Are "
        "NOT Demyelinating Diseases › SMA Pathophysiology")
    assert "USMLE/Neurology" not in result.stdout
    rows = [json.loads(line) for line in runner.invoke(cli, ["cards", "--json"]).stdout
            .splitlines()]
    auto = [r for r in rows if "highyield::auto" in r["tags"]]
    assert len(auto) == SAMPLE_AUTO and all(0.5 <= r["score"] <= 1 for r in auto)
    assert all("score" not in r for r in rows if r not in auto)


def test_min_score_on_the_command_line(runner: CliRunner, project: Path) -> None:
    strict = runner.invoke(cli, ["cards", "--auto", "--min-score", "0.8"])
    assert strict.exit_code == 0
    shown = [float(line.split("  auto ")[1].split()[0]) for line in strict.stdout.splitlines()
             if "  auto " in line]
    assert 0 < len(shown) < SAMPLE_AUTO and min(shown) >= 0.8
    wrong = runner.invoke(cli, ["cards", "--min-score", "2"])
    assert wrong.exit_code == 2
    assert "2.0 is not in the range 0<=x<=1" in wrong.output
    nan = runner.invoke(cli, ["cards", "--min-score", "nan"])  # every comparison lets it by
    assert (nan.exit_code, nan.output.splitlines()[-1]) == (
        2, "Error: Invalid value for '--min-score': 'nan' is not a number from 0 to 1.")


def test_a_new_card_count_too_large_for_the_store_is_a_range_error(
        runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["quiz", "--new", str(2 ** 63)])
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        2, f"Error: Invalid value for '--new': {2 ** 63} is not in the range 0<=x<=9999.")


def test_check_lists_diagnostics_and_exits_zero_on_warnings(runner: CliRunner,
                                                             project: Path) -> None:
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        f"{ALS}:25: warning: image '/img/user/appendix/Pasted image 20250425151800.png' "
        "was not found in the vault")
    assert result.stdout.splitlines()[-1] == (
        f"Checked USMLE (notes): 5 notes read · {COUNTS} · 0 errors · 1 warning")


def test_check_exits_one_on_an_error(runner: CliRunner, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "cards.md").write_text("What is missing?\n?\n\n- ==fine== fact\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "v"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "v/cards.md:2: error: multi-line card has no answer: the card is skipped",
        "  hint: put the answer lines right below the line with only ?, "
        "with no blank line in between",
    ]


def test_missing_vault_is_a_clean_error(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build", "nowhere"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no such folder: nowhere\n"
        "  hint: pass the folder of your notes (e.g. notes) or a deck file "
        "(e.g. decks/usmle.yaml)\n")


def test_no_deck_definitions_is_a_clean_error(runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no deck definitions in decks/\n  hint: run this")
    assert "`highyield build NOTES`" in result.stderr
    cards = runner.invoke(cli, ["cards", "--auto"])  # the hint names the command run
    assert cards.exit_code == 2 and "`highyield cards NOTES`" in cards.stderr


def test_unknown_deck_name(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["cards", "--deck", "Cardio"])
    assert result.exit_code == 2
    assert result.stderr == ("error: no deck named 'Cardio'\n"
                             "  hint: decks defined: USMLE (usmle.yaml)\n")


def test_output_that_is_a_folder_gets_the_deck_file(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build", "-o", "out/"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Built USMLE → out/USMLE.apkg: +{NOTES} new\n")
    assert len(import_apkg(project / "out" / "USMLE.apkg", project / "anki").cards) == CARDS


def test_output_must_be_an_apkg(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build", "-o", "deck.txt"])
    assert result.exit_code == 2
    assert result.stderr == ("error: the output must be an .apkg file: deck.txt\n"
                             "  hint: Anki imports .apkg files; try -o deck.txt.apkg\n")


def test_a_note_instead_of_a_folder(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build", "notes/Clippings/MS vs ALS.md"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: notes/Clippings/MS vs ALS.md is a note, not a folder of notes or a deck file\n"
        "  hint: pass the folder that holds it: notes/Clippings\n")


def test_output_under_a_file_is_unwritable(runner: CliRunner, project: Path) -> None:
    (project / "blocker").write_text("a file, not a folder")
    result = runner.invoke(cli, ["build", "notes", "-o", "blocker/deck.apkg"])
    assert result.exit_code == 2
    assert result.stderr == ("error: cannot write blocker/deck.apkg: blocker is a file, not a "
                             "folder\n  hint: choose another path with -o PATH.apkg\n")
    assert "Traceback" not in result.output


def test_failed_write_leaves_the_previous_deck_untouched(
        runner: CliRunner, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(cli, ["build"]).exit_code == 0
    deck = project / "decks" / "USMLE.apkg"
    before = deck.read_bytes()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("zipfile.ZipFile.write", disk_full)
    (project / "notes" / "new.md").write_text("- a ==new fact==\n")
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: cannot write decks/USMLE.apkg: the disk is full\n"
        "  hint: free some space on that disk, then build again; the previous deck is "
        "untouched\n")
    assert deck.read_bytes() == before
    assert sorted(p.name for p in (project / "decks").iterdir()) == ["USMLE.apkg", "usmle.yaml"]
    assert len(import_apkg(deck, project / "anki").cards) == CARDS


def test_a_deck_definition_error_names_the_line(runner: CliRunner, project: Path) -> None:
    (project / "decks" / "usmle.yaml").write_text("deck: USMLE\nnotes: ../notes\ntagz: [x]\n")
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: decks/usmle.yaml:3: unknown key `tagz`\n  hint: did you mean `tags`?\n")


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("highyield, version ")


def test_build_leaves_no_temporary_files(runner: CliRunner, project: Path,
                                         _isolated: Path) -> None:
    assert runner.invoke(cli, ["build"]).exit_code == 0
    assert list(_isolated.iterdir()) == []
    assert sorted(p.name for p in (project / "decks").iterdir()) == ["USMLE.apkg", "usmle.yaml"]
    assert len(import_apkg(project / "decks" / "USMLE.apkg", project / "anki").cards) == CARDS


def test_fixture_vault_check_output(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    result = runner.invoke(cli, ["check", "syntax"])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if not line.startswith("  hint")]
    assert lines[:4] == [
        "syntax/bad-frontmatter.md:2: warning: invalid YAML frontmatter: "
        "expected ',' or ']', but got '<stream end>'",
        "syntax/bare.md:14: warning: card shows nothing but its title and headings",
        "syntax/basic.md:21: warning: Front::Back card with an empty back; no card made",
        "syntax/basic.md:22: warning: Front::Back card with an empty front; no card made",
    ]


def test_deck_flag_works_despite_another_broken_deck_file(runner: CliRunner,
                                                          project: Path) -> None:
    (project / "decks" / "other.yaml").write_text("deck: Other\nnotes: ../notes\nouptut: x\n")
    result = runner.invoke(cli, ["build", "--deck", "USMLE"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "warning: skipped a broken deck file: decks/other.yaml:3: unknown key `ouptut`\n")
    assert len(import_apkg(project / "decks" / "USMLE.apkg", project / "anki").cards) == CARDS
    everything = runner.invoke(cli, ["build"])
    assert everything.exit_code == 2
    assert everything.stderr == ("error: decks/other.yaml:3: unknown key `ouptut`\n"
                                 "  hint: did you mean `output`?\n")


def test_quiz_takes_piped_keys_and_keeps_the_answers(runner: CliRunner,
                                                     make_vault: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    vault = make_vault({"n.md": "# N\n- The ==first== fact.\n- The ==second== fact.\n"})
    state = tmp_path / "state"
    state.mkdir()
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(state)], input=" 3 4q")
    assert result.exit_code == 0, result.output
    assert "Read vault: 2 cards (2 added)" in result.output
    assert "The [...] fact." in result.output and "The «second» fact." in result.output
    assert "Studied 2 cards in" in result.output and "100% correct (2 of 2)" in result.output
    assert (state / "reviews.sqlite3").exists()
    again = runner.invoke(cli, ["quiz", str(vault), "--state", str(state)], input="q")
    assert "Read vault" not in again.output  # the notes had not changed
    assert "The [...] fact." in again.output  # the first card, back after 10 minutes


def test_quiz_refuses_a_newer_store_cleanly(runner: CliRunner, make_vault: Callable[..., Path],
                                            tmp_path: Path) -> None:
    import sqlite3

    vault = make_vault({"n.md": "- a ==fact==\n"})
    store = tmp_path / "future.sqlite3"
    db = sqlite3.connect(store)
    db.execute("PRAGMA user_version = 99")
    db.close()
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input="q")
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {store} was written by a newer highyield "
                                    "(store version 99;")
    assert "hint: upgrade highyield" in result.output
    assert "Traceback" not in result.output


TAGGED = "---\ntags: [USMLE/Neurology]\n---\n- ALS affects ==upper and lower== motor neurons.\n"


def test_quiz_tag_finds_a_tag_under_a_parent_and_says_when_none_match(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"ALS.md": TAGGED, "Other.md": "- an ==other== fact\n"})
    state = str(tmp_path / "s.sqlite3")
    found = runner.invoke(cli, ["quiz", str(vault), "--state", state, "--tag", "Neurology"],
                          input=" 3q")
    assert found.exit_code == 0, found.output
    assert "ALS affects [...] motor neurons." in found.output
    assert "an [...] fact" not in found.output
    none = runner.invoke(cli, ["quiz", str(vault), "--state", state, "--tag", "Cardio"],
                         input="q")
    assert none.exit_code == 2
    assert "error: no card has the tag 'Cardio'" in none.output
    assert "hint: tags in vault: USMLE::Neurology" in none.output


@pytest.mark.parametrize("tag", ["", "#", "  ", "::"])
def test_quiz_refuses_a_tag_that_names_no_tag(runner: CliRunner, make_vault: Callable[..., Path],
                                              tmp_path: Path, tag: str) -> None:
    vault = make_vault({"ALS.md": TAGGED, "Other.md": "- an ==other== fact\n"})
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(tmp_path / "s.sqlite3"),
                                 "--tag", tag], input=" 3q")
    assert result.exit_code == 2, result.output
    assert f"error: --tag {tag!r} names no tag" in result.output
    assert "leave --tag out to study every card" in result.output
    assert "[...]" not in result.output  # no card was shown


def test_a_note_two_decks_read_is_studied_in_both(runner: CliRunner, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A deck of every note and a deck of one folder share the folder's cards: each deck's
    quiz and stats take them, whichever deck read them last (before, the last one alone
    had them)."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "all.yaml").write_text("deck: All\nnotes: ../notes\n")
    (tmp_path / "decks" / "cardio.yaml").write_text(
        'deck: Cardio\nnotes: ../notes\ninclude: ["Cardio/**"]\n')
    for name, text in {"Cardio/heart.md": "- The heart has ==four== chambers.\n",
                       "Renal/kidney.md": "- The kidney filters ==blood==.\n"}.items():
        (tmp_path / "notes" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "notes" / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    state = ["--state", "s.sqlite3"]
    both = runner.invoke(cli, ["quiz", *state], input="q")  # reads All, then Cardio
    assert both.exit_code == 0, both.output
    assert "tomorrow 0 due and 2 new" in both.output
    assert " · new · [2] + 0 + 0 " in both.output  # the shared card counted once
    for deck, new in (("All", 2), ("Cardio", 1)):
        quiz = runner.invoke(cli, ["quiz", "--deck", deck, *state], input="q")
        assert quiz.exit_code == 0, quiz.output
        assert f"tomorrow 0 due and {new} new" in quiz.output, (deck, quiz.output)
        stats = runner.invoke(cli, ["stats", "--deck", deck, *state])
        assert f"Cards: {new} new · 0 learning" in stats.output, (deck, stats.output)
    studied = runner.invoke(cli, ["quiz", "--deck", "Cardio", *state], input=" 3q")
    assert studied.exit_code == 0, studied.output
    assert "The heart has [...] chambers." in studied.output
    stats = runner.invoke(cli, ["stats", "--deck", "All", *state])
    assert "Cards: 1 new · 1 learning" in stats.output, stats.output
    # a deck file's name, in any case, as quiz and build take it
    by_file = runner.invoke(cli, ["stats", "--deck", "cardio", "--deck", "ALL", *state])
    assert by_file.exit_code == 0 and "Cards: 1 new · 1 learning" in by_file.output, \
        by_file.output
    whole = runner.invoke(cli, ["stats", "--deck", "cardio.yaml", *state])
    assert whole.exit_code == 0 and "Cards: 0 new · 1 learning" in whole.output, whole.output
    fitted = runner.invoke(cli, ["optimize", "--deck", "CARDIO", "--dry-run", *state])
    assert fitted.exit_code == 0 and fitted.output.startswith("Cardio: "), fitted.output


def test_stats_takes_deck_as_build_and_quiz_do(runner: CliRunner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A deck's name before another deck's file name: `stats --deck cardio` showed the
    figures of deck Heart (in cardio.yaml), though every other command took deck Cardio
    (fault probe)."""
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "all.yaml").write_text("deck: Cardio\nnotes: ../notes\n")
    (tmp_path / "decks" / "cardio.yaml").write_text("deck: Heart\nnotes: ../notes\n"
                                                    "output: heart.apkg\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "heart.md").write_text("- The heart has ==four== chambers.\n")
    monkeypatch.chdir(tmp_path)
    state = ["--state", "s.sqlite3"]
    assert runner.invoke(cli, ["quiz", "--deck", "heart", *state], input="q").exit_code == 0
    named = runner.invoke(cli, ["stats", "--deck", "cardio", *state])
    assert named.exit_code == 2
    assert "the review store has no deck named 'cardio'" in named.output
    by_file = runner.invoke(cli, ["stats", "--deck", "cardio.yaml", *state])
    assert by_file.exit_code == 0 and "Cards: 1 new" in by_file.output, by_file.output


def test_an_up_to_date_build_says_again_the_problems_that_still_stand(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({"a.md": "- The kidney filters ==blood==.\n",
                        "b.md": "What is missing?\n?\n",
                        "c.md": "---\ntags: [a\n---\n- The heart has ==four== chambers.\n"})
    args = ["build", str(vault), "-o", str(tmp_path / "o.apkg")]
    first = runner.invoke(cli, args)
    assert first.exit_code == 1, first.output
    assert "0 warnings" not in first.stdout and "1 error · 1 warning" in first.stdout
    again = runner.invoke(cli, args)
    assert again.exit_code == 1, again.output  # the error still stands
    assert again.stderr == first.stderr
    assert again.stdout.endswith("up to date (nothing changed since the last build; --force "
                                 "rebuilds); the 1 error and 1 warning above still stand\n")
    monkeypatch.chdir(vault)  # shown from here, wherever the last build ran
    inside = runner.invoke(cli, args)
    assert inside.stderr.startswith("b.md:2: error: multi-line card has no answer"), \
        inside.stderr
    monkeypatch.chdir(tmp_path)
    (vault / "b.md").write_text("What is missing?\n?\nThe answer.\n")
    fixed = runner.invoke(cli, args)
    assert fixed.exit_code == 0 and "0 errors · 1 warning" in fixed.stdout, fixed.output
    still = runner.invoke(cli, args)
    assert still.exit_code == 0, still.output
    assert still.stdout.endswith("; the 1 warning above still stands\n")
    assert still.stderr.startswith(f"{vault.name}/c.md:2: warning: invalid YAML frontmatter")
    (vault / "c.md").write_text("- The heart has ==four== chambers.\n")
    assert runner.invoke(cli, args).exit_code == 0
    clean = runner.invoke(cli, args)
    assert (clean.exit_code, clean.stderr) == (0, "")
    assert clean.stdout.endswith("up to date (nothing changed since the last build; --force "
                                 "rebuilds)\n")


def test_a_rebuild_says_how_many_notes_were_read_again(
        runner: CliRunner, make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"a.md": "- The kidney filters ==blood==.\n",
                        "b.md": "- The heart has ==four== chambers.\n",
                        "c.md": "- The lung ==exchanges gas==.\n"})
    args = ["build", str(vault), "-o", str(tmp_path / "o.apkg")]
    assert "\n  3 notes read · 3 cards" in runner.invoke(cli, args).stdout
    (vault / "b.md").write_text("- The heart has ==four== chambers and valves.\n")
    edited = runner.invoke(cli, args).stdout
    assert "~1 updated\n  3 notes (1 read again) · 3 cards" in edited, edited
    forced = runner.invoke(cli, [*args, "--force"]).stdout
    assert "\n  3 notes (none read again) · 3 cards" in forced, forced


def _project(tmp_path: Path, decks: dict[str, str], notes: dict[str, str]) -> None:
    for name, text in {**{f"decks/{d}": t for d, t in decks.items()},
                       **{f"notes/{n}": t for n, t in notes.items()}}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def test_a_card_moved_out_of_one_of_two_decks_stays_in_the_other_with_its_schedule(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, {"all.yaml": "deck: All\nnotes: ../notes\n",
                        "cardio.yaml": 'deck: Cardio\nnotes: ../notes\ninclude: ["Cardio/**"]\n'},
             {"Cardio/heart.md": "- The heart has ==four== chambers.\n",
              "Cardio/valves.md": "- The heart has ==four== valves.\n"})
    monkeypatch.chdir(tmp_path)
    state = ["--state", "s.sqlite3"]
    studied = runner.invoke(cli, ["quiz", "--new", "1", *state], input=" 3q")
    assert "Cards: 1 new · 1 learning" in runner.invoke(cli, ["stats", *state]).output
    assert studied.exit_code == 0, studied.output
    (tmp_path / "notes/Cardio/heart.md").rename(tmp_path / "notes/heart.md")
    moved = runner.invoke(cli, ["quiz", *state], input="q")  # All read, then Cardio
    assert moved.exit_code == 0, moved.output
    assert "Read All: 2 cards (0 added, 1 back in the notes)" in moved.output, moved.output
    for deck, line in (("All", "Cards: 1 new · 1 learning · 0 review · 0 retired"),
                       ("Cardio", "Cards: 1 new · 0 learning · 0 review · 0 retired")):
        stats = runner.invoke(cli, ["stats", "--deck", deck, *state])
        assert line in stats.output, (deck, stats.output)


def test_a_renamed_decks_deleted_notes_are_retired(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(Fault probe: the old name, never read again, kept them active for good.)"""
    _project(tmp_path, {"d.yaml": "deck: All\nnotes: ../notes\n"},
             {"a.md": "- The heart has ==four== chambers.\n",
              "b.md": "- The kidney filters ==blood==.\n"})
    monkeypatch.chdir(tmp_path)
    state = ["--state", "s.sqlite3"]
    assert runner.invoke(cli, ["quiz", *state], input="q").exit_code == 0
    (tmp_path / "decks/d.yaml").write_text("deck: Everything\nnotes: ../notes\n")
    assert runner.invoke(cli, ["quiz", *state], input="q").exit_code == 0
    (tmp_path / "notes/b.md").unlink()
    gone = runner.invoke(cli, ["quiz", *state], input="q")
    assert "Read Everything: 1 card (0 added, 1 retired (gone" in gone.output, gone.output
    stats = runner.invoke(cli, ["stats", *state])  # every deck the store knows
    assert "Cards: 1 new · 0 learning · 0 review · 1 retired" in stats.output, stats.output


def test_state_may_name_a_new_folder(runner: CliRunner, make_vault: Callable[..., Path],
                                     tmp_path: Path) -> None:
    vault = make_vault({"n.md": "- a ==fact==\n"})
    folder = tmp_path / "new" / "place"
    result = runner.invoke(cli, ["quiz", str(vault), "--state", f"{folder}/"], input="q")
    assert result.exit_code == 0, result.output
    assert f"New review store: {folder / 'reviews.sqlite3'}" in result.output
    assert (folder / "reviews.sqlite3").is_file()
    again = runner.invoke(cli, ["quiz", str(vault), "--state", str(folder)], input="q")
    assert "New review store" not in again.output


def test_a_read_only_store_is_explained(runner: CliRunner, make_vault: Callable[..., Path],
                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    vault = make_vault({"n.md": "- a ==fact==\n"})
    store = tmp_path / "ro.sqlite3"
    runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input="q")
    (vault / "n.md").write_text("- a ==changed== fact\n")
    # tests run as root, who may write a chmod 444 file: open it read-only instead
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, isolation_level=None)
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: db)
    result = runner.invoke(cli, ["quiz", str(vault), "--state", str(store)], input="q")
    assert result.exit_code == 2, result.output
    assert f"error: the review store {store} is read-only" in result.output
    assert "hint: make the file and its folder writable" in result.output


def test_stats_names_an_unknown_deck(runner: CliRunner, make_vault: Callable[..., Path],
                                     tmp_path: Path) -> None:
    vault = make_vault({"n.md": "- a ==fact==\n"})
    state = str(tmp_path / "s.sqlite3")
    runner.invoke(cli, ["quiz", str(vault), "--state", state], input="q")
    result = runner.invoke(cli, ["stats", "--state", state, "--deck", "Step1"])
    assert result.exit_code == 2
    assert "error: the review store has no deck named 'Step1'" in result.output
    assert "hint: decks studied so far: vault" in result.output


@pytest.mark.parametrize("command", [
    [str(Path(sys.executable).with_name("highyield"))],  # as installed
    [sys.executable, "-m", "highyield"],
])
def test_ctrl_c_as_the_command_starts_says_interrupted(command: list[str],
                                                       tmp_path: Path) -> None:
    """Ctrl-C while highyield's modules load (twelfth fault probe: a Python traceback,
    in 5 of 12 tries in the first fifth of a second). One that lands while Python itself
    starts, before any of highyield runs, is Python's to report."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text("- ==Riluzole== slows ALS.\n", encoding="utf-8")
    env = {**os.environ, "HIGHYIELD_HOME": str(tmp_path / "home")}
    outcomes = []
    for step in range(12):  # 40 ms to 0.92 s after the start
        child = subprocess.Popen([*command, "build", str(vault), "-o", str(tmp_path / "o.apkg")],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True, start_new_session=True)
        time.sleep(0.04 + 0.08 * step)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGINT)  # as a terminal sends it
        _, err = child.communicate(timeout=60)
        outcomes.append(child.returncode)
        if "Traceback" in err:  # Python starting: none of highyield's code in it
            assert "/highyield/" not in err and child.returncode == -signal.SIGINT, err
            continue
        # stopped by the signal (before Python began, say), as any program is
        assert child.returncode in (0, 130, -signal.SIGINT), err
        assert err.strip() in ("", "interrupted"), err
        assert err.strip() == "interrupted" or child.returncode != 130, err
    assert 130 in outcomes  # some were interrupted as the modules loaded
    if 0 in outcomes:  # and a build that finished wrote its deck whole
        cards = import_apkg(tmp_path / "o.apkg", tmp_path / "anki").cards
        assert [c.answer_text for c in cards] == ["n Riluzole slows ALS. n.md"]


def test_output_that_cannot_be_utf8_shows_a_question_mark_for_what_it_lacks(
        tmp_path: Path) -> None:
    """A Latin-1 or ASCII terminal with Python's UTF-8 mode off: "→" and "—" stopped
    every command with an internal error (thirteenth fault probe)."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text("- ==Riluzole== slows ALS — modestly.\n", encoding="utf-8")
    env = {**os.environ, "HIGHYIELD_HOME": str(tmp_path / "home"), "PYTHONUTF8": "0",
           "PYTHONIOENCODING": "latin-1", "LC_ALL": "C"}
    for args in (["build", str(vault), "-o", str(tmp_path / "o.apkg"), "-v"],
                 ["check", str(vault)], ["cards", str(vault)]):
        done = subprocess.run([sys.executable, "-m", "highyield", *args], env=env,
                              capture_output=True, timeout=120)
        out = done.stdout.decode("latin-1") + done.stderr.decode("latin-1")
        assert done.returncode == 0 and "internal error" not in out, out
        assert "slows ALS ? modestly" in out or args[0] == "check", out
    forced = subprocess.run([sys.executable, "-m", "highyield", "build", str(vault), "-o",
                             str(tmp_path / "o.apkg"), "--force"], env=env,
                            capture_output=True, timeout=120).stdout.decode("latin-1")
    assert forced.startswith("Built vault ? ") and "· 0 errors · 0 warnings" in forced
    cards = import_apkg(tmp_path / "o.apkg", tmp_path / "anki").cards
    assert [c.answer_text for c in cards] == ["n Riluzole slows ALS — modestly. n.md"]


@pytest.mark.parametrize("command", [
    [str(Path(sys.executable).with_name("highyield"))],  # as installed
    [sys.executable, "-m", "highyield"],
])
def test_the_c_locale_reads_note_names_as_utf8(command: list[str], tmp_path: Path) -> None:
    """LC_ALL=C with Python's UTF-8 mode off read file names as ASCII: a note named
    "Ünïcode note.md" was "not valid UTF-8" on a first build, and an internal error once
    the ledger named it (fourteenth fault probe)."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Ünïcode note.md").write_text("- Ärzte ==β-blocker== ok.\n", encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LC_ALL": "C",
           "PYTHONUTF8": "0", "HIGHYIELD_HOME": str(tmp_path / "home")}
    for args in (["build", str(vault), "-o", str(tmp_path / "o.apkg"), "-v"],
                 ["build", str(vault), "-o", str(tmp_path / "o.apkg"), "--force"],
                 ["check", str(vault)], ["cards", str(vault)]):
        done = subprocess.run([*command, *args], env=env, capture_output=True, timeout=120)
        out = (done.stdout + done.stderr).decode("utf-8")
        assert done.returncode == 0 and "internal error" not in out, out
        assert "not valid UTF-8" not in out, out
    cards = import_apkg(tmp_path / "o.apkg", tmp_path / "anki").cards
    assert [c.answer_text for c in cards] == ["Ünïcode note Ärzte β-blocker ok. Ünïcode note.md"]


def test_output_to_a_full_device_is_said_not_called_a_bug(tmp_path: Path) -> None:
    """(Sixteenth fault probe: `highyield --help >/dev/full` was "a bug in highyield".)"""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "n.md").write_text("- ==Riluzole== slows ALS.\n", encoding="utf-8")
    env = {**os.environ, "HIGHYIELD_HOME": str(tmp_path / "home")}
    for args in (["--help"], ["check", str(vault)], ["cards", str(vault)],
                 ["build", str(vault), "-o", str(tmp_path / "o.apkg")]):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "highyield", *args], env=env,
                                  stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        assert done.returncode == 1 and "internal error" not in done.stderr, done.stderr
        assert done.stderr.endswith(
            "error: cannot write the output: No space left on device\n  hint: standard "
            "output goes to a full disk or a device that takes nothing (/dev/full): send it "
            "elsewhere; what was done is kept\n"), done.stderr
    cards = import_apkg(tmp_path / "o.apkg", tmp_path / "anki").cards  # the deck was built
    assert [c.answer_text for c in cards] == ["n Riluzole slows ALS. n.md"]
