"""Words stay whole: an auto card never hides part of a gene, a receptor or a number
(``Nkx‐{{c1::2.5 activates}}``, ``Angiopoietin {{c1::1 subsequently interacts}}``,
``{{c1::extra}}‐embryonic``), whichever Unicode hyphen the clipping writes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from highyield.extract.auto.choose import choose
from highyield.extract.auto.spans import Sentence, candidates, numbers
from highyield.extract.auto.words import tokens

HYPHENS = ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2212", "\u00ad", "\ufe63",
           "\uff0d")
NAMES = ("Angiopoietin 1", "Nkx-2.5", "IL-6", "factor V Leiden", "CD4+", "β2-microglobulin",
         "HbA1c", "5-HT3", "α1-antitrypsin", "Na+/K+-ATPase", "protein C", "type 2",
         "GLP-1", "TDP-43", "hepatitis B", "vitamin K", "complex IV", "extra-embryonic",
         "HLA-B27", "interferon γ")
FRAMES = (
    "{} subsequently interacts with the Tie2 receptor on endothelial cells.",
    "The disease is caused by {}, found in 3 of 4 patients.",
    "Levels of {} rise within 2 hours of the injury.",
    "Mutations in {} are found in 10% of familial cases.",
    "Patients with low {} develop thrombosis, characterized by skin necrosis.",
    "The main target of the drug is {}, which is blocked by 5 mg doses.",
    "In the embryo, {} activates cardiac genes in the heart field.",
    "Deficiency of {} is the most common cause of early emphysema.",
)


@pytest.mark.parametrize("hyphen", HYPHENS)
@pytest.mark.parametrize("word", ["Nkx-2.5", "extra-embryonic", "IL-6", "5-HT3"])
def test_every_hyphen_keeps_a_word_whole(word: str, hyphen: str) -> None:
    text = f"The {word.replace('-', hyphen)} gene"
    found = tokens(text)
    assert [t.text for t in found] == ["The", word, "gene"]
    assert text[found[1].start:found[1].end] == word.replace("-", hyphen)


@pytest.mark.parametrize(("text", "hidden"), [
    ("Nkx‐2.5 activates the cardiac genes in the heart field.", None),
    ("Angiopoietin 1 subsequently interacts with the Tie2 receptor on endothelial cells.",
     "Tie2"),
    ("The yolk sac is an extra‐embryonic membrane that forms early.",
     "extra‐embryonic membrane"),
    ("Warfarin skin necrosis is linked to inherited protein C deficiency.",
     "inherited protein C deficiency"),
    ("Resistance to activated protein C is most often caused by factor V Leiden.",
     "factor V Leiden"),
])
def test_the_issues_examples_hide_whole_words(text: str, hidden: str | None) -> None:
    found = choose(text, ("Note",))
    assert found is not None
    got = text[found.span.start:found.span.end]
    assert got == hidden if hidden else got not in ("2.5 activates", "2.5")


@pytest.mark.parametrize(("text", "number"), [
    ("Angiopoietin 1 subsequently interacts with Tie2.", "1"),
    ("Type 2 diabetes accounts for most cases.", "2"),
    ("Patients with GLP-1 deficiency were studied.", "1"),
    ("Stage 4 disease has spread to distant organs.", "4"),
    ("Angiopoietin 1 in endothelial cells binds Tie2.", "1"),
])
def test_a_number_in_a_name_is_no_quantity(text: str, number: str) -> None:
    s = Sentence.of(text)
    assert not [text[p.start:p.end] for p in numbers(s)
                if text[p.start:p.end].startswith(number)]


@pytest.mark.parametrize("text", [
    "Men 50 years or older are screened.",
    "Symptoms peak at ages 4 to 6 in most children.",
    "Approximately 10 cases are reported each year.",
    "Hemophilia A 1 in 5000 male births",
])
def test_a_count_after_a_capital_is_still_a_quantity(text: str) -> None:
    assert list(numbers(Sentence.of(text)))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(NAMES), frame=st.sampled_from(FRAMES),
       hyphen=st.sampled_from(HYPHENS))
def test_a_hidden_part_never_cuts_a_name(name: str, frame: str, hyphen: str) -> None:
    written = name.replace("-", hyphen)
    text = frame.format(written)
    at = text.index(written)
    end = at + len(written)
    s = Sentence.of(text)
    for span in [*candidates(s), *([found.span] if (found := choose(text, ("Note",)))
                                   else [])]:
        overlaps = span.start < end and span.end > at
        assert not overlaps or (span.start <= at and span.end >= end), \
            (text[span.start:span.end], text)
