"""Dataview inline fields (``Key:: value``) are metadata, not cards, when the vault uses
Dataview (``inline_cards: auto``); a deck file can force either way. Every deck built is
imported into Anki."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import folder_deck
from highyield.config.deckfile import load_deck_file
from highyield.deck.build import build
from tests.anki_client import Imported, import_apkg
from tests.conftest import FIXED_NOW

REVIEW = "> [!info] Review\n> Subject:: {subject}\n> Status:: 🟡\n> Source:: [[UWorld]]\n"
PLUGINS = {".obsidian/community-plugins.json": json.dumps(["calendar", "dataview"])}


def _note(title: str, subject: str, body: str = "") -> str:
    return f"# {title}\n\n- ==Aortic stenosis== gives a crescendo-decrescendo murmur\n" \
           f"{body}\n{REVIEW.format(subject=subject)}"


def _fronts(deck: Imported) -> list[str]:
    """The fronts of the cards in the deck (a card no longer in the notes stays in the
    package, tagged as retired)."""
    return sorted(c.fields.get("Front") or c.fields["Text"] for c in deck.cards
                  if "highyield::retired" not in c.tags)


def _deck_file(tmp_path: Path, vault: Path, inline: str | None) -> Path:
    path = tmp_path / "d.yaml"
    line = f"inline_cards: {inline}\n" if inline is not None else ""
    path.write_text(f"deck: D\nnotes: {vault}\noutput: d.apkg\n{line}")
    return path


def test_plugin_listed_makes_every_field_metadata(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({**PLUGINS, "Murmurs.md": _note(
        "Murmurs", "Cardiology", "- Riluzole::Inhibits glutamate release\n")})
    deck = build_and_import(vault)
    assert _fronts(deck) == ["{{c1::Aortic stenosis}} gives a crescendo-decrescendo murmur"]


def test_a_key_in_three_notes_is_a_field_and_a_rarer_one_stays_a_card(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({
        "Cardio/AS.md": _note("AS", "Cardiology", "Mechanism:: calcified valve\n"),
        "Cardio/MR.md": _note("MR", "Cardiology", "Mechanism:: leaflet prolapse\n"),
        "Neuro/ALS.md": "# ALS\n\nRiluzole::Inhibits glutamate release\n\n"
                        "> [!info]\n> **Subject**:: Neurology\n> - status:: 🟢\n",
    })
    deck = build_and_import(vault)
    # Source is in two notes only: still a card
    assert _fronts(deck) == ["Mechanism", "Mechanism", "Riluzole", "Source", "Source",
                             "{{c1::Aortic stenosis}} gives a crescendo-decrescendo murmur",
                             "{{c1::Aortic stenosis}} gives a crescendo-decrescendo murmur"]
    assert not [c for c in deck.cards if "Cardiology" in c.answer_text]


def test_bracketed_fields_are_never_cards(make_vault: Callable[..., Path],
                                          build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"n.md": "Riluzole [dose:: 50 mg] slows ==ALS==\n\n"
                                "Edaravone (source:: First Aid) is a free-radical scavenger\n"})
    deck = build_and_import(vault)
    assert _fronts(deck) == ["Riluzole [dose:: 50 mg] slows {{c1::ALS}}"]


@pytest.mark.parametrize(("inline", "fronts"), [
    ("true", ["Riluzole", "Source", "Status", "Subject"]),
    ("auto", ["Riluzole"]),
    (None, ["Riluzole"]),
    ("false", []),
])
def test_the_deck_file_decides(make_vault: Callable[..., Path],
                               build_and_import: Callable[..., Imported], tmp_path: Path,
                               inline: str | None, fronts: list[str]) -> None:
    vault = make_vault({"n.md": "Riluzole::Inhibits glutamate release\n\n"
                                + REVIEW.format(subject="Neurology")})
    for n in range(2):  # the key is in three notes
        (vault / f"other{n}.md").write_text(REVIEW.format(subject="Cardiology"))
    deck = build_and_import(load_deck_file(_deck_file(tmp_path, vault, inline)))
    assert _fronts(deck) == sorted(
        f for f in fronts for _ in range(3 if f != "Riluzole" else 1))


def test_a_key_that_becomes_frequent_rereads_unchanged_notes(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    vault = make_vault({"a.md": "Status:: done\n", "b.md": "Status:: draft\n",
                        "c.md": "Riluzole::Inhibits glutamate release\n"})
    deck = folder_deck(vault, tmp_path / "out" / "d.apkg")

    def fronts(n: int) -> list[str]:
        build(deck, now=FIXED_NOW + n)
        return _fronts(import_apkg(deck.output, tmp_path / f"anki{n}"))

    assert fronts(0) == ["Riluzole", "Status", "Status"]
    (vault / "d.md").write_text("Status:: new\n")  # a third note: Status is a field now
    assert fronts(1) == ["Riluzole"]
    (vault / "d.md").unlink()  # two notes again: Status is a card front again
    assert fronts(2) == ["Riluzole", "Status", "Status"]


def test_check_says_once_what_it_left_out(runner: CliRunner, make_vault: Callable[..., Path],
                                          tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    vault = make_vault({f"n{i}.md": _note(f"N{i}", "Cardiology") for i in range(4)})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "vault"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "vault/n0.md:6: warning: 12 lines look like Dataview fields, e.g. `Source::` in 4 "
        "notes (their keys are each in 3 notes or more); they are not cards",
        "  hint: build with a deck file that sets `inline_cards: true` to make them cards",
    ]
    assert result.stdout.count("Dataview") == 1
    deck = _deck_file(tmp_path, vault, None)
    built = build(load_deck_file(deck), now=FIXED_NOW)
    assert built.tally is not None
    said = [d for d in built.tally.diagnostics if "Dataview" in d.message]
    assert [(d.location, d.hint) for d in said] == [
        ("vault/n0.md:6", "set `inline_cards: true` in the deck file to make them cards")]
    assert len(import_apkg(built.output, tmp_path / "anki").cards) == 4


def test_with_the_plugin_check_names_it(runner: CliRunner, make_vault: Callable[..., Path],
                                        tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    make_vault({**PLUGINS, "n.md": "Riluzole::Inhibits glutamate release\n"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "vault"])
    assert result.stdout.splitlines()[2] == (
        "vault/n.md:1: warning: 1 line looks like Dataview fields, e.g. `Riluzole::` in 1 note "
        "(the vault uses the Dataview plugin); they are not cards")


def test_a_rebuild_scans_only_the_changed_notes_for_dataview_keys(
        make_vault: Callable[..., Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys of unchanged notes come from the build cache (issue 17: every build read
    every note's text for them); a key that drops below three notes is a card again."""
    from highyield.extract import dataview

    vault = make_vault({f"N{n}.md": f"# N{n}\n- ==Fact {n}== here\nMechanism:: way {n}\n"
                        for n in range(3)})
    deck = folder_deck(vault, tmp_path / "d.apkg")
    build(deck, now=FIXED_NOW)
    assert _fronts(import_apkg(deck.output, tmp_path / "a1")) == [
        f"{{{{c1::Fact {n}}}}} here" for n in range(3)]
    scanned: list[Path] = []
    text = dataview._text

    def counting(root: Path, path: Path) -> str:
        scanned.append(path)
        return text(root, path)
    monkeypatch.setattr(dataview, "_text", counting)
    (vault / "N2.md").write_text("# N2\n- ==Fact 2== here\nMechanism::way 2\n")
    build(deck, now=FIXED_NOW + 60)
    assert scanned == [vault / "N2.md"]
    assert _fronts(import_apkg(deck.output, tmp_path / "a2")) == [
        f"{{{{c1::Fact {n}}}}} here" for n in range(3)]
    (vault / "N1.md").write_text("# N1\n- ==Fact 1== here\n")
    build(deck, now=FIXED_NOW + 120)
    assert scanned == [vault / "N2.md", vault / "N1.md"]
    assert _fronts(import_apkg(deck.output, tmp_path / "a3")) == [  # 2 notes: cards again
        "Mechanism", "Mechanism", *(f"{{{{c1::Fact {n}}}}} here" for n in range(3))]
