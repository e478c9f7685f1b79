"""Auto-cloze quality against hand-made gold answers (tests/gold/README.md), scored
strictly: a card is right only when its hidden part holds 80% of a gold answer's words.

The issue's targets are precision 0.90 and strict recall 0.85 on the sample and held-out
sets, 0 duplicates and 0 whole-statement cards on the sample. At the default min_score
(0.6) the rules reach precision 0.89 / 0.86 / 0.83 and strict recall 0.56 / 0.74 / 0.71
(sample / held-out / held-out 2), with 2 duplicates on the sample: the recall targets
are not met. The floors below hold what is reached, a little under it, against
regressions; bench/autocloze.py prints every figure, wrong card and missed fact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from highyield.config import folder_deck
from highyield.config.deckfile import load_deck_file
from highyield.identity.collect import collect
from tests.conftest import FIXTURES, PROJECT
from tests.goldscore import Gold, Score, score

# (precision, strict recall) each set must keep at the default min_score
FLOORS = {"sample": (0.88, 0.55), "heldout": (0.83, 0.70), "heldout2": (0.80, 0.70),
          "blind": (0.64, 0.54), "blind2": (0.58, 0.47)}
# boilerplate cards, citations left and whole-statement cards a set lets by, as measured
LEFTOVERS = {"blind": (0, 1, 1), "blind2": (13, 3, 0)}


@pytest.fixture(scope="module")
def sample() -> Score:
    return score(collect(load_deck_file(PROJECT / "decks" / "usmle.yaml")),
                 Gold.load(PROJECT / "tests" / "gold" / "sample.yaml"))


@pytest.fixture(scope="module")
def heldout() -> Score:
    vault = FIXTURES / "heldout"
    return score(collect(folder_deck(vault, vault / "unused.apkg")),
                 Gold.load(PROJECT / "tests" / "gold" / "heldout.yaml"))


@pytest.fixture(scope="module")
def heldout2() -> Score:
    vault = FIXTURES / "heldout2"
    return score(collect(folder_deck(vault, vault / "unused.apkg")),
                 Gold.load(PROJECT / "tests" / "gold" / "heldout2.yaml"))


@pytest.fixture(scope="module")
def blind() -> Score:
    """Measured once, blind, when issue 13's rules were done: precision 0.63, strict
    recall 0.57; furniture rules were added after reading its misses, so it is no longer
    blind (tests/gold/README.md). Its floor guards against regressions only."""
    vault = FIXTURES / "blind"
    return score(collect(folder_deck(vault, vault / "unused.apkg")),
                 Gold.load(PROJECT / "tests" / "gold" / "blind.yaml"))


@pytest.fixture(scope="module")
def blind2() -> Score:
    """Measured once, blind, at issue 13's close: precision 0.61, strict recall 0.50. Its
    misses were not read; the floor guards against regressions only."""
    vault = FIXTURES / "blind2"
    return score(collect(folder_deck(vault, vault / "unused.apkg")),
                 Gold.load(PROJECT / "tests" / "gold" / "blind2.yaml"))


@pytest.mark.parametrize("which", sorted(FLOORS))
def test_floors(which: str, request: pytest.FixtureRequest) -> None:
    result: Score = request.getfixturevalue(which)
    precision, recall = FLOORS[which]
    assert result.precision >= precision, [(str(r.card.draft.ref), r.hidden)
                                           for r in result.wrong]
    assert result.strict_recall >= recall
    boilerplate, citations, oversize = LEFTOVERS.get(which, (0, 0, 0))
    assert len(result.boilerplate) <= boilerplate, result.boilerplate
    assert len(result.citations) <= citations, result.citations
    assert len(result.oversize) <= oversize  # cards hiding (nearly) their whole statement


def test_every_sample_clipping_gives_cards(sample: Score) -> None:
    per_note: dict[str, int] = {}
    for r in sample.cards:
        per_note[r.card.draft.ref.path] = per_note.get(r.card.draft.ref.path, 0) + 1
    clippings = sorted(p.relative_to(PROJECT / "notes").as_posix()
                       for p in (PROJECT / "notes" / "Clippings").glob("*.md"))
    assert sorted(per_note) == clippings
    # 001 repeats 000, and its title ("…It Primarily Affects Axons") gives away most of
    # what its statements could hide, so it keeps few
    assert min(per_note.values()) >= 2


def test_the_two_overlapping_clippings_share_their_cards(sample: Score) -> None:
    """000 and 001 say most things twice; a fact they share is not carded in both."""
    notes = ("Clippings/Neither ALS nor SMA are Demyelinating Diseases.md",
             "Clippings/ALS is NOT a Demyelinating Disease—It Primarily Affects Axons.md")
    shared = {s.fact for s in sample.statements_in(notes[0])} & \
        {s.fact for s in sample.statements_in(notes[1])}
    assert len(shared) >= 8
    twice = [f for f in shared
             if {r.card.draft.ref.path for r in sample.facts[f]} >= set(notes)]
    assert len(twice) <= 2, twice


def test_a_fact_said_twice_in_the_sample_gets_few_cards(sample: Score) -> None:
    """One card per fact: 9 cards beyond the first before issue 13 (at min_score 0.5); 2
    at the default 0.6 now, paraphrases that share too few words to tell from different
    facts about ALS (the issue's target is 0)."""
    assert sample.duplicates <= 2, [(f, [str(r.card.draft.ref) for r in c])
                                    for f, c in sample.facts.items() if len(c) > 1]


def test_the_scorer_catches_a_wrong_card(tmp_path: Path) -> None:
    """The measure itself can fail: a gold file whose answers the cards miss scores 0."""
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        'notes:\n  "Clippings/a.md":\n    statements:\n'
        '      - line: 2\n'
        '        text: "Warfarin is reversed with vitamin K and prothrombin complex concentrate"\n'
        '        answers: ["Warfarin"]\n'
        '    noise: ["prothrombin"]\n')
    vault = tmp_path / "v"
    (vault / "Clippings").mkdir(parents=True)
    (vault / "Clippings" / "a.md").write_text(
        "Reversal\n- Warfarin is reversed with vitamin K and prothrombin complex concentrate\n")
    result = score(collect(folder_deck(vault, tmp_path / "x.apkg")), Gold.load(gold))
    assert len(result.cards) == 1
    assert result.precision == 0.0 and result.recall == 1.0
    assert len(result.boilerplate) == 1
