"""Stable keys: the same notes give the same guids, whatever the time or file order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from highyield.config import folder_deck
from highyield.identity.collect import collect
from highyield.identity.contrary import contrary
from highyield.identity.ledger import Entry
from highyield.identity.similar import similar_pairs
from highyield.identity.subject import Subject, digest
from tests.anki_client import Imported

NOTE_A = ("# Drugs\n- ==Riluzole== inhibits glutamate release.\n"
          "- Edaravone is a ==free radical scavenger==.\n")
NOTE_B = "# Signs\n- ==Fasciculations== are a lower motor neuron sign.\n"


def _keys(vault: Path) -> dict[str, str]:
    cards = collect(folder_deck(vault, None)).cards
    return {c.draft.ref.path.rsplit("/", 1)[-1] + f":{c.draft.ref.line}": c.key for c in cards}


def test_keys_do_not_depend_on_file_names_or_order(make_vault: Callable[..., Path]) -> None:
    first = make_vault({"a.md": NOTE_A, "b.md": NOTE_B}, name="one")
    second = make_vault({"z.md": NOTE_A, "0.md": NOTE_B}, name="two")
    one, two = _keys(first), _keys(second)
    assert sorted(one.values()) == sorted(two.values())
    assert one["a.md:2"] == two["z.md:2"]


def test_same_fact_in_two_notes_with_different_context_gets_two_keys(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    vault = make_vault({"ALS.md": "# Signs\n- ==Fasciculations==\n\t- LMN sign\n",
                        "Polio.md": "# Signs\n- ==Fasciculations==\n\t- LMN sign\n"})
    keys = _keys(vault)
    assert keys["ALS.md:2"] != keys["Polio.md:2"]
    deck = build_and_import(vault)
    assert len({c.guid for c in deck.cards}) == 2


def test_identical_fact_in_the_same_context_is_one_card(make_vault: Callable[..., Path],
                                                        build_and_import: Callable[..., Imported]
                                                        ) -> None:
    vault = make_vault({"n.md": "# Signs\n- A ==fasciculation== is a twitch.\n"
                                "- A ==fasciculation== is a twitch.\n"})
    collected = collect(folder_deck(vault, None))
    assert len(collected.cards) == 1
    assert collected.merged == 1
    assert build_and_import(vault).new == 1


def test_an_edit_elsewhere_does_not_change_other_keys(make_vault: Callable[..., Path]) -> None:
    before = _keys(make_vault({"a.md": NOTE_A, "b.md": NOTE_B}, name="v1"))
    edited = NOTE_A + "- Tofersen targets ==SOD1== mutations.\n"
    after = _keys(make_vault({"a.md": edited, "b.md": NOTE_B}, name="v2"))
    assert {k: after[k] for k in before} == before
    assert len(after) == len(before) + 1


def test_keys_ignore_case_and_spacing_but_not_words(make_vault: Callable[..., Path]) -> None:
    base = _keys(make_vault({"n.md": "- Riluzole blocks ==sodium channels==\n"}, name="v1"))
    spaced = _keys(make_vault({"n.md": "- riluzole  blocks ==Sodium channels==\n"}, name="v2"))
    reworded = _keys(make_vault({"n.md": "- Riluzole inhibits ==sodium channels==\n"}, name="v3"))
    assert base == spaced
    assert base != reworded


def test_sibling_cues_and_lead_ins_keep_a_cards_key(make_vault: Callable[..., Path]) -> None:
    """The siblings a card shows and a lead-in above its list are around the card, not
    in it: the key is the one the same deletion has without them."""
    alone = make_vault({"m.md": "- Ménière triad\n\t- ==tinnitus==\n\t- vertigo\n"},
                       name="alone")
    listed = make_vault({"m.md": "Ménière triad:\n- ==tinnitus==\n- ==vertigo==\n"},
                        name="listed")
    cards = collect(folder_deck(listed, None)).cards
    assert [c.draft.context[-1] for c in cards] == ["Ménière triad:"] * 2
    assert all(c.draft.cue for c in cards)
    assert _keys(alone)["m.md:2"] == _keys(listed)["m.md:2"]


def test_cards_that_differ_only_in_numbers_keep_their_keys_when_all_are_reworded() -> None:
    """6,000 cards alike but for their numbers ("fact 1-1 the {{c1::term1x1}} is word…"),
    every one reworded at once: each still finds its own card, because the word only it
    has weighs more than the words hundreds share. Before, 12 of them (mostly "fact i-i",
    whose two numbers are one word) lost their card to a tie broken by position."""
    tail = " is word word word word ."
    old = [(f"n{n}.md", f"fact {n}-{i} the {{{{c1::term{n}x{i}}}}}", digest(f"{n}-{i}"))
           for n in range(300) for i in range(20)]
    old.sort(key=lambda card: card[2])  # as the ledger keeps them: by key
    entries = [Entry(key, "cloze", 1, path, front + tail, "") for path, front, key in old]
    reworded = tail.replace(" is word ", " is wordx ")
    subjects = [Subject("cloze", front + reworded, "", "", path, 1) for path, front, _ in old]
    pairs = similar_pairs(subjects, entries)
    assert len(pairs) == len(old)
    wrong = [(subjects[i].front[:30], e.key) for i, e in pairs if e.key != old[i][2]]
    assert wrong == []


@pytest.mark.parametrize(("before", "after", "other"), [
    ("hyperkalemia causes", "hypokalemia causes", True),
    ("cn iii palsy: eye looks", "cn iv palsy: eye looks", True),
    ("type i dm", "type 2 dm", True),
    ("warfarin crosses the", "warfarin does not cross the", True),
    ("bilirubin is direct", "bilirubin is indirect", True),
    ("edaravone is an antioxidant", "edaravone is an anti-oxidant", False),
    ("type i dm", "type 1 dm", False),
    ("in 1,000 births", "in 1000 births", False),
    ("metformin does not cause", "metformin doesn't cause", False),
    ("metformin causes", "metformin induces", False),
])
def test_a_question_turned_by_a_little_word_is_told_apart(before: str, after: str,
                                                           other: bool) -> None:
    """A number, a negation or an opposite makes another fact; the same said another
    way does not."""
    assert contrary(before, after) is other
