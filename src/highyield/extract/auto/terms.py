"""Specific terms as answers: the noun phrase around a word only a specialist uses
("stimulation with [pilocarpine iontophoresis]", "[alginate-rich biofilms]"), for
statements whose cue phrases find nothing better.

Without a parser, a phrase grows from the rare word over the words next to it that
are no function word and no verb ("classifies", "leads", "develop"), at most four."""

from __future__ import annotations

import re
from collections.abc import Iterator

from highyield.extract.auto.lexicon import NUMBER_WORDS
from highyield.extract.auto.spans import Sentence, Span
from highyield.extract.auto.specific import SPECIFIC, rarity
from highyield.extract.auto.words import (
    CLAUSE_WORDS,
    DETERMINERS,
    PREPOSITIONS,
    STOPWORDS,
    Token,
)

MAX_TERM_WORDS = 4
STRENGTH = 0.65
_VERB_FORMS = re.compile(r"\w+(?:izes?|ised?|ises|ized|ify|ifies|ified)")
VERBS = frozenset("""
    cause causes caused form forms formed show shows shown showed make makes made take
    takes took use uses used need needs needed reach reaches carry carries affect affects
    inhibit inhibits involve involves develop develops developed confirm confirms lead
    leads led rise rises rose share shares explain explains reflect reflects occur occurs
    occurred result results remain remains contain contains produce produces increase
    increases decrease decreases reduce reduces raise raises lowers prevent prevents
    trigger triggers drive drives bind binds block blocks activate activates release
    releases require requires allow allows help helps become becomes get gets give gives
    seen see appear appears present presents classify classifies consider considered
    exclude excludes destabilize predispose predisposes recover recovers cannot can't
    begin begins start starts stop stops spread spreads tend tends suggest suggests
    indicate indicates mean means known called termed
""".split())
_NOT_IN_TERM = STOPWORDS | CLAUSE_WORDS | PREPOSITIONS | DETERMINERS | VERBS


def terms(s: Sentence) -> Iterator[Span]:
    seen: set[tuple[int, int]] = set()
    for k, t in enumerate(s.toks):
        if not t.is_word or t.lower in _NOT_IN_TERM or not any(c.isalpha() for c in t.text) \
                or t.lower in NUMBER_WORDS or rarity(t.text) < SPECIFIC:
            continue
        found = around(s.toks, k)
        if found not in seen:
            seen.add(found)
            yield s.span(*found, "term", STRENGTH)


def around(toks: list[Token], k: int) -> tuple[int, int]:
    first, end = k, k + 1
    while first > 0 and end - first < MAX_TERM_WORDS and _joins(toks[first - 1]):
        first -= 1
    while end < len(toks) and end - first < MAX_TERM_WORDS and _joins(toks[end]):
        end += 1
    return first, end


def _joins(t: Token) -> bool:
    return t.is_word and t.lower not in _NOT_IN_TERM and not _VERB_FORMS.fullmatch(t.lower)
