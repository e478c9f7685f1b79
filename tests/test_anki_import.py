"""Real-client tests: every deck is imported with the official anki package and the
rendered question and answer of its cards are checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from highyield.config.deckfile import load_deck_file
from highyield.deck import notetypes
from highyield.model import CardKind
from tests.anki_client import Imported, RenderedCard, visible
from tests.conftest import FIXTURES, PROJECT, SAMPLE_AUTO, vault_copy

BLANK = "[...]"
LEFTOVERS = ("<span", "==", "[[", "%%", "<script", "onerror", "onclick", "javascript:",
             "<iframe", "<mark", "{{c")
CITATION = re.compile(r"[a-z)] \d{1,2}(?:, ?\d{1,2})*\.?$")


@pytest.fixture(scope="module")
def syntax_deck(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    from highyield.config import folder_deck
    from highyield.deck.build import build
    from tests.anki_client import import_apkg
    from tests.conftest import FIXED_NOW

    tmp = tmp_path_factory.mktemp("syntax")
    deck = folder_deck(vault_copy(FIXTURES / "syntax", tmp), tmp / "syntax.apkg")
    build(deck, now=FIXED_NOW)
    return import_apkg(deck.output, tmp / "anki")


@pytest.fixture(scope="module")
def sample_deck(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    from highyield.deck.build import build
    from tests.anki_client import import_apkg
    from tests.conftest import FIXED_NOW

    tmp = tmp_path_factory.mktemp("sample")
    deck = replace(load_deck_file(PROJECT / "decks" / "usmle.yaml"), output=tmp / "USMLE.apkg",
                   vault=vault_copy(PROJECT / "notes", tmp))
    build(deck, now=FIXED_NOW)
    return import_apkg(deck.output, tmp / "anki")


def _image_name(card: RenderedCard) -> str:
    found = re.search(r'<img src="([^"]+)"', card.question)
    assert found is not None, card.question
    return found.group(1)


def _card(deck: Imported, answer_fragment: str, ord_: int | None = None) -> RenderedCard:
    """The one card whose note text (not its extra items) holds the fragment."""
    found = [c for c in deck.cards
             if answer_fragment in visible(c.fields.get("Text", "") + c.fields.get("Front", "")
                                           + c.fields.get("Back", ""))
             and (ord_ is None or c.ord == ord_)]
    assert len(found) == 1, f"{len(found)} cards with {answer_fragment!r}"
    return found[0]


def _active_answer(card: RenderedCard) -> str:
    """The text Anki reveals for the card's own deletion."""
    m = re.search(r'<span class="cloze" data-ordinal="\d+">(.*?)</span>', card.answer, re.S)
    assert m, card.answer
    return visible(m.group(1))


# ---------------------------------------------------------------- the fixture vault


def test_blank_is_where_the_highlight_was(syntax_deck: Imported) -> None:
    card = _card(syntax_deck, "ethosuximide")
    assert "The first-line drug for absence seizures is [...]." in card.question_text
    assert "ethosuximide" not in card.question_text
    assert _active_answer(card) == "ethosuximide"


def test_each_highlight_is_its_own_deletion(syntax_deck: Imported) -> None:
    first = _card(syntax_deck, "gingival hyperplasia", ord_=0)
    second = _card(syntax_deck, "gingival hyperplasia", ord_=1)
    assert _active_answer(first) == "gingival hyperplasia"
    assert "hirsutism" in first.question_text
    assert _active_answer(second) == "hirsutism"
    assert "gingival hyperplasia" in second.question_text


def test_context_is_on_the_front(syntax_deck: Imported) -> None:
    card = _card(syntax_deck, "deeper fact")
    assert card.question_text.startswith(
        "structure › Level one › Level two › Parent item › Child with tab indent")


def test_image_is_packed_and_shown(syntax_deck: Imported) -> None:
    assert "diagram.png" in syntax_deck.media
    assert "outside.png" not in syntax_deck.media
    section = _card(syntax_deck, "corticospinal tract")
    assert '<img src="diagram.png">' in section.answer
    inline = _card(syntax_deck, "anterior horn")
    assert '<img src="diagram.png" width="200">' in inline.question


def test_tags_are_set(syntax_deck: Imported) -> None:
    assert set(_card(syntax_deck, "airway").tags) == {"cardio::arrhythmia", "neuro"}
    assert set(_card(syntax_deck, "hypercalcemia").tags) == {
        "diuretics", "heading-tag", "pharm", "renal", "Renal_Drugs", "topic::nephro",
        "trailing-only"}


def test_hint_is_shown_in_the_blank(syntax_deck: Imported) -> None:
    card = _card(syntax_deck, "larynx", ord_=1)
    assert "innervates the [organ]." in card.question_text


def test_basic_and_reversed_cards(syntax_deck: Imported) -> None:
    basic = [c for c in syntax_deck.cards if c.notetype == "highyield Basic"]
    reversed_ = [c for c in syntax_deck.cards if c.notetype == "highyield Basic (and reversed)"]
    assert len(basic) == 3
    assert len(reversed_) == 4  # two notes, two cards each
    horner = _card(syntax_deck, "Anhidrosis")
    assert "What are the three signs of Horner syndrome?" in horner.question_text
    assert "• Ptosis<br>• Miosis<br>• Anhidrosis" in horner.answer
    card2 = [c for c in reversed_ if c.ord == 1 and "Edaravone" in c.answer_text]
    assert card2 and "Free radical scavenger" in card2[0].question_text


def test_math_becomes_mathjax_and_survives_the_cloze(syntax_deck: Imported) -> None:
    card = _card(syntax_deck, "summed")
    assert _active_answer(card) == "\\(\\frac{1}{R_{total}}\\)"
    clearance = _card(syntax_deck, "creatinine clearance")
    assert "\\(C = \\frac{U \\times V}{P}\\)" in clearance.question_text


def test_no_markup_leftovers_and_nothing_unsafe(syntax_deck: Imported) -> None:
    for card in syntax_deck.cards:
        rendered = card.without_anki_markup()
        for leftover in LEFTOVERS:
            assert leftover not in rendered, (leftover, card.fields)
        assert not re.search(r"<[a-z]+[^>]*\son\w+=", rendered)


def test_allowed_formatting_is_kept(syntax_deck: Imported) -> None:
    card = _card(syntax_deck, "Kept formatting")
    for tag in ("<b>bold</b>", "<i>italic</i>", "<u>under</u>", "H<sub>2</sub>O",
                "x<sup>2</sup>"):
        assert tag in card.question
    escaped = _card(syntax_deck, "stays text")
    assert "1 &lt; 2 &amp; 3 &gt; 2" in escaped.fields["Text"]
    assert _active_answer(escaped) == "a<b"


def test_crossing_bold_and_highlight_show_no_markers(syntax_deck: Imported) -> None:
    thyroid = _card(syntax_deck, "thyroid disease")
    assert "{{c1::screening for <b>thyroid disease</b>}} at the first" in thyroid.fields["Text"]
    assert _active_answer(thyroid) == "screening for thyroid disease"
    assert "calls for [...] at the first visit" in thyroid.question_text
    testosterone = _card(syntax_deck, "testosterone")
    assert "{{c1::<b>unequivocally low</b> testosterone}} on" in testosterone.fields["Text"]
    assert _active_answer(testosterone) == "unequivocally low testosterone"
    cortisol = _card(syntax_deck, "salivary cortisol")
    assert "{{c1::late-night <b>salivary cortisol</b>}}<b> test</b>." in cortisol.fields["Text"]
    crossing = [c for c in syntax_deck.by_source("highlight-edges")
                if "Sheehan" not in c.question_text]  # its ** is never closed: kept as text
    assert len(crossing) == 12
    for card in crossing:
        rendered = card.without_anki_markup()
        assert "==" not in rendered and "**" not in rendered, card.fields
        assert not re.search(r"\[\d|\^\d|²", rendered), card.fields


def test_spaces_at_a_highlight_edge_are_not_hidden(syntax_deck: Imported) -> None:
    behcet = _card(syntax_deck, "recurrent episodes")
    assert "manifests as {{c1::recurrent episodes}} of" in behcet.fields["Text"]
    assert _active_answer(behcet) == "recurrent episodes"
    assert "manifests as [...] of painful" in behcet.question_text
    mono = _card(syntax_deck, "EBV")
    assert "{{c1::EBV}} " in mono.fields["Text"]
    assert _active_answer(mono) == "EBV"


def test_citation_after_a_highlight_is_dropped(syntax_deck: Imported) -> None:
    bone = _card(syntax_deck, "chalk-stick")
    assert bone.fields["Text"] == ("Osteopetrosis gives {{c1::chalk-stick fractures}} and "
                                   "cranial nerve palsies.")
    paget = _card(syntax_deck, "lion facies", ord_=0)
    assert "{{c1::lion facies}}, {{c2::high alkaline phosphatase}} and " \
        "{{c3::conductive hearing loss}}." in paget.fields["Text"]
    rickets = _card(syntax_deck, "craniotabes", ord_=0)
    assert "<b>{{c1::craniotabes}}</b> and a {{c2::rachitic rosary}}." in rickets.fields["Text"]


def test_source_links_back_to_obsidian(syntax_deck: Imported) -> None:
    card = _card(syntax_deck, "ethosuximide")
    assert card.fields["Source"] == (
        '<a href="obsidian://open?vault=syntax&amp;file=highlights">highlights.md</a>')
    assert "highlights.md" in card.answer_text


def test_deck_and_note_types(syntax_deck: Imported) -> None:
    assert {c.deck for c in syntax_deck.cards} == {"syntax"}
    assert {c.notetype for c in syntax_deck.cards} == {
        "highyield Cloze", "highyield Basic", "highyield Basic (and reversed)"}
    assert syntax_deck.conflicting == 0


# ---------------------------------------------------------------- the sample vault


def _als_highlights() -> list[str]:
    text = (PROJECT / "notes/USMLE/Neurology/Amyotrophic lateral sclerosis.md").read_text()
    return [" ".join(h.split()) for h in re.findall(r'<span style="background:[^"]*">(.*?)</span>',
                                                  text)]


def test_sample_deck_has_every_highlighted_fact(sample_deck: Imported) -> None:
    highlights = _als_highlights()
    assert len(highlights) == 12
    answers = [c.answer_text for c in sample_deck.cards]
    for fact in highlights:
        assert any(fact in a for a in answers), fact
    own = [c for c in sample_deck.cards if "highyield::auto" not in c.tags]
    assert len(own) == 12
    assert len(sample_deck.cards) == 12 + SAMPLE_AUTO
    assert sample_deck.new == 11 + SAMPLE_AUTO


def test_sample_cards_are_not_bare(sample_deck: Imported) -> None:
    text = (PROJECT / "notes/USMLE/Neurology/Amyotrophic lateral sclerosis.md").read_text()
    crumbs = {"Amyotrophic lateral sclerosis",
              *(h.lstrip("#").strip() for h in text.splitlines() if h.startswith("#"))}
    for card in sample_deck.cards:
        if "highyield::auto" in card.tags:
            continue
        assert BLANK in card.question_text
        found = re.search(r'<div class="hy-context">(.*?)</div>', card.question)
        assert found is not None, card.question
        context = visible(found.group(1))
        rest = card.question_text.replace(context, "").replace(BLANK, "")
        extra_context = [c for c in context.split(" › ") if c not in crumbs]
        assert re.search(r"[A-Za-z]{2}", rest) or extra_context, card.question_text


def test_sample_cards_have_no_leftovers(sample_deck: Imported) -> None:
    for card in sample_deck.cards:
        rendered = card.without_anki_markup()
        for leftover in LEFTOVERS:
            assert leftover not in rendered, (leftover, card.fields)
        assert not CITATION.search(card.answer_text.split("USMLE/")[0].split("Clippings/")[0]
                                   .strip())
        folder = "Clippings" if "highyield::auto" in card.tags else "USMLE::Neurology"
        assert "highyield" in card.tags and folder in card.tags


def _auto(deck: Imported, fragment: str) -> RenderedCard:
    found = [c for c in deck.cards if "highyield::auto" in c.tags
             and fragment in visible(c.fields["Text"])]
    assert len(found) == 1, f"{len(found)} auto cards with {fragment!r}"
    return found[0]


def test_sample_auto_cards_in_anki(sample_deck: Imported) -> None:
    smn1 = _auto(sample_deck, "survival motor neuron 1")
    assert smn1.question_text.startswith(
        "Neither ALS nor SMA are Demyelinating Diseases › Pathophysiology: Why These Are NOT "
        "Demyelinating Diseases › SMA Pathophysiology")
    assert "SMA is caused by deletions or mutations in the [...] gene" in smn1.question_text
    assert _active_answer(smn1) == "survival motor neuron 1 (SMN1)"
    assert not CITATION.search(visible(smn1.fields["Text"]))
    survival = _auto(sample_deck, "Mean survival of")
    assert "Mean survival of ALS patients is typically [...] after symptom onset" in \
        survival.question_text
    assert _active_answer(survival) == "3-5 years"
    assert "Clippings/Is Amyotrophic Lateral Sclerosis (ALS) a form of muscular dystrophy.md" \
        in survival.answer_text


def test_sample_auto_cards_say_each_thing_once(sample_deck: Imported) -> None:
    """"Snake eyes" is in three clippings; it is one card."""
    auto = [c for c in sample_deck.cards if "highyield::auto" in c.tags]
    assert len([c for c in auto if _active_answer(c) == "snake eyes"]) == 1
    assert len({c.guid for c in auto}) == len(auto)


def test_sample_auto_cards_have_no_page_furniture(sample_deck: Imported) -> None:
    furniture = ("Personalize", "Advisory Board", "Dr.Oracle", "follow-up question",
                 "Review Status", "tailor your experience", "Disclaimer", "neurotherapeutics",
                 "Nature reviews", "Last updated")
    for card in sample_deck.cards:
        text = card.question_text + card.answer_text
        assert not any(f in text for f in furniture), text


def test_rebuild_and_reimport_changes_nothing(tmp_path: Path,
                                              build_and_import: Callable[..., Imported]
                                              ) -> None:
    from highyield.deck.build import build
    from tests.anki_client import import_apkg

    deck = replace(load_deck_file(PROJECT / "decks" / "usmle.yaml"), output=tmp_path / "a.apkg",
                   vault=vault_copy(PROJECT / "notes", tmp_path))
    build(deck, now=1_800_000_000)
    first = import_apkg(deck.output, tmp_path / "anki")
    build(deck, now=1_800_000_100)
    from anki.collection import Collection

    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        second = import_apkg(deck.output, tmp_path / "anki", col)
    finally:
        col.close()
    assert second.new == 0
    assert len(second.cards) == len(first.cards)
    assert sorted(c.guid for c in second.cards) == sorted(c.guid for c in first.cards)


@pytest.mark.parametrize("other", ["figure.png", "Figure.PNG"])
def test_images_with_the_same_name_in_two_folders_both_arrive(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported],
        other: str) -> None:
    """Also names that differ only in case: one file in Anki's media folder on Windows
    and macOS, so they get names apart."""
    red = (FIXTURES / "syntax" / "attachments" / "diagram.png").read_bytes()
    black = (FIXTURES / "outside.png").read_bytes()
    vault = make_vault({
        "Cardio/img/figure.png": red, f"Neuro/img/{other}": black,
        "Cardio/heart.md": "- The ==SA node== paces the heart ![[img/figure.png]]\n",
        "Neuro/brain.md": f"- The ==motor cortex== is precentral ![[img/{other}]]\n",
    })
    deck = build_and_import(vault)
    assert len(deck.media) == 2 and len({m.casefold() for m in deck.media}) == 2
    heart = _card(deck, "SA node")
    brain = _card(deck, "motor cortex")
    names = [_image_name(c) for c in (heart, brain)]
    assert names[0] != names[1]
    assert set(names) == set(deck.media)


def test_one_image_reached_by_several_paths_is_packed_once(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    """By name, relative with ``..`` and ``./``, and from the vault's top: one file, one
    name in the package (it was packed twice, once with a hashed name)."""
    red = (FIXTURES / "syntax" / "attachments" / "diagram.png").read_bytes()
    vault = make_vault({
        "att/figure.png": red,
        "Cardio/heart.md": "- The ==SA node== paces ![[figure.png]]\n"
                           "- The ==AV node== delays ![](../att/figure.png)\n"
                           "- The ==His bundle== conducts ![](./../att/./figure.png)\n"
                           "- The ==Purkinje fibres== spread ![](/att/figure.png)\n",
    })
    deck = build_and_import(vault)
    assert deck.media == ["figure.png"]
    assert {_image_name(c) for c in deck.cards} == {"figure.png"} and len(deck.cards) == 4


def test_basic_answer_keeps_the_front_in_place(syntax_deck: Imported) -> None:
    card = _card(syntax_deck, "N-acetylcysteine")
    front_html = card.question
    assert card.answer.startswith(front_html)
    assert card.answer[len(front_html):].startswith('<div class="hy"><hr id="answer">')


def test_inline_cards_can_be_turned_off(make_vault: Callable[..., Path],
                                        build_and_import: Callable[..., Imported],
                                        tmp_path: Path) -> None:
    vault = make_vault({"n.md": "source:: First Aid 2026\n- Riluzole::Inhibits glutamate\n"
                                "- A ==highlight== still counts\n"})
    deck_file = tmp_path / "d.yaml"
    deck_file.write_text(f"deck: D\nnotes: {vault}\noutput: d.apkg\ninline_cards: false\n")
    deck = build_and_import(load_deck_file(deck_file))
    assert [c.fields["Text"] for c in deck.cards] == ["A {{c1::highlight}} still counts"]


# ---------------------------------------------------------------- lists and lead-ins


def _list_card(deck: Imported, answer: str) -> RenderedCard:
    """The one card of lists.md whose own deletion is ``answer``."""
    found = [c for c in deck.by_source("lists.md") if _active_answer(c) == answer]
    assert len(found) == 1, f"{len(found)} cards hiding {answer!r}"
    return found[0]


def test_highlighted_siblings_show_each_other_with_only_their_own_hidden(
        syntax_deck: Imported) -> None:
    triad = ("tinnitus", "peripheral vertigo", "hearing loss")
    fronts = set()
    for own in triad:
        card = _list_card(syntax_deck, own)
        front = card.question_text
        others = " ".join(BLANK if item == own else item for item in triad)
        assert front == f"lists › Ménière disease › Ménière triad {BLANK} {others}"
        assert own not in front
        assert own in card.answer_text
        fronts.add(front)
    assert len(fronts) == 3


def test_a_lead_in_shows_its_list_and_is_the_items_context(syntax_deck: Imported) -> None:
    lead = _list_card(syntax_deck, "leukaemia")
    assert lead.question_text == \
        f"lists › Referral Refer urgently for {BLANK} if the child has:"
    assert "if the child has: unexplained petechiae hepatosplenomegaly" in lead.answer_text
    assert "petechiae" not in lead.question_text
    item = _list_card(syntax_deck, "hepatosplenomegaly")
    assert item.question_text.startswith(
        "lists › Referral › Refer urgently for leukaemia if the child has: [...]")
    flat = _list_card(syntax_deck, "betahistine")
    assert flat.question_text == \
        f"lists › Ménière disease › Treatment e.g.: {BLANK} {BLANK} salt restriction"


def test_a_list_without_a_lead_in_shows_its_siblings_too(syntax_deck: Imported) -> None:
    card = _list_card(syntax_deck, "thiazides")
    assert card.question_text == \
        f"lists › Hypercalcaemia {BLANK} sarcoidosis {BLANK} milk-alkali syndrome"
    lone = _list_card(syntax_deck, "BCG")
    assert lone.question_text == f"lists › Vaccines › Live vaccines {BLANK} for tuberculosis"


@pytest.mark.parametrize("kind", [k for k in CardKind if k is not CardKind.CLOZE])
def test_each_front_back_types_required_fields_are_those_genanki_finds(kind: CardKind) -> None:
    """A patched collection makes a note's cards from ``notetypes``' required fields,
    without genanki: they must be those genanki works out from the templates."""
    import genanki

    spec = notetypes.BY_KIND[kind]
    model = genanki.Model(spec.model_id, spec.name, fields=[{"name": f} for f in spec.fields],
                          templates=[{"name": n, "qfmt": q, "afmt": a}
                                     for n, q, a in spec.templates])
    assert [(ord_, rule, list(fields)) for ord_, rule, fields in model._req] == [
        (ord_, "any", list(fields)) for ord_, fields in enumerate(spec.required)]
