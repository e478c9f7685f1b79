"""Deck definitions: what they may say, and the message when they say it wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from highyield.config import HighlightRules, ReviewSettings
from highyield.config.deckfile import load_deck_file
from highyield.config.inline import InlineCards
from highyield.config.targets import decks_for
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
     "decks/d.yaml:2: the notes folder elsewhere is not there | `notes` is a folder, "
     "relative to this deck file"),
    ("deck: X\nnotes: ../notes\ninclude: [\"../other/*.md\"]\n",
     "decks/d.yaml:3: `include`: `../other/*.md` climbs out of the notes folder, so it "
     "matches no note | globs are relative to the notes folder (`notes`), e.g. `Cardio/**`"),
    ("deck: X\nnotes: ../notes\nauto_cloze:\n  exclude: [\"{a,b}/**\"]\n",
     "decks/d.yaml:4: `auto_cloze.exclude`: `{a,b}/**` has braces, which are not "
     "alternatives here | write one glob for each, e.g. `[\"Cardio/**\", \"Renal/**\"]`"),
    ("deck: X\nnotes: d.yaml\n",  # a file, as a note would be
     "decks/d.yaml:2: the notes folder decks/d.yaml is a file, not a folder of notes | "
     "`notes` is a folder, relative to this deck file"),
    ("deck: X\nnotes: ../notes\ntags: {a: 1}\n",
     "decks/d.yaml:3: `tags` must be a list of text | for example `tags: [usmle, step1]`"),
    ("deck: X\nnotes: ../notes\nhighlights:\n  syntaxes: [equals, bold]\n",
     "decks/d.yaml:4: unknown highlight syntax `bold` | use any of: equals (==x==), "
     "mark (<mark>), span (Highlightr)"),
    ("deck: X\nnotes: ../notes\nhighlights:\n  colour: [red]\n",
     "decks/d.yaml:4: unknown key `highlights.colour` | did you mean `colors`?"),
    ("deck: X\nnotes: ../notes\nhighlights:\n  colors: ['#12']\n",
     "decks/d.yaml:4: not a colour: `#12` | use a colour name (red, orange, yellow, green, "
     'cyan, blue, purple, pink, grey) or a value as written in the note, e.g. '
     '"rgba(240, 200, 0, 0.2)" or #fff3a3'),
    ("deck: X\nnotes: ../notes\nhighlights:\n  colors: [yelow]\n",
     "decks/d.yaml:4: not a colour: `yelow` | did you mean `yellow`?"),
    ("deck: X\nnotes: ../notes\ninline_cards: 1\n",
     "decks/d.yaml:3: `inline_cards` must be true, false or auto | auto (the default: "
     "Front::Back lines are cards, Dataview fields are not), true (every one is a card) or "
     "false (none is)"),
    ("deck: X\nnotes: ../notes\ninline_cards: maybe\n",
     "decks/d.yaml:3: `inline_cards` must be true, false or auto | auto (the default: "
     "Front::Back lines are cards, Dataview fields are not), true (every one is a card) or "
     "false (none is)"),
    ("deck: X\nnotes: ../notes\nauto_cloze: yes please\n",
     "decks/d.yaml:3: `auto_cloze` must be true, false or a mapping | false, or a mapping such "
     'as `include: ["Clippings/**"]` and `min_score: 0.6`'),
    ("deck: X\nnotes: ../notes\nauto_cloze:\n  min_score: 1.5\n",
     "decks/d.yaml:4: `auto_cloze.min_score` must be a number from 0 to 1 | a number from 0 "
     "to 1, e.g. `min_score: 0.6`; higher makes fewer, surer cards"),
    ("deck: X\nnotes: ../notes\nauto_cloze:\n  min_scor: 0.7\n",
     "decks/d.yaml:4: unknown key `auto_cloze.min_scor` | did you mean `min_score`?"),
    ("deck: X\nnotes: ../notes\nauto_cloze:\n  include: {a: 1}\n",
     "decks/d.yaml:4: `auto_cloze.include` must be a list of text | for example "
     '`include: ["Clippings/**", "Articles/**"]`'),
    ("deck: X\nnotes: ../notes\nauto_cloze:\n  include: []\n",
     "decks/d.yaml:4: `auto_cloze.include` is empty | list the folders to read, or write "
     "`auto_cloze: false` to turn auto cards off"),
    ("deck: X\nnotes: ../notes\nreview:\n  new_per_day: lots\n",
     "decks/d.yaml:4: `review.new_per_day` must be a whole number from 0 to 9999 | a whole "
     "number, e.g. `new_per_day: 20`"),
    ("deck: X\nnotes: ../notes\nreview:\n  learning_steps: [1m, ten minutes]\n",
     "decks/d.yaml:4: `review.learning_steps` must be a list of times; `ten minutes` is not "
     "one | a list of times such as `[1m, 10m]` (s, m, h or d)"),
    *((f"deck: X\nnotes: ../notes\nreview:\n  {key}: [{step}]\n",
       f"decks/d.yaml:4: `review.{key}` must be a list of times; `{step}` is longer than "
       f"36500 days | a list of times such as `{example}` (s, m, h or d)")
      for key, example in (("learning_steps", "[1m, 10m]"), ("relearning_steps", "[10m]"))
      for step in ("3000000d", "99999999999999999d")),
    ("deck: X\nnotes: ../notes\nreview:\n  relearning_steps: [0m]\n",
     "decks/d.yaml:4: `review.relearning_steps` must be a list of times; `0m` is not longer "
     "than nothing | a list of times such as `[10m]` (s, m, h or d)"),
    ("deck: X\nnotes: ../notes\nreview:\n  desired_retention: 90\n",
     "decks/d.yaml:4: `review.desired_retention` must be a number from 0.7 to 0.99 | a number "
     "between 0.7 and 0.99, e.g. `desired_retention: 0.9`"),
    ("deck: X\nnotes: ../notes\nreview:\n  day_starts_at: 25\n",
     "decks/d.yaml:4: `review.day_starts_at` must be a whole number from 0 to 23 | the hour "
     "(0-23, local time) a new study day begins, e.g. `4`"),
    ("deck: X\nnotes: ../notes\nreview:\n  leech_action: delete\n",
     "decks/d.yaml:4: `review.leech_action` must be `tag` or `suspend` | `tag` (warn and tag) "
     "or `suspend` (also stop showing it)"),
    ("deck: X\nnotes: ../notes\nreview:\n  new_per_dya: 5\n",
     "decks/d.yaml:4: unknown key `review.new_per_dya` | did you mean `new_per_day`?"),
    ("deck: X\nnotes: ../notes\nreview: fast\n",
     "decks/d.yaml:3: `review` must be a mapping | a mapping such as `new_per_day: 20` and "
     "`learning_steps: [1m, 10m]`"),
    ("deck: [X\n", "decks/d.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>' "
                   "(the [ opened at line 1) | check the indentation and the quoting"),
    ("deck: X\nnotes: ../notes\ntags: [a\ninclude: x\n",
     "decks/d.yaml:4: invalid YAML: expected ',' or ']', but got ':' (the [ opened at line "
     "3) | check the indentation and the quoting"),
    ('deck: "X\nnotes: ../notes\n', "decks/d.yaml:3: invalid YAML: found unexpected end of "
     "stream (the quote opened at line 1) | check the indentation and the quoting"),
    ("- a list\n", "decks/d.yaml:1: a deck definition must be a mapping of keys | start from "
                   "the example in the README"),
    *((f'notes: ../notes\ndeck: "{name}"\n', f"decks/d.yaml:2: the deck name `{name}` has an "
       "empty part | write a name on each side of every ::, e.g. `deck: USMLE::Neurology`")
      for name in ("::", "A::::B", "A::", "::B", "A:: ::B")),
    ("deck: X\nnotes: ../notes\ndeck: Y\n", "decks/d.yaml:3: `deck` is given twice (first at "
                                            "line 1) | keep one of them: only the last would "
                                            "count"),
    ("deck: X\nnotes: ../notes\nreview:\n  new_per_day: 5\n  new_per_day: 9\n",
     "decks/d.yaml:5: `review.new_per_day` is given twice (first at line 4) | keep one of "
     "them: only the last would count"),
    ('deck: D\nnotes: "\\0"\n', "decks/d.yaml:2: `notes` is no folder name this computer "
                               "takes (not a path) | `notes` is a folder, relative to this "
                               "deck file"),
    ("deck: D\nnotes: " + "A" * 300 + "\n", "decks/d.yaml:2: `notes` is no folder name this "
     "computer takes (File name too long) | `notes` is a folder, relative to this deck file"),
    ('notes: ../notes\ndeck: "  "\n', "decks/d.yaml:2: `deck` is blank | add a line such "
                                      "as `deck: USMLE::Neurology` (:: makes subdecks)"),
    ("notes: ../notes\ndeck: " + "::".join(f"L{n}" for n in range(12)) + "\n",
     "decks/d.yaml:2: the deck name `" + "::".join(f"L{n}" for n in range(12)) + "` nests 12 "
     "levels; Anki takes at most 11 | use fewer :: in the name; tags can carry the rest"),
    *((f'notes: ../notes\ndeck: "{written}"\n', f"decks/d.yaml:2: the deck name `{name}` "
       f"would be renamed `{anki}` by Anki (it drops control characters and the colons at "
       f"the edges of a part) | write it as Anki would keep it: `deck: {anki}`")
      for written, name, anki in (("A:::B", "A:::B", "A::B"), ("A::B:", "A::B:", "A::B"),
                                  ("\\e[31mX", "\x1b[31mX", "[31mX"),
                                  ("a\\nb", "a\nb", "ab"), ("A\\0B", "A\0B", "AB"))),
    *((f'notes: ../notes\ndeck: "{written}"\n', f"decks/d.yaml:2: the deck name `{name}` has "
       "a part that shows nothing (only invisible or spacing characters) | write a name that "
       "can be read, e.g. `deck: USMLE::Neurology`")
      for written, name in (("\\u200f", "\u200f"), ("\\ufeff", "\ufeff"),
                            ("A::\\u200b", "A::\u200b"))),
    ('deck: D\nnotes: ../notes\noutput: "x\\0.apkg"\n', "decks/d.yaml:3: `output` is no file "
     "name this computer takes (it holds a NUL character) | for example `output: D.apkg` "
     "(relative to this file)"),
])
def test_mistakes_name_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                text: str, expected: str) -> None:
    assert _error(tmp_path, text, monkeypatch) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("", InlineCards.AUTO),
    ("inline_cards: auto\n", InlineCards.AUTO),
    ("inline_cards: true\n", InlineCards.ON),
    ("inline_cards: false\n", InlineCards.OFF),
    ("inline_cards: yes\n", InlineCards.ON),  # YAML's word for true, as before
])
def test_inline_cards_is_auto_true_or_false(tmp_path: Path, line: str,
                                            expected: InlineCards) -> None:
    deck = load_deck_file(_deck_file(tmp_path, f"deck: X\nnotes: ../notes\n{line}"))
    assert deck.inline_cards is expected


def test_the_dataview_plugin_is_read_only_for_auto(tmp_path: Path) -> None:
    plugins = tmp_path / "notes" / ".obsidian" / "community-plugins.json"
    plugins.parent.mkdir(parents=True)
    plugins.write_text('["dataview"]')
    auto = load_deck_file(_deck_file(tmp_path, "deck: X\nnotes: ../notes\n"))
    on = load_deck_file(_deck_file(tmp_path, "deck: X\nnotes: ../notes\ninline_cards: true\n"))
    assert (auto.dataview.plugin, on.dataview.plugin) == (True, False)
    plugins.write_text('{"not": "a list"}')
    assert not load_deck_file(_deck_file(tmp_path, "deck: X\nnotes: ../notes\n")).dataview.plugin


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


def test_review_settings(tmp_path: Path) -> None:
    sample = load_deck_file(PROJECT / "decks" / "usmle.yaml").review
    assert sample == ReviewSettings()  # the sample spells out Anki's defaults
    assert sample.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))
    assert (sample.new_per_day, sample.reviews_per_day, sample.day_starts_at) == (20, 200, 4)
    assert (sample.desired_retention, sample.maximum_interval) == (0.9, 36500)
    assert (sample.leech_lapses, sample.leech_suspend) == (8, False)
    chosen = load_deck_file(_deck_file(tmp_path, (
        "deck: X\nnotes: ../notes\nreview:\n  learning_steps: [30s, 2h, 1d]\n"
        "  relearning_steps: []\n  new_per_day: 50\n  day_starts_at: 0\n"
        "  leech_action: suspend\n  desired_retention: 0.85\n"))).review
    assert chosen.learning_steps == (timedelta(seconds=30), timedelta(hours=2),
                                     timedelta(days=1))
    assert chosen.relearning_steps == ()
    assert (chosen.new_per_day, chosen.day_starts_at, chosen.leech_suspend) == (50, 0, True)
    assert chosen.desired_retention == 0.85 and chosen.reviews_per_day == 200


def test_auto_cloze_settings(tmp_path: Path) -> None:
    sample = load_deck_file(PROJECT / "decks" / "usmle.yaml").auto
    assert sample.applies("Clippings/MS vs ALS.md")
    assert not sample.applies("USMLE/Neurology/Amyotrophic lateral sclerosis.md")
    assert sample.min_score == 0.6
    default = load_deck_file(_deck_file(tmp_path, "deck: X\nnotes: ../notes\n")).auto
    assert default.applies("Clippings/a.md") and not default.applies("Neuro/a.md")
    off = load_deck_file(_deck_file(tmp_path, "deck: X\nnotes: ../notes\nauto_cloze: false\n"))
    assert not off.auto.applies("Clippings/a.md")
    chosen = load_deck_file(_deck_file(tmp_path, (
        "deck: X\nnotes: ../notes\nauto_cloze:\n  include: [Articles/**, Clippings/**]\n"
        "  exclude: [Clippings/Old/**]\n  min_score: 0.7\n"))).auto
    assert chosen.applies("Articles/x.md") and chosen.applies("Clippings/x.md")
    assert not chosen.applies("Clippings/Old/x.md")
    assert chosen.min_score == 0.7


def test_an_auto_cloze_glob_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    from highyield.identity.collect import collect

    (tmp_path / "notes" / "Clippings").mkdir(parents=True)
    (tmp_path / "notes" / "Clippings" / "a.md").write_text("- A ==fact== here\n")
    deck = load_deck_file(_deck_file(
        tmp_path, "deck: X\nnotes: ../notes\nauto_cloze:\n  include: [Clipings/**]\n"))
    found = [d.format() for d in collect(deck).diagnostics]
    assert any("warning: auto_cloze.include (Clipings/**) matches no note" in f
               for f in found), found


def test_syntax_restriction() -> None:
    rules = HighlightRules(syntaxes=frozenset({"equals"}))
    assert rules.counts("equals", "")
    assert not rules.counts("mark", "")
    assert not rules.counts("span", "yellow")


def test_decks_for_picks_by_name_or_file(tmp_path: Path) -> None:
    _deck_file(tmp_path, "deck: Neuro::ALS\nnotes: ../notes\n")
    assert [d.name for d in decks_for(None, ("neuro::als",), None, tmp_path).decks] == [
        "Neuro::ALS"]
    assert [d.name for d in decks_for(None, ("d",), None, tmp_path).decks] == ["Neuro::ALS"]
    deck = decks_for(None, (), None, tmp_path).decks[0]
    assert deck.output == (tmp_path / "decks" / "Neuro-ALS.apkg").resolve()


def test_a_decks_name_wins_over_another_decks_file_name(tmp_path: Path) -> None:
    """--deck cardio, with deck Cardio in b.yaml and deck Heart in cardio.yaml: the deck
    named so, not both (second fault probe); a broken file of that name is no matter."""
    for folder in ("decks", "notes"):
        (tmp_path / folder).mkdir()
    (tmp_path / "decks" / "b.yaml").write_text("deck: Cardio\nnotes: ../notes\n")
    (tmp_path / "decks" / "cardio.yaml").write_text("deck: Heart\nnotes: ../notes\n")
    (tmp_path / "decks" / "heart.yaml").write_text("deck: Heart2\nnotes: ../notes\nouptut: x\n")
    assert [d.name for d in decks_for(None, ("cardio",), None, tmp_path).decks] == ["Cardio"]
    assert [d.name for d in decks_for(None, ("CARDIO", "b"), None, tmp_path).decks] == [
        "Cardio"]
    assert [d.name for d in decks_for(None, ("heart",), None, tmp_path).decks] == ["Heart"]
    assert [d.name for d in decks_for(None, ("Cardio.YAML",), None, tmp_path).decks] == [
        "Heart"]  # the file, named whole (new-user trial: "no deck named 'cardio.yaml'")
    with pytest.raises(HighyieldError, match="unknown key `ouptut`"):  # it may be that one
        decks_for(None, ("heart2",), None, tmp_path)


def test_two_deck_files_of_one_name_are_told_apart_by_their_whole_name(tmp_path: Path
                                                                      ) -> None:
    """x.yaml and x.yml: `--deck x` built both (fault probe); now it says so, and
    `--deck x.yml` takes that file alone, though x.yaml is broken."""
    for folder in ("decks", "notes"):
        (tmp_path / folder).mkdir()
    (tmp_path / "decks" / "x.yaml").write_text("deck: A\nnotes: ../notes\noutput: a.apkg\n")
    (tmp_path / "decks" / "x.yml").write_text("deck: B\nnotes: ../notes\noutput: b.apkg\n")
    with pytest.raises(HighyieldError, match=r"--deck X names two deck files: .*x\.yaml and "
                                             r".*x\.yml"):  # as typed (second fault probe)
        decks_for(None, ("X",), None, tmp_path)
    assert [d.name for d in decks_for(None, ("x.YML",), None, tmp_path).decks] == ["B"]
    (tmp_path / "decks" / "x.yaml").write_text("deck: A\nnotes: ../notes\nouptut: a\n")
    assert [d.name for d in decks_for(None, ("x.yml",), None, tmp_path).decks] == ["B"]


def test_deck_names_and_files_in_any_unicode_form_and_case(tmp_path: Path) -> None:
    """A file's whole name before another's stem (x.yaml, not x.yaml.yml), a name as
    macOS writes it (é as two characters), a file ending .YAML (second fault probe)."""
    for folder in ("decks", "notes"):
        (tmp_path / folder).mkdir()
    (tmp_path / "decks" / "x.yaml").write_text("deck: A\nnotes: ../notes\noutput: a.apkg\n")
    (tmp_path / "decks" / "x.yaml.yml").write_text("deck: B\nnotes: ../notes\noutput: b.apkg\n")
    (tmp_path / "decks" / "cafe\u0301.YAML").write_text(
        "deck: Caf\u00e9 Deck\nnotes: ../notes\noutput: c.apkg\n")
    assert [d.name for d in decks_for(None, ("x.yaml",), None, tmp_path).decks] == ["A"]
    assert [d.name for d in decks_for(None, ("caf\u00e9",), None, tmp_path).decks] == [
        "Caf\u00e9 Deck"]
    assert [d.name for d in decks_for(None, ("CAFE\u0301 deck",), None, tmp_path).decks] == [
        "Caf\u00e9 Deck"]
    assert len(decks_for(None, (), None, tmp_path).decks) == 3


def test_output_needs_a_single_deck(tmp_path: Path) -> None:
    _deck_file(tmp_path, "deck: A\nnotes: ../notes\n")
    (tmp_path / "decks" / "e.yaml").write_text("deck: B\nnotes: ../notes\n")
    with pytest.raises(HighyieldError, match="-o writes one deck, but 2 are defined"):
        decks_for(None, (), str(tmp_path / "x.apkg"), tmp_path)


def test_every_mistake_in_a_file_is_reported_at_once(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _deck_file(tmp_path, "deck: X\nnotes: ../notes\nouptut: a.apkg\ntag: [x]\n"
                                "highlights:\n  syntax: [equals]\n  colours: [red]\n")
    with pytest.raises(HighyieldError) as caught:
        load_deck_file(path)
    assert [f"{d.line}: {d.message}" for d in caught.value.diagnostics] == [
        "3: unknown key `ouptut`", "4: unknown key `tag`",
        "6: unknown key `highlights.syntax`", "7: unknown key `highlights.colours`"]


def test_a_broken_deck_file_does_not_block_another_deck(tmp_path: Path) -> None:
    _deck_file(tmp_path, "deck: Step1\nnotes: ../notes\n")
    (tmp_path / "decks" / "other.yaml").write_text("deck: Other\nnotes: ../notes\nouptut: x\n")
    targets = decks_for(None, ("Step1",), None, tmp_path)
    assert [d.name for d in targets.decks] == ["Step1"]
    assert [(d.path, d.line, d.message) for d in targets.skipped] == [
        (str(tmp_path / "decks" / "other.yaml"), 3, "unknown key `ouptut`")]
    with pytest.raises(HighyieldError, match="unknown key `ouptut`"):
        decks_for(None, (), None, tmp_path)  # building everything needs every file right
    with pytest.raises(HighyieldError, match="unknown key `ouptut`"):
        decks_for(None, ("other",), None, tmp_path)


def test_the_quiz_on_a_decks_notes_folder_studies_that_deck(tmp_path: Path) -> None:
    """``quiz notes`` (and ``sync-anki COLLECTION notes``) in the project folder: the deck
    decks/*.yaml defines on that folder, not a deck named after the folder, which took
    over the deck's cards in the review store (new-user trial)."""
    _deck_file(tmp_path, "deck: Step1\nnotes: ../notes\n")
    for command, name in (("quiz", "Step1"), ("sync-anki", "Step1"), ("build", "notes")):
        [deck] = decks_for(tmp_path / "notes", (), None, tmp_path, command).decks
        assert deck.name == name, command


def test_two_deck_files_cannot_name_one_deck(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """They would be one deck in Anki, sharing one build cache that each build took from
    the other (sixth fault probe): an error at the second file's deck line."""
    monkeypatch.chdir(tmp_path)
    _deck_file(tmp_path, "deck: One\nnotes: ../notes\ninclude: [A/**]\n")
    (tmp_path / "decks" / "two.yaml").write_text("notes: ../notes\ndeck: one\n")
    for names in ((), ("two",), ("One",)):
        with pytest.raises(HighyieldError) as caught:
            decks_for(None, names, None, tmp_path)
        assert [(d.path, d.line, d.message, d.hint) for d in caught.value.diagnostics] == [
            ("decks/two.yaml", 2, "deck one is also defined in decks/d.yaml",
             "give each deck file its own `deck:` name (Anki would make them one deck)")]


def test_two_decks_cannot_write_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _deck_file(tmp_path, "deck: A\nnotes: ../notes\noutput: same.apkg\n")
    (tmp_path / "decks" / "e.yaml").write_text("deck: B\nnotes: ../notes\noutput: same.apkg\n")
    with pytest.raises(HighyieldError) as caught:
        decks_for(None, (), None, tmp_path)
    assert caught.value.message == (
        "two decks write decks/same.apkg: decks/d.yaml and decks/e.yaml")


@pytest.mark.parametrize(("wanted", "color", "counts"), [
    ("yellow", "rgba(240, 200, 0, 0.2)", True),  # the sample vault's yellow
    ("yellow", "#FFF3A3A6", True),  # Highlightr's yellow
    ("yellow", "yellow", True),
    ("yellow", "#ADCCFFA6", False),  # Highlightr's blue
    ("blue", "#ADCCFFA6", True),
    ("red", "#FF5582A6", True),
    ("pink", "#FFB8EBA6", True),
    ("grey", "#CACFD9A6", True),
    ("rgba(240, 200, 0, 0.5)", "rgb(240,200,0)", True),  # a value matches exactly
    ("rgba(240, 200, 0, 0.5)", "#FFF3A3", False),
])
def test_colour_families(wanted: str, color: str, counts: bool) -> None:
    from highyield.config.colors import wanted_key

    rules = HighlightRules(colors=frozenset({wanted_key(wanted)}))
    assert rules.counts("span", color) is counts
