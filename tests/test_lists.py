"""Lists and lead-ins (extract/lists.py): which list an item is in, what owns a list, and
what the cards of its items show."""

from __future__ import annotations

from highyield.extract import ExtractRules, extract_note
from highyield.model import Draft, Source, preview_text
from highyield.parse import parse_note


def _cards(text: str) -> dict[str, Draft]:
    note, _ = parse_note(Source("n.md", "n.md", text))
    drafts = extract_note(note, ExtractRules()).drafts
    return {preview_text(d.front): d for d in drafts}


def _cue(draft: Draft) -> list[str]:
    return [preview_text(c) for c in draft.cue]


def test_a_paragraph_is_a_lead_in_only_when_it_ends_in_a_colon_right_above_the_list() -> None:
    cards = _cards("# H\nSigns:\n\n- ==a==\n- ==b== here\n\nMore signs:\n\n\n- ==c== there\n"
                   "\nNo colon\n- ==d== too\n")
    assert cards["{{c1::a}}"].context == ("n", "H", "Signs:")
    assert cards["{{c1::b}} here"].context == ("n", "H", "Signs:")
    assert cards["{{c1::c}} there"].context == ("n", "H")  # two blank lines: not its list
    assert cards["{{c1::d}} too"].context == ("n", "H")


def test_only_the_lead_in_sentence_is_the_context_and_shows_the_list() -> None:
    cards = _cards("First ==fact==. Then ==this== if:\n- x\n- ==y== is it\n")
    assert cards["{{c1::y}} is it"].context == ("n", "Then this if:")
    assert [preview_text(e) for e in cards["Then {{c1::this}} if:"].extra] == ["x", "y is it"]
    assert not cards["First {{c1::fact}}."].extra


def test_a_lead_in_item_owns_the_items_after_it_up_to_a_labelled_one() -> None:
    cards = _cards("- Causes e.g.:\n- ==HCM== mostly\n- Treatment: ==beta blockers==\n"
                   "- ==last== one\n")
    assert cards["{{c1::HCM}} mostly"].context == ("n", "Causes e.g.:")
    assert cards["Treatment: {{c1::beta blockers}}"].context == ("n",)
    assert cards["{{c1::last}} one"].context == ("n",)


def test_an_item_with_children_keeps_them_and_is_no_flat_lead_in() -> None:
    cards = _cards("- Causes:\n\t- ==HCM==\n- ==MVP== also\n")
    assert cards["{{c1::HCM}}"].context == ("n", "Causes:")
    assert cards["{{c1::MVP}} also"].context == ("n",)


def test_a_long_list_shows_nine_items_around_the_cards_own() -> None:
    items = [f"item{n:02}" for n in range(30)]
    cards = _cards("- Parent\n" + "".join(f"\t- =={i}==\n" for i in items))
    assert _cue(cards["{{c1::item15}}"]) == [*items[11:15], "[...]", *items[16:20]]
    assert _cue(cards["{{c1::item00}}"]) == ["[...]", *items[1:9]]
    assert _cue(cards["{{c1::item29}}"]) == [*items[21:29], "[...]"]


def test_siblings_that_read_differently_keep_their_cards_as_they_were() -> None:
    cards = _cards("- Pathology\n\t- UMN: ==corticospinal tracts==\n"
                   "\t- LMN: ==anterior horn==\n\t- Muscle: angular fibres\n")
    assert not cards["UMN: {{c1::corticospinal tracts}}"].cue
    assert not cards["LMN: {{c1::anterior horn}}"].cue


def test_two_lists_in_one_section_are_not_siblings() -> None:
    cards = _cards("# H\n- ==a==\n- ==b==\n\nText between.\n\n- ==c==\n- ==d==\n")
    assert _cue(cards["{{c1::a}}"]) == ["[...]", "b"]
    assert _cue(cards["{{c1::d}}"]) == ["c", "[...]"]
