"""Choosing what to hide: how good a statement is as a card, and which of its spans to
hide. The score is the span's strength times the statement's quality, from 0 to 1."""

from __future__ import annotations

import re
from dataclasses import dataclass

from highyield.extract.auto.spans import Sentence, Span, candidates, head
from highyield.extract.auto.words import PRONOUNS, STOPWORDS, content_stems

MIN_WORDS = 5
MAX_WORDS = 70
MAX_FRAGMENT_WORDS = 10
MAX_SHARE = 0.8  # a span may hide at most this share of the statement's characters
GENERIC = frozenset("""
    disease diseases disorder disorders condition conditions patient patients case cases
    people person process processes change changes feature features finding findings factor
    factors symptom symptoms problem problems issue issues part parts type types form forms
    role roles thing things way ways area areas effect effects result results level levels
    group groups number numbers term terms kind kinds aspect aspects cause causes
    distinction difference differences approach approaches option options individuals
""".split())
# Lower case (or opening the sentence): "US" is a country and "I" a numeral.
_PERSONAL = re.compile(r"\b(?:you|your|yours|we|our|ours|us|my)\b|^(?:You|Your|We|Our|My)\b")
_META = re.compile(r"^(?:this (?:article|page|post|guide|section)|in this (?:article|page|"
                   r"post|guide)|here(?:'s| is| are)|the answer|read|learn|let's|below|"
                   r"above|overall|in summary|in conclusion|to summari[sz]e|understanding)\b",
                   re.IGNORECASE)
_EMPTY = STOPWORDS | GENERIC  # words that are no answer on their own
# An answer that starts with one of these is vague: "different treatment approaches".
VAGUE = frozenset("""
    different various certain several many other similar specific significant some
    particular numerous multiple distinct diverse additional further important key
""".split())
_HEDGES = re.compile(r"\b(?:may|might|could|possibly|perhaps|sometimes|unclear|unknown|"
                     r"uncertain|debated|controversial|some)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Choice:
    span: Span
    score: float


def choose(text: str, context: tuple[str, ...], offered: tuple[Span, ...] = (),
           item: bool = False) -> Choice | None:
    """The best span to hide in a statement, with its score; None when the statement is no
    fact worth a card or nothing in it is worth hiding. A short list ``item`` with
    nothing else to hide ("Muscle biopsy showing …") hides the phrase it starts with."""
    quality = statement_quality(text)
    if quality == 0:
        return None
    sentence = Sentence.of(text)
    shown = content_stems(" ".join(context))
    best: Choice | None = None
    found = (*offered, *candidates(sentence))
    if not found and item and len(text.split()) <= MAX_FRAGMENT_WORDS:
        found = tuple(head(sentence))
    for span in found:
        worth = span_worth(text, span, shown)
        if worth and (best is None or span.strength * worth > best.score):
            best = Choice(span, span.strength * worth)
    if best is None:
        return None
    return Choice(best.span, round(best.score * quality, 2))


def statement_quality(text: str) -> float:
    """0 for text that is no statement (a question, a lead-in, a fragment); lower for
    statements in the first or second person, about the page itself, or hedged."""
    words = text.split()
    if len(words) < MIN_WORDS or len(words) > MAX_WORDS or text.rstrip().endswith(("?", ":")):
        return 0.0
    quality = 1.0
    if _PERSONAL.search(text):
        quality *= 0.4
    if _META.match(text):
        quality *= 0.5
    quality *= max(0.8, 1 - 0.1 * len(_HEDGES.findall(text)))
    if words[0].casefold() in PRONOUNS:
        quality *= 0.9
    if len(words) > 45:
        quality *= 0.85
    return quality


def span_worth(text: str, span: Span, shown: frozenset[str]) -> float:
    """How much of a span's strength it keeps: 0 for a stopword, a generic word, most of
    the statement, or words the card shows elsewhere anyway."""
    hidden = text[span.start:span.end]
    stems = content_stems(hidden)
    if not stems or span.end - span.start > MAX_SHARE * len(text.strip()):
        return 0.0
    if all(w.casefold() in _EMPTY for w in re.findall(r"\w+", hidden)):
        return 0.0
    if hidden.split()[0].casefold() in VAGUE:
        return 0.5
    rest = text[:span.start] + " … " + text[span.end:]
    if hidden.casefold() in rest.casefold():
        return 0.0  # the statement gives the answer away
    if stems <= shown or stems <= content_stems(rest):
        return 0.5  # the headings or the rest of the statement already say it
    return 1.0
