"""Notes written for the obsidian-spaced-repetition plugin: its settings (separators,
flashcard tags) from data.json, multi-line cards as it reads them, code blocks in answers
and its scheduling comments. Every deck is imported into Anki."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from highyield.cli import cli
from highyield.config import card_settings, folder_deck
from highyield.config.srplugin import DATA_JSON, CardSyntax, SrPlugin, read_plugin
from highyield.deck.build import build
from tests.anki_client import Imported, RenderedCard
from tests.conftest import FIXED_NOW

MakeVault = Callable[..., Path]
BuildImport = Callable[..., Imported]

VALSALVA = """\
# Murmurs

Which murmurs increase with Valsalva?
- think of preload
?
HCM and MVP
"""

STACKED = """\
What causes a wide fixed split S2?
?
ASD
Which sound follows an opening snap?
?
the mitral stenosis rumble
Name the two murmurs heard best in expiration:
- on the left
- both diastolic
??
left-sided murmurs
"""

CODE = """\
How is a dose rounded in Python?
?
```python
dose = round(weight * 0.15, 1)


print(dose)
```

Which callout holds the mnemonic?
?
````ad-note

```text
A-B-C
```

~~~python
x = 1
~~~
````
"""

SCHEDULED = """\
#flashcards

First-line drug for absence seizures::ethosuximide <!--SR:!2026-01-03,3,250-->
Drug for trigeminal neuralgia::carbamazepine
<!--SR:!2026-01-04,4,270-->

Which nerve is hit in a midshaft humerus fracture?
?
radial nerve
<!--SR:!2026-01-03,3,250-->

Drug of choice for status epilepticus::lorazepam
> [!sr|card-metadata]
> <!--SR:!2026-01-05,5,290-->
"""


def _data(**settings: object) -> str:
    return json.dumps({"settings": settings, "buryDate": "", "buryList": []})


def _back(card: RenderedCard) -> str:
    return card.fields["Back"]


def test_a_question_runs_back_to_the_blank_line_lists_included(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    deck = build_and_import(make_vault({"Murmurs.md": VALSALVA}))
    [card] = deck.cards
    assert card.question_text.endswith(
        "Which murmurs increase with Valsalva? • think of preload")
    assert "HCM and MVP" in card.answer_text


def test_stacked_question_cards_are_separate_cards(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    deck = build_and_import(make_vault({"Sounds.md": STACKED}))
    backs = {c.question_text.split("Sounds ")[-1]: visible_back(c) for c in deck.cards}
    assert backs == {
        "What causes a wide fixed split S2?": "ASD",
        "Which sound follows an opening snap?": "the mitral stenosis rumble",
        "Name the two murmurs heard best in expiration: • on the left • both diastolic":
            "left-sided murmurs",
        "left-sided murmurs": "Name the two murmurs heard best in expiration: • on the left "
                              "• both diastolic",
    }
    assert not any(line.strip() == "?" for c in deck.cards for line in _back(c).split("<br>"))


def visible_back(card: RenderedCard) -> str:
    """What the answer side adds to the question, without the note's Source line."""
    added = card.answer_text.removeprefix(card.question_text)
    return added.rsplit(" ", 1)[0].strip() if added.endswith(".md") else added.strip()


def test_a_code_block_in_an_answer_stays_whole(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    deck = build_and_import(make_vault({"Code.md": CODE}))
    cards = {c.question_text.split("Code ")[-1]: c for c in deck.cards}
    dose = _back(cards["How is a dose rounded in Python?"])
    assert dose == ('<pre><code class="language-python">dose = round(weight * 0.15, 1)'
                    '\n\n\nprint(dose)</code></pre>')
    assert "<pre><code" in cards["How is a dose rounded in Python?"].answer
    note = _back(cards["Which callout holds the mnemonic?"])
    assert note == ('<pre><code class="language-ad-note">\n```text\nA-B-C\n```\n\n'
                    '~~~python\nx = 1\n~~~</code></pre>')
    assert len(deck.cards) == 2


def test_scheduling_comments_never_reach_a_card(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    deck = build_and_import(make_vault({"Neuro.md": SCHEDULED}))
    assert len(deck.cards) == 4
    for card in deck.cards:
        assert "SR:" not in card.question + card.answer
        assert "<!--" not in str(card.fields) and "card-metadata" not in str(card.fields)
    backs = sorted(visible_back(c) for c in deck.cards)
    assert backs == ["carbamazepine", "ethosuximide", "lorazepam", "radial nerve"]


def test_with_the_plugin_only_tagged_notes_give_explicit_cards(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    vault = make_vault({
        DATA_JSON: _data(flashcardTags=["#flashcards"]),
        "Tagged.md": "#flashcards/cardio\n\nDrug for WPW::procainamide\n\n"
                     "Murmur of HOCM?\n?\nharsh systolic murmur\n",
        "Untagged.md": "Drug for torsades::magnesium\n\nWhat is Kussmaul sign?\n?\n"
                       "JVP rises on inspiration\n\nBeck triad: ==hypotension==\n",
    })
    deck = build_and_import(vault)
    untagged = deck.by_source("Untagged")
    assert [c.notetype for c in untagged] == ["highyield Cloze"]
    assert "hypotension" in untagged[0].answer_text
    tagged = sorted(visible_back(c) for c in deck.by_source("Tagged"))
    assert tagged == ["harsh systolic murmur", "procainamide"]


def test_custom_separators_from_data_json(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    vault = make_vault({
        DATA_JSON: _data(flashcardTags=["#anki"], singleLineCardSeparator=";;",
                         singleLineReversedCardSeparator=";;;", multilineCardSeparator="@@",
                         multilineReversedCardSeparator="@@@"),
        "Pharm.md": "---\ntags: [anki]\n---\nAntidote for heparin;;protamine\n"
                    "Digoxin;;;digoxin immune Fab\nRatio LH:FSH::2:1 stays a line\n\n"
                    "What reverses warfarin fast?\n@@\nprothrombin complex concentrate\n",
    })
    deck = build_and_import(vault)
    pairs = sorted((c.question_text.split("Pharm ")[-1], visible_back(c)) for c in deck.cards)
    assert pairs == [
        ("Antidote for heparin", "protamine"),
        ("Digoxin", "digoxin immune Fab"),
        ("What reverses warfarin fast?", "prothrombin complex concentrate"),
        ("digoxin immune Fab", "Digoxin"),
    ]


def test_a_bad_data_json_is_a_warning_and_the_defaults_are_used(
        make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault({DATA_JSON: "{not json", "a.md": "#flashcards\n\nQ::A\n"})
    deck = folder_deck(vault, tmp_path / "out" / "deck.apkg")
    built = build(deck, now=FIXED_NOW)
    assert built.tally is not None
    [problem] = [d for d in built.tally.diagnostics if "spaced-repetition" in d.message]
    assert problem.path.endswith("obsidian-spaced-repetition/data.json")
    assert problem.message.startswith("obsidian-spaced-repetition settings: not valid JSON")
    assert "defaults" in problem.hint
    assert built.tally.anki_notes == 1


def test_read_plugin(tmp_path: Path) -> None:
    assert read_plugin(tmp_path) is None
    path = tmp_path / DATA_JSON
    path.parent.mkdir(parents=True)
    path.write_text(_data(flashcardTags=["#flashcards", "#srs/deck"],
                          singleLineCardSeparator=";;", convertFoldersToDecks=True))
    assert read_plugin(tmp_path) == SrPlugin(
        CardSyntax(inline=";;"), ("flashcards", "srs/deck"), every_note=True)
    path.write_text(json.dumps({"settings": {"flashcardTags": "#flashcards"}}))
    plugin = read_plugin(tmp_path)
    assert plugin is not None and plugin.tags == ("flashcards",)
    assert plugin.problem == "`flashcardTags` is not a list of tags"
    path.write_text("[]")
    assert read_plugin(tmp_path) == SrPlugin(problem="not a JSON object")


def test_plugin_reads_sub_deck_tags() -> None:
    plugin = SrPlugin(tags=("flashcards",))
    assert plugin.reads(("flashcards",))
    assert plugin.reads(("Flashcards/cardio/valves",))
    assert not plugin.reads(("flashcardsx", "cardio"))
    assert SrPlugin(every_note=True).reads(())


def test_plugin_settings_change_what_the_cache_depends_on(
        make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault({"a.md": "#flashcards\n\nQ;;A\n\nSome ==fact== here.\n"})
    first = folder_deck(vault, tmp_path / "d.apkg")
    before = card_settings(first)
    built = build(first, now=FIXED_NOW)
    assert built.tally is not None and built.tally.anki_notes == 1  # the highlight only
    (vault / DATA_JSON).parent.mkdir(parents=True)
    (vault / DATA_JSON).write_text(_data(singleLineCardSeparator=";;"))
    deck = folder_deck(vault, tmp_path / "d.apkg")
    assert card_settings(deck) != before
    built = build(deck, now=FIXED_NOW)
    assert built.tally is not None and built.tally.anki_notes == 2  # the note read again


def test_bold_and_curly_clozes_in_the_notes_the_plugin_reads(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    vault = make_vault({
        DATA_JSON: _data(convertBoldTextToClozes=True, convertCurlyBracketsToClozes=True),
        "Tagged.md": "#flashcards\n\nThe **SA node** sets the heart rate.\n\n"
                     "{{Adenosine}} ends most {{1;;AVNRT;;a re-entry}} episodes.\n\n"
                     "**Digoxin** toxicity::yellow vision\n\n"
                     "| Drug | Use |\n| --- | --- |\n| amiodarone | ==VT== |\n",
        "Plain.md": "The **AV node** delays conduction.\n",
    })
    deck = build_and_import(vault)
    assert deck.by_source("Plain") == []
    shown = sorted(c.question_text.split("Tagged ")[-1] for c in deck.by_source("Tagged"))
    assert shown == sorted([
        "Digoxin toxicity",
        "Drug: amiodarone · Use: [...]",
        "The [...] sets the heart rate.",
        "[...] ends most AVNRT episodes.",
        "Adenosine ends most [...] episodes.",
    ])


def test_a_question_mark_with_nothing_below_keeps_the_lines_above(
        make_vault: MakeVault, build_and_import: BuildImport, tmp_path: Path) -> None:
    vault = make_vault({"Shock.md": "Beck triad: ==hypotension==\n- muffled heart sounds\n?\n"
                                    "\n?\nno question here\n"})
    built = build(folder_deck(vault, tmp_path / "o" / "d.apkg"), now=FIXED_NOW)
    assert built.tally is not None
    assert [(d.line, d.message, d.hint) for d in built.tally.diagnostics] == [
        (3, "multi-line card has no answer: the card is skipped",
         "put the answer lines right below the line with only ?, with no blank line in "
         "between"),
        (5, "multi-line card has no question: the card is skipped",
         "put the question lines right above the line with only ?, with no blank line in "
         "between")]
    deck = build_and_import(vault)
    assert [c.question_text for c in deck.cards] == ["Shock Beck triad: [...]"]


def test_write_ids_reads_the_plugin_separators(
        make_vault: MakeVault, runner: CliRunner, tmp_path: Path) -> None:
    note = "#flashcards\n\nWhat reverses heparin?\n@@\nprotamine\n\nSome ==fact== here.\n"
    vault = make_vault({DATA_JSON: _data(multilineCardSeparator="@@"), "a.md": note})
    result = runner.invoke(cli, ["build", str(vault), "-o", str(tmp_path / "d.apkg"),
                                 "--write-ids"])
    assert result.exit_code == 0, result.output
    assert "wrote 1 block id into 1 note" in result.stdout  # the highlight's paragraph only
    lines = (vault / "a.md").read_text().splitlines()
    assert lines[:5] == note.splitlines()[:5]
    assert lines[6].startswith("Some ==fact== here. ^hy-")


def test_obsidian_to_anki_notes_are_read_whatever_the_tags(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    vault = make_vault({
        DATA_JSON: _data(flashcardTags=["#flashcards"]),
        "Untagged.md": "START\nBasic\nFront: Antidote for methanol?\nBack: fomepizole\nEND\n\n"
                       "Antidote for iron::deferoxamine\n",
    })
    deck = build_and_import(vault)
    assert [visible_back(c) for c in deck.cards] == ["fomepizole"]


def test_previews_keep_a_code_block_indented(make_vault: MakeVault, runner: CliRunner) -> None:
    vault = make_vault({"Dose.md": "How is a dose capped?\n?\n```python\ndef cap(d):\n"
                                   "    return  min(d, 40)\n```\n"})
    result = runner.invoke(cli, ["cards", str(vault)])
    assert result.exit_code == 0, result.output
    assert "  ```python\n  def cap(d):\n      return  min(d, 40)\n  ```" in result.output


def test_a_code_block_language_tag_never_becomes_markup(
        make_vault: MakeVault, build_and_import: BuildImport) -> None:
    vault = make_vault({"X.md": 'Which?\n?\n```js" onclick="alert(1)\n<b>x</b>\n```\n'})
    [card] = build_and_import(vault).cards
    assert card.fields["Back"] == \
        '<pre><code class="language-jsonclickalert1">&lt;b&gt;x&lt;/b&gt;</code></pre>'
