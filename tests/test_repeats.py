"""One card per fact: what two statements are compared by (stems and figures), when two
auto cards say the same thing, and which card wins (extract/auto/repeats.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from highyield.config import folder_deck
from highyield.extract.auto.repeats import Ranked, Seen, left_out
from highyield.extract.auto.words import content_stems
from highyield.identity.collect import collect
from highyield.model import Card, Cloze, plain_text

# ---------------------------------------------------------------- stems and figures


@pytest.mark.parametrize(("one", "other"), [
    ("survival of 3-5 years", "survival of three to five years"),
    ("survival of 3-5 years", "survival of 3 to 5 years"),
    ("roughly nine in ten cases", "roughly 90% of cases"),
    ("about one in four children", "about 25% of children"),
    ("roughly 40% of cases", "about 40 percent of cases"),
    ("a target INR of 2.0 to 3.0", "a target INR between two and three"),
    ("below 20,000/µL", "below 20000 /µL"),
    ("degeneration of motor neurons", "motor neurons degenerate"),
    ("infected necrosis", "infection of necrosis"),
    ("a mean survival", "an average survival"),
    ("the IgG–PF4–heparin complexes", "complexed with heparin, PF4 and IgG"),
])
def test_the_same_words_said_differently_compare_equal(one: str, other: str) -> None:
    assert content_stems(one) == content_stems(other)


@pytest.mark.parametrize(("one", "other"), [
    ("10% of cases", "10 cases"),
    ("a ferritin below 15 ng/mL", "a ferritin below 100 ng/mL"),
    ("thrombosis", "thrombocytopenia"),
    ("5-10% of cases", "7-10% of cases"),
])
def test_different_words_and_figures_stay_apart(one: str, other: str) -> None:
    assert content_stems(one) != content_stems(other)


# ---------------------------------------------------------------- one card per fact


def _auto(vault: Path) -> list[Card]:
    return [c for c in collect(folder_deck(vault, vault / "out.apkg")).cards if c.draft.auto]


def _hidden(card: Card) -> str:
    return " ".join(plain_text(n.children) for n in card.draft.front if isinstance(n, Cloze))


SURVIVAL = "The relentlessly progressive nature with mean survival of 3-5 years reflects " \
    "ongoing neuronal death and axonal loss."
SURVIVAL_AGAIN = "ALS is relentlessly progressive, leading to severe disability and often " \
    "respiratory failure within an average of three to five years from the onset of symptoms."


def test_a_fact_said_in_other_words_and_figures_makes_one_card(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/ALS is not demyelinating.md": f"ALS\n\n{SURVIVAL}\n",
                        "Clippings/MS vs ALS.md": f"MS vs ALS\n\n{SURVIVAL_AGAIN}\n"})
    cards = _auto(vault)
    assert len(cards) == 1 and _hidden(cards[0]) in ("3-5 years", "three to five years")


def test_each_clipping_alone_gives_its_card(make_vault: Callable[..., Path]) -> None:
    """The test above fails for the right reason: both statements make a card."""
    for name, text in (("a", SURVIVAL), ("b", SURVIVAL_AGAIN)):
        vault = make_vault({f"Clippings/{name}.md": f"ALS\n\n{text}\n"}, name=name)
        assert len(_auto(vault)) == 1


def test_the_same_answer_about_different_subjects_stays_two_cards(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault({
        "Clippings/Kawasaki.md": "Kawasaki disease\n\n"
        "The hallmark of Kawasaki disease is a high fever that lasts at least 5 days.\n",
        "Clippings/HIT.md": "Heparin-induced thrombocytopenia\n\n"
        "In typical HIT, the platelet count falls 5 days after heparin is started.\n"})
    assert sorted(_hidden(c) for c in _auto(vault)) == ["5 days", "at least 5 days"]


def test_different_figures_for_the_same_subject_stay_two_cards(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault({
        "Clippings/a.md": "Tuberculosis\n\n"
        "Roughly 5–10% of people with latent infection develop active TB in their lives.\n",
        "Clippings/b.md": "Tuberculosis\n\n"
        "People with untreated HIV and latent TB have a 7–10% risk of active TB each year.\n"})
    assert sorted(_hidden(c) for c in _auto(vault)) == ["5–10%", "7–10%"]


def test_a_highlight_wins_over_an_auto_card_for_the_same_fact(
        make_vault: Callable[..., Path]) -> None:
    """Even when the auto card scores high and its clipping says the fact differently."""
    vault = make_vault({
        "Clippings/MS vs ALS.md": f"MS vs ALS\n\n{SURVIVAL_AGAIN}\n",
        "Neurology/ALS.md": "- Mean survival of ALS is ==3-5 years== from symptom onset\n"})
    found = collect(folder_deck(vault, vault / "out.apkg"))
    assert [(c.draft.ref.path, c.draft.auto) for c in found.cards] == [("Neurology/ALS.md", False)]
    assert found.repeats == 1


def _seen(words: str, answer: str) -> Seen:
    said = tuple(words.split())
    return Seen(frozenset(said), frozenset(answer.split()), frozenset(), frozenset(),
                frozenset(), said)


def test_own_cards_always_stay_and_the_better_auto_card_wins() -> None:
    fact = _seen("als mean survival 3 5 year", "3 5 year")
    cards = [Ranked(True, 0.9, "Clippings/b.md", 1, fact),
             Ranked(False, None, "Neurology/ALS.md", 3, fact),
             Ranked(True, 0.6, "Clippings/a.md", 1, fact),
             Ranked(True, 0.95, "Clippings/c.md", 1, _seen("hit igg antibody pf4", "igg"))]
    assert left_out(cards) == {0, 2}
    assert left_out([cards[0], cards[2]]) == {1}  # the higher score, not the earlier note


def test_a_clipping_added_later_is_compared_with_every_cached_highlight(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """A deck with no note that auto-cloze reads makes no repeat data (two fifths of the
    time a note takes); the cards cached so lack it, and once a clipped article comes they
    are read again: its card for a highlighted fact is left out, as in a first build."""
    from highyield.deck.build import build
    from tests.anki_client import import_apkg

    vault = make_vault({"Neurology/ALS.md": "- Mean survival of ALS is ==3-5 years== from "
                                            "symptom onset\n"})
    deck = folder_deck(vault, tmp_path / "out.apkg")
    first = build(deck)
    assert first.tally is not None and first.tally.repeats == 0
    (vault / "Clippings").mkdir()
    (vault / "Clippings" / "MS vs ALS.md").write_text(f"MS vs ALS\n\n{SURVIVAL_AGAIN}\n")
    again = build(deck)
    assert again.tally is not None and again.tally.repeats == 1
    assert again.fresh == 2  # the cached note too
    cards = import_apkg(deck.output, tmp_path / "anki").cards
    assert len(cards) == 1 and "Mean survival of ALS is 3-5 years" in cards[0].answer_text
