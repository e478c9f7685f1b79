"""One card per fact: what two statements are compared by (stems and figures), when two
auto cards say the same thing, and which card wins (extract/auto/repeats.py)."""

from __future__ import annotations

import pytest

from highyield.extract.auto.words import content_stems

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
