"""Choosing what to hide: how good a statement is as a card, and which of its spans to
hide. The score is the span's strength times the statement's quality, from 0 to 1."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain

from highyield.extract.auto.spans import (
    Sentence,
    Span,
    candidates,
    head,
    with_abbreviation,
)
from highyield.extract.auto.specific import SPECIFIC, rarity, specific_words, specificity
from highyield.extract.auto.words import (
    PRONOUNS,
    STOPWORDS,
    content_stems,
    placed_stems,
)

MIN_WORDS = 5
MAX_WORDS = 70
MAX_FRAGMENT_WORDS = 10
GENERIC_SPAN = 0.5  # a span no more specific than this is generic
AGREEMENT = 0.05  # what a second finder's proposal adds to a span's strength
MAX_SHARE = 0.8  # a span may hide at most this share of the statement's characters
GENERIC = frozenset("""
    disease diseases disorder disorders condition conditions patient patients case cases
    people person process processes change changes feature features finding findings factor
    factors symptom symptoms problem problems issue issues part parts type types form forms
    role roles thing things way ways area areas effect effects result results level levels
    group groups number numbers term terms kind kinds aspect aspects cause causes
    distinction difference differences approach approaches option options individuals
    etiology aetiology pathogenesis pathophysiology diagnosis treatment management
    prognosis mechanism mechanisms hallmark hallmarks presentation presentations sign
    signs therapy clinical pathological histopathologic histopathological
    characteristic characteristics consensus evidence literature studies study
    mutation mutations gene genes protein proteins variant variants pathogenic
    pathomechanism pathomechanisms lesion lesions trajectory trajectories adulthood
    childhood infancy ability abilities communication
""".split())
SUBJECT_KINDS = frozenset({"term", "gene", "name", "head", "abbreviation"})
SUBJECT = 0.75  # what a sentence opens with is mostly what it is about, not its answer
# Lower case (or opening the sentence): "US" is a country and "I" a numeral.
_PERSONAL = re.compile(r"\b(?:you|your|yours|we|our|ours|us|my)\b|^(?:You|Your|We|Our|My)\b")
_META = re.compile(r"^(?:this (?:article|page|post|guide|section)|in this (?:article|page|"
                   r"post|guide)|here(?:'s| is| are)|the answer|read|learn|let's|below|"
                   r"above|overall|in summary|in conclusion|to summari[sz]e|understanding)\b",
                   re.IGNORECASE)
_WORD = re.compile(r"\w+")
# Words that say how, not what: set aside when asking whether a span names anything.
MODIFIERS = frozenset("""
    primary secondary main major overall general common typical classic characteristic
    various several specific particular certain different important key significant
""".split())
_EMPTY = STOPWORDS | GENERIC  # words that are no answer on their own
# An answer that starts with one of these is vague: "different treatment approaches".
VAGUE = frozenset("""
    different various certain several many other similar specific significant some
    particular numerous multiple distinct diverse additional further important key
""".split())
# Facts no exam asks: anecdotes, counts of reported cases, where a name comes from.
_TRIVIA = re.compile(  # tried only where a word starts: the lookbehind fails fast elsewhere
    r"(?<!\w)(?:\b(?:\d+|several|few|handful of) (?:reported|documented|published|known) cases\b|"
    r"\bcases? (?:have|has) been (?:reported|described|documented)\b|"
    r"\b(?:share|shares|sharing) the (?:term|word|name)\b|\bnamed (?:after|for)\b|"
    r"\b(?:the )?(?:term|name|word) (?:comes?|derives?|is derived) from\b|"
    r"\bfrom the (?:Greek|Latin)\b|\bICD-?\d+\b|\bInternational Classification of Diseases\b|"
    r"\b(?:in|by) (?:my|our) (?:experience|practice|clinic)\b|\bI (?:remember|once|saw)\b|"
    # history, before 1990: "in 1949, when the psychiatrist John Cade reported …"
    r"\b(?:1[6-8]\d\d|19[0-8]\d)\b.{0,80}\b(?:reported|discovered|described|introduced|began|"
    r"coined|named)\b|"
    r"\b(?:reported|discovered|described|introduced|coined) in (?:1[6-8]\d\d|19[0-8]\d)\b)",
    re.IGNORECASE)
# A course's learning objectives: "Describe the diagnostic tests for CDI."
_OBJECTIVE = re.compile(r"^(?:describe|review|summari[sz]e|outline|identify|explain|discuss|"
                        r"evaluate|list|recall|recogni[sz]e|compare)\b", re.IGNORECASE)
_HEDGES = re.compile(r"(?<!\w)(?:may|might|could|possibly|perhaps|sometimes|unclear|unknown|"
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
    found = (*offered, *(with_abbreviation(text, c) for c in agreed(candidates(sentence))))
    if not found and item and len(text.split()) <= MAX_FRAGMENT_WORDS:
        found = tuple(head(sentence))
    worths = [(span, span_worth(text, span, shown)) for span in found]
    worths = [(span, worth) for span, worth in worths if worth]
    opening = _opening(sentence)
    elsewhere = any(span.start != opening for span, _ in worths)
    for span, worth in worths:
        if elsewhere and span.start == opening and span.kind in SUBJECT_KINDS:
            worth *= SUBJECT  # the sentence is about it; its answer is further on
        if best is None or span.strength * worth > best.score:
            best = Choice(span, span.strength * worth)
    if best is None:
        return None
    return Choice(best.span, round(best.score * quality, 2))


def agreed(spans: list[Span]) -> list[Span]:
    """One span per stretch of text; each further finder that proposes it adds a little
    to its strength."""
    best: dict[tuple[int, int], Span] = {}
    count: dict[tuple[int, int], int] = {}
    for span in spans:
        where = (span.start, span.end)
        count[where] = count.get(where, 0) + 1
        if where not in best or span.strength > best[where].strength:
            best[where] = span
    return [replace(span, strength=min(1.0, span.strength + AGREEMENT * (count[w] - 1)))
            for w, span in best.items()]


def _opening(sentence: Sentence) -> int:
    return next((t.start for t in sentence.toks if t.is_word), 0)


def statement_quality(text: str) -> float:
    """0 for text that is no statement (a question, a lead-in, a fragment); lower for
    statements in the first or second person, about the page itself, or hedged."""
    words = text.split()
    if len(words) < MIN_WORDS or len(words) > MAX_WORDS or text.rstrip().endswith(("?", ":")):
        return 0.0
    if _TRIVIA.search(text) or _OBJECTIVE.match(text) or specificity(text) < GENERIC_SPAN:
        return 0.0  # trivia, or nothing in it names anything particular
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
    if _empty(hidden):
        return 0.0
    if _vague(hidden):
        return 0.5 if specificity(hidden) >= SPECIFIC else 0.0
    rest = text[:span.start] + " … " + text[span.end:]
    if hidden.casefold() in rest.casefold():
        return 0.0  # the statement gives the answer away
    keys = _key_words(text, span)
    if stems <= shown or _shown(keys, shown):
        return 0.0  # the title, headings or the sentence shown before give it away
    outside = _outside(text, span)
    if stems <= outside or _shown(keys, outside):
        return 0.5  # the rest of the statement says it again
    return _specific(text, span, shown)


def _empty(hidden: str) -> bool:
    """Nothing but generic words once the modifiers are set aside: "PRIMARY pathological
    process", "accumulating evidence", "clinical features"."""
    words = [w.casefold() for w in _WORD.findall(hidden)]
    nouns = [w for w in words if w not in MODIFIERS and not w.endswith(("ly", "ing", "ed"))]
    return all(w in _EMPTY for w in nouns or words)


def _key_words(text: str, span: Span) -> tuple[str, ...]:
    """The stems of a span's most specific word and of the abbreviations in it."""
    placed, starts = placed_stems(text), _starts(text)
    inside = placed[bisect_left(starts, span.start):bisect_left(starts, span.end)]
    words = [text[a:b] for a, b, _ in inside]
    if not words:
        return ()
    key = max(words, key=rarity)
    keys = [key] if rarity(key) >= SPECIFIC else []
    keys += [w for w in words if w.isupper() and len(w) >= 2 and w != key]
    return tuple(k for w in keys for k in content_stems(w))


def _shown(keys: tuple[str, ...], shown: frozenset[str]) -> bool:
    """One of the answer's key words is on the card already, in some form: "axonal loss"
    under a title about axons, "autoimmune response" beside "immune system",
    "Amyotrophic Lateral Sclerosis (ALS)" under "MS vs ALS"."""
    return any(key in shown or _akin_shown(key, shown) for key in keys)


@lru_cache(maxsize=8192)
def _akin_shown(key: str, shown: frozenset[str]) -> bool:
    return len(key) >= 5 and any(_akin(s, key) for s in shown)


def _akin(a: str, b: str) -> bool:
    """One stem is the other, or holds it whole (five letters at least): axon/axonal,
    immune/autoimmune, ALS/ALS."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 5 and short in long_


def _outside(text: str, span: Span) -> frozenset[str]:
    """The stems of the statement's words outside the span."""
    placed, starts = placed_stems(text), _starts(text)
    first = bisect_left(starts, span.start)
    while first and placed[first - 1][1] > span.start:
        first -= 1
    last = bisect_left(starts, span.end)
    return frozenset(chain.from_iterable(stems for _, _, stems in placed[:first] + placed[last:]))


@lru_cache(maxsize=256)
def _starts(text: str) -> list[int]:
    """Where each of ``placed_stems``' words starts, for finding a span's among them."""
    return [a for a, _, _ in placed_stems(text)]


def _vague(hidden: str) -> bool:
    """"different treatment approaches", "dramatically different presentations"."""
    words = [w for w in hidden.casefold().split() if not w.endswith("ly")]
    return bool(words) and words[0] in VAGUE


def _specific(text: str, span: Span, shown: frozenset[str]) -> float:
    """A common word is never hidden while the statement names something specific."""
    if span.kind == "number" or (span.start and text[span.start - 1] in "\"“‘'"):
        return 1.0  # a figure, or a term in quotation marks (the "snake eyes" sign)
    mine = specificity(text[span.start:span.end])
    elsewhere = any((b <= span.start or a >= span.end) and
                    not content_stems(text[a:b]) <= shown for a, b in specific_words(text))
    if mine < GENERIC_SPAN and elsewhere and not span.named:
        return 0.0
    return 0.6 + 0.4 * mine
