"""Auto-cloze, step by step: clipping layout, noise, answer spans, scores and repeats.

The quality of the whole (precision and recall against gold answers) is measured in
test_autocloze_gold.py; what the cards look like in Anki in test_anki_import.py.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from highyield.config import AUTO_OFF, AutoCloze, folder_deck
from highyield.extract.auto import noise
from highyield.extract.auto.layout import looks_like_heading
from highyield.extract.auto.spans import Sentence, candidates
from highyield.extract.auto.words import content_stems
from highyield.identity.collect import collect
from highyield.model import Card, Cloze, plain_text
from highyield.vault.globs import Selection
from tests.anki_client import Imported

choose = importlib.import_module("highyield.extract.auto.choose")


def _cards(vault: Path, auto: AutoCloze | None = None) -> list[Card]:
    deck = folder_deck(vault, vault / "out.apkg")
    if auto is not None:
        deck = replace(deck, auto=auto)
    return [c for c in collect(deck).cards if c.draft.auto]


def _hidden(card: Card) -> str:
    return " ".join(plain_text(n.children) for n in card.draft.front if isinstance(n, Cloze))


def _pick(text: str, context: tuple[str, ...] = ("Note",)) -> str | None:
    found = choose.choose(text, context)
    return None if found is None else text[found.span.start:found.span.end]


# ---------------------------------------------------------------- noise


@pytest.mark.parametrize("line", [
    "Medical Advisory BoardAll articles are reviewed for accuracy by our Medical Advisory Board",
    "Last updated: October 3, 2025View editorial policy",
    "Personalize",
    "Help us tailor your experience",
    "Medically reviewed by Jane Doe, MD — Written by John Smith on March 2, 2024",
    "Share on Pinterest",
    "Was this page helpful?",
    "Sign up for our free newsletter",
    "Advertisement",
    "This information is not intended as a substitute for medical advice.",
    "We use cookies to improve your experience.",
    "Home › Conditions › Heart & Blood › Kawasaki disease",
    "Rated 4.5 out of 5 by 1,200 readers",
    "Yes No",
    "Print | Download PDF | Cite this article",
    "Access free multiple choice questions on this topic.",
    "By Jane Doe, MD",
    "© 2025 Example Health. All rights reserved.",
    "★★★★☆ (212 reviews)",
    "Answer generated Jan 3, 2026 · Checked by the clinical team · 4 sources",
    "Sources: our writers follow strict sourcing guidelines and cite peer-reviewed studies.",
    "Great question! Let me break this down.",
])
def test_boilerplate_lines_are_recognised(line: str) -> None:
    assert noise.is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "SMA is caused by deletions or mutations in the survival motor neuron 1 (SMN1) gene",
    "Warfarin is reversed with vitamin K and four-factor prothrombin complex concentrate.",
    "Electromyography and nerve conduction studies are key tests in diagnosing ALS",
    "By adulthood, most patients are chronically infected with Pseudomonas aeruginosa",
    "By the age of five, most children have had at least one RSV infection",
])
def test_facts_are_not_boilerplate(line: str) -> None:
    assert not noise.is_boilerplate(line)


@pytest.mark.parametrize(("text", "clean"), [
    ("… and apoptosis 2", "… and apoptosis"),
    ("… their axons 1, 2.", "… their axons."),
    ("… survival motor neuron 1 (SMN1) gene 3", "… survival motor neuron 1 (SMN1) gene"),
    ("… in 1-2 per 100,000 people 1", "… in 1-2 per 100,000 people"),
    ("Diabetes mellitus type 2", "Diabetes mellitus type 2"),
    ("The target INR is 2", "The target INR is 2"),
    ("The dose is reduced in stage 4", "The dose is reduced in stage 4"),
])
def test_trailing_citations(text: str, clean: str) -> None:
    assert noise.strip_trailing(text) == clean


def test_a_citation_after_the_full_stop_still_ends_the_sentence(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/mg.md": (
        "Myasthenia gravis\n\nMyasthenia gravis is caused by antibodies against the "
        "acetylcholine receptor.[1][2] About 85% of patients have detectable antibodies.[3]\n")})
    texts = sorted(plain_text(c.draft.front) for c in _cards(vault))
    assert len(texts) == 2, texts
    assert not any("[" in t for t in texts)


def test_years_of_age_then_a_citation() -> None:
    assert noise.strip_trailing("Penicillin is given until 5 years of age 6") == \
        "Penicillin is given until 5 years of age"


def test_bracketed_and_superscript_citations_go_anywhere() -> None:
    assert noise.strip_bracketed("HIT occurs 5–10 days after heparin [2, 3]. It is") == \
        "HIT occurs 5–10 days after heparin. It is"
    assert noise.strip_bracketed("caused by CFTR mutations³ and") == "caused by CFTR mutations and"


def test_only_the_markers_that_open_the_text_go_after_a_highlight() -> None:
    from highyield.extract.citations import strip_leading
    assert strip_leading(" [2] and cranial nerve palsies [3].") == \
        " and cranial nerve palsies [3]."
    assert strip_leading("[2,3], [2-4] more") == ", [2-4] more"
    assert strip_leading("^2 and ² too") == " and ² too"
    assert strip_leading("²[4] then") == " then"
    for kept in (" [see above]", "^2x is not one", " 2 tablets", "[[link]]"):
        assert strip_leading(kept) == kept


def test_trailing_numbers_are_kept_in_a_note_that_does_not_cite(make_vault: Callable[..., Path]
                                                                ) -> None:
    vault = make_vault({"Clippings/a.md": (
        "Diabetes\n\nPatients with diabetes are screened for retinopathy every year.\n\n"
        "The HbA1c target for most adults with diabetes is below 7\n")})
    texts = [plain_text(c.draft.front) for c in _cards(vault)]
    assert any(t.endswith("below 7") for t in texts), texts


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize(("line", "heading"), [
    ("Clinical Implications", True),
    ("ALS Pathophysiology:", True),
    ("Are MS and ALS Linked?", True),
    ("Pathophysiology: Axonal Degeneration is Primary", True),
    ("Pathophysiology of ALS vs. Muscular Dystrophy", True),
    ("ALS is a complex neurodegenerative disorder with distinct characteristics:", False),
    ("SMA is caused by deletions or mutations in the SMN1 gene.", False),
    ("Which best describes you? Your choice helps us use language.", False),
])
def test_bare_headings(line: str, heading: bool) -> None:
    assert looks_like_heading(line) is heading


CLIPPING = """\
Warfarin Reversal Explained
Medically reviewed by A. Author, PharmD
Mechanism
- Warfarin inhibits vitamin K epoxide reductase (VKORC1) 1
- Its effect is monitored with the INR, with a usual target of 2-3 2, 1
Reversal
Emergency Management
- Major bleeding is treated with four-factor prothrombin complex concentrate 3
References
Guideline
Antithrombotic therapy guideline, 2021
Was this page helpful?
"""


def test_a_clipping_gets_its_headings_and_loses_its_furniture(
        make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/Warfarin Reversal Explained.md": CLIPPING})
    cards = _cards(vault)
    by_line = {c.draft.ref.line: c for c in cards}
    assert set(by_line) == {4, 5, 8}
    assert by_line[4].draft.context == ("Warfarin Reversal Explained", "Mechanism")
    assert by_line[8].draft.context == ("Warfarin Reversal Explained", "Reversal",
                                        "Emergency Management")
    text = " ".join(plain_text(c.draft.front) for c in cards)
    for gone in ("reviewed", "Guideline", "2021", "helpful", " 1", "2, 1"):
        assert gone not in text
    assert _hidden(by_line[4]) == "vitamin K epoxide reductase (VKORC1)"
    assert _hidden(by_line[5]) == "2-3"


def test_auto_cards_carry_tag_and_score(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/Warfarin Reversal Explained.md": CLIPPING})
    for card in _cards(vault):
        assert "highyield::auto" in card.draft.tags
        assert card.draft.score is not None and 0.5 <= card.draft.score <= 1


# ---------------------------------------------------------------- spans


@pytest.mark.parametrize(("text", "hidden"), [
    ("Mean survival of ALS patients is typically 3-5 years after symptom onset",
     "3-5 years"),
    ("The majority of cases (85-90%) are sporadic and occur without a family history",
     "85-90%"),
    ("Kawasaki disease most often affects children younger than five years of age",
     "younger than five years of age"),
    ("Classic Kawasaki disease needs a fever that lasts at least 5 days", "at least 5 days"),
    ("SMA is caused by deletions or mutations in the survival motor neuron 1 (SMN1) gene",
     "survival motor neuron 1 (SMN1)"),
    ("Multiple sclerosis is characterized by demyelinating plaques disseminated in time",
     "demyelinating plaques"),
    ("The most common cause of community-acquired pneumonia is Streptococcus pneumoniae",
     "Streptococcus pneumoniae"),
    ("Muscle twitching in ALS is known as fasciculations, and it is seen early",
     "fasciculations"),
    ("Heparin-induced thrombocytopenia is treated with argatroban or fondaparinux",
     "argatroban or fondaparinux"),
    ("Patients develop the \"strawberry tongue\" sign during the acute phase",
     "strawberry tongue"),
    ("Spinal Muscular Atrophy (SMA) primarily weakens proximal muscles of infants",
     "proximal muscles"),
    ("Mucoid strains form alginate-rich biofilms that are hard to eradicate",
     "alginate-rich biofilms"),
    ("Sweat is collected after stimulation with pilocarpine iontophoresis",
     "pilocarpine iontophoresis"),
    ("About a quarter of the world's population has been infected with TB bacteria",
     "a quarter"),
    ("CF-related diabetes affects up to half of adult patients with cystic fibrosis",
     "up to half"),
    ("Chronic Helicobacter pylori gastritis reduces iron absorption in the duodenum",
     "Helicobacter pylori gastritis"),
    ("The antidote for warfarin is vitamin K given intravenously", "vitamin K"),
    ("Warfarin is an oral anticoagulant used to prevent stroke in atrial fibrillation",
     "oral anticoagulant"),
    ("Aminoglycosides cause nephrotoxicity, ototoxicity, and neuromuscular blockade",
     "nephrotoxicity, ototoxicity, and neuromuscular blockade"),
])
def test_the_span_worth_hiding(text: str, hidden: str) -> None:
    assert _pick(text) == hidden


@pytest.mark.parametrize("text", [
    "Which best describes you?",
    "ALS Presentation:",
    "It is important.",
    "Read more about our editorial process and how you can help us today",
    "Both diseases share the term “sclerosis,” referring to the scarring of tissue",
    "There have been 33 reported cases of the variant in the literature so far",
    "The difference in targets results in dramatically different courses for patients",
    "The International Classification of Diseases (ICD-11) lists motor neuron disease",
    "Describe the first-line treatment of giardiasis in pregnant patients.",
    "Outline the workup of a patient with suspected pheochromocytoma.",
    "In 1922, Banting and Best first reported that pancreatic extract lowered glucose",
])
def test_no_card_from_what_is_no_statement(text: str) -> None:
    assert _pick(text) is None


def test_a_span_the_statement_gives_away_is_not_hidden() -> None:
    text = "Vitamin K reverses warfarin because warfarin blocks vitamin K recycling"
    assert _pick(text) not in ("warfarin", "Vitamin K")


@pytest.mark.parametrize(("text", "never"), [
    ("Conversely, ALS involves a direct, progressive death of the motor neurons", "direct"),
    ("DMD is primarily caused by mutations in genes, particularly the dystrophin gene",
     "mutations"),
    ("Campylobacter jejuni gastroenteritis is the most commonly identified preceding "
     "infection", "identified"),
])
def test_a_common_word_is_never_hidden_beside_a_specific_term(text: str, never: str) -> None:
    assert _pick(text) not in (never, None)


@pytest.mark.parametrize("short", [
    "Magnetic Resonance Imaging (MRI) is the preferred test for multiple sclerosis plaques",
    "The Neurofilament Light Chain (NfL) level in the blood rises as motor neurons die",
])
def test_an_abbreviation_is_hidden_with_its_expansion(short: str) -> None:
    found = choose.choose(short, ())
    assert found is not None
    hidden = short[found.span.start:found.span.end]
    long_form = short[:short.index(" (")].split(" ", 1)[-1] if short.startswith("The ") \
        else short[:short.index(" (")]
    assert (long_form in hidden) == (")" in hidden), hidden


def test_what_a_cue_names_the_answer_may_be_a_common_word() -> None:
    """"[Bleeding] is the most common adverse effect": the cue makes it the answer, though
    bleeding is an everyday word and warfarin a specific one."""
    assert _pick("Bleeding is the most common adverse effect of warfarin.",
                 ("Warfarin",)) == "Bleeding"


def test_vague_answers_score_lower() -> None:
    vague = choose.choose("MS and ALS are managed with different treatment approaches", ())
    sharp = choose.choose("Status epilepticus is treated with intravenous lorazepam", ())
    assert sharp is not None and (vague is None or vague.score < sharp.score)


def test_hidden_part_never_nearly_the_whole_statement() -> None:
    for text in ("Elevated creatine kinase", "Inflammation", "Tau protein (MAPT)"):
        found = choose.choose(text, (), item=True)
        assert found is None or (found.span.end - found.span.start) < 0.9 * len(text)


@pytest.mark.parametrize("text", [
    "The diagnosis of Multiple Sclerosis relies heavily on medical imaging",
    "Nodular glomerulosclerosis with Kimmelstiel-Wilson nodules is typical of diabetes",
])
def test_capitalised_words_are_no_organism(text: str) -> None:
    s = Sentence.of(text)
    assert not any(c.kind == "name" and s.text[c.start:c.end] in
                   ("Sclerosis relies", "Wilson nodules") for c in candidates(s))


def test_candidates_know_their_kind() -> None:
    s = Sentence.of("BRCA1 mutations raise breast cancer risk to 60-70% by age 70")
    kinds = {s.text[c.start:c.end]: c.kind for c in candidates(s)}
    assert kinds["BRCA1"] == "gene"
    assert kinds["60-70%"] == "number"


def test_ranges_and_number_words_compare_equal() -> None:
    assert content_stems("survival of 3-5 years") == \
        content_stems("survival of three to five years")


# ---------------------------------------------------------------- lists and repeats


def test_a_list_of_short_items_is_one_statement(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/a.md": (
        "Heparin-induced thrombocytopenia\n\n"
        "- Typical features of HIT include:\n"
        "    - Platelet fall above 50%\n"
        "    - Onset 5-10 days after heparin\n"
        "    - Venous or arterial thrombosis\n")})
    cards = _cards(vault)
    assert len(cards) == 1
    text = plain_text(cards[0].draft.front)
    assert text.startswith("Typical features of HIT include: Platelet fall above 50%; Onset")
    assert _hidden(cards[0]) in ("Platelet fall above 50%", "Onset 5-10 days after heparin",
                                 "Venous or arterial thrombosis")


def test_a_statement_said_twice_makes_one_card(make_vault: Callable[..., Path]) -> None:
    said = "Kawasaki disease is treated with intravenous immunoglobulin and high-dose aspirin"
    vault = make_vault({
        "Clippings/a.md": f"Kawasaki\n\nTreatment\n- {said} 1\n",
        "Clippings/b.md": f"Kawasaki disease\n\n{said}, started within 10 days. 2\n",
    })
    cards = _cards(vault)
    assert len(cards) == 1


def test_highlighted_cards_win_over_auto_cards(make_vault: Callable[..., Path]) -> None:
    said = "Kawasaki disease is treated with intravenous immunoglobulin and high-dose aspirin"
    vault = make_vault({
        "Clippings/a.md": f"Kawasaki\n\n{said}\n",
        "Pediatrics/Kawasaki.md": f"- {said.replace('intravenous', '==intravenous')}==\n",
    })
    deck = folder_deck(vault, vault / "out.apkg")
    found = collect(deck)
    assert [c.draft.auto for c in found.cards] == [False]
    assert found.repeats == 1


def test_highlights_in_a_clipping_stay_highlight_cards(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/a.md": (
        "Kawasaki\n\n"
        "- Coronary artery ==aneurysms== are the main complication of Kawasaki disease\n"
        "- Kawasaki disease is treated with intravenous immunoglobulin and aspirin\n")})
    cards = collect(folder_deck(vault, vault / "out.apkg")).cards
    assert [(c.draft.ref.line, c.draft.auto) for c in cards] == [(3, False), (4, True)]


# ---------------------------------------------------------------- configuration


def test_auto_cloze_reads_only_the_notes_it_is_turned_on_for(
        make_vault: Callable[..., Path]) -> None:
    fact = "- Warfarin is reversed with vitamin K and prothrombin complex concentrate\n"
    vault = make_vault({"Clippings/a.md": fact, "Articles/b.md": fact, "Own/c.md": fact})
    assert {c.draft.ref.path for c in _cards(vault)} == {"Clippings/a.md"}
    chosen = _cards(vault, AutoCloze(notes=Selection(("Articles/**",))))
    assert {c.draft.ref.path for c in chosen} == {"Articles/b.md"}
    deck = folder_deck(vault, vault / "out.apkg")
    assert collect(replace(deck, auto=AUTO_OFF)).cards == ()


def test_min_score_leaves_out_less_sure_cards(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/Warfarin Reversal Explained.md": CLIPPING})
    every = _cards(vault, AutoCloze(min_score=0.0))
    top = max(c.draft.score or 0 for c in every)
    sure = _cards(vault, AutoCloze(min_score=top))
    assert sure and len(sure) < len(every)
    assert all((c.draft.score or 0) >= top for c in sure)


# ---------------------------------------------------------------- statements left out


TRIVIA_CLIPPING = """\
Kawasaki Disease Overview
Kawasaki disease is treated with intravenous immunoglobulin and high-dose aspirin.
Both diseases share the term "syndrome" in their older names.
There have been 33 reported cases of the variant in the literature so far.
"""


def test_the_summary_says_how_many_statements_were_left_out(
        make_vault: Callable[..., Path], tmp_path: Path) -> None:
    """Trivia makes no card, and the build says so, also when it takes the note's cards
    from its cache."""
    from click.testing import CliRunner

    from highyield.cli import cli
    from tests.anki_client import import_apkg

    vault = make_vault({"Clippings/Kawasaki.md": TRIVIA_CLIPPING})
    out = tmp_path / "k.apkg"
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(vault), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert "2 statements without a testable fact" in first.stdout
    cards = import_apkg(out, tmp_path / "anki").cards
    assert len(cards) == 1
    assert "Kawasaki disease is treated with [...]." in cards[0].question_text
    note = vault / "Clippings" / "Kawasaki.md"
    note.write_text(TRIVIA_CLIPPING + "\n", encoding="utf-8")  # read again, same cards
    again = runner.invoke(cli, ["build", str(vault), "-o", str(out)])
    assert "2 statements without a testable fact" in again.stdout, again.stdout
    strict = runner.invoke(cli, ["cards", str(vault), "--auto", "--min-score", "0.95"])
    assert "2 statements without a testable fact · 1 auto card under min_score" in \
        strict.stdout, strict.stdout


def test_a_tag_given_twice_in_two_cases_is_one_tag(
        make_vault: Callable[..., Path], build_and_import: Callable[..., Imported]) -> None:
    """Web Clipper writes `tags: [clippings]`; the folder gives `Clippings`. Anki's tags
    ignore case, so the card carries one of them, as the note spells it."""
    vault = make_vault({"Clippings/Warfarin.md": (
        "---\ntags: [clippings]\n---\n# Warfarin\n\n"
        "Warfarin is reversed with vitamin K and four-factor prothrombin complex "
        "concentrate.\n")})
    cards = build_and_import(vault).cards
    assert cards and all(
        [t for t in c.tags if t.casefold() == "clippings"] == ["clippings"] for c in cards)


def test_an_emoji_before_the_first_word_is_left_out(make_vault: Callable[..., Path]) -> None:
    vault = make_vault({"Clippings/b.md": (
        "# Beta blockers\n\n## Safety\n\n"
        "- ⚠️ Propranolol is nonselective and can worsen bronchospasm in asthma.\n")})
    cards = _cards(vault)
    assert len(cards) == 1
    text = plain_text(cards[0].draft.front)
    assert text.startswith("Propranolol is") and "⚠" not in text
