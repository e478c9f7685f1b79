"""Specific terms as answers: the noun phrase around a word only a specialist uses
("stimulation with [pilocarpine iontophoresis]", "[alginate-rich biofilms]"), for
statements whose cue phrases find nothing better.

Without a parser, a phrase grows from the rare word over the words next to it that
are no function word and no verb ("classifies", "leads", "develop"), at most four."""

from __future__ import annotations

from collections.abc import Iterator

from highyield.extract.auto.lexicon import NUMBER_WORDS
from highyield.extract.auto.spans import Sentence, Span
from highyield.extract.auto.specific import SPECIFIC, rarity, zipf
from highyield.extract.auto.verbs import is_verb, verb_shaped
from highyield.extract.auto.words import (
    CLAUSE_WORDS,
    DETERMINERS,
    PREPOSITIONS,
    STOPWORDS,
    Token,
)

MAX_TERM_WORDS = 4
STRENGTH = 0.65  # minus RARER for each step of the rarest word's Zipf frequency
RARER = 0.02
# Words that are never part of a term.
_NOT_IN_TERM = STOPWORDS | CLAUSE_WORDS | PREPOSITIONS | DETERMINERS | frozenset(
    "plus versus vs".split())


def terms(s: Sentence) -> Iterator[Span]:
    seen: set[tuple[int, int]] = set()
    for k, t in enumerate(s.toks):
        if not t.is_word or t.lower in _NOT_IN_TERM or not any(c.isalpha() for c in t.text) \
                or t.lower in NUMBER_WORDS or rarity(t.text) < SPECIFIC:
            continue
        if t.lower.endswith("ly") or _is_verb(s.toks, k):
            continue
        found = coordinated(s.toks, around(s.toks, k))
        if found[1] - found[0] == 1 and _participle(t):
            continue  # "accumulating", "disseminated" alone name nothing
        if found not in seen:
            seen.add(found)
            yield s.span(*found, "term", strength(s.toks[found[0]:found[1]]))


def strength(words: list[Token]) -> float:
    """The rarer a term's rarest word, the likelier it is what a student is asked."""
    return STRENGTH - RARER * min(5.0, min(zipf(t.lower) for t in words))


def around(toks: list[Token], k: int) -> tuple[int, int]:
    first, end = k, k + 1
    while first > 0 and end - first < MAX_TERM_WORDS and _joins(toks[first - 1]) \
            and not _is_verb(toks, first - 1):
        first -= 1
    while end < len(toks) and end - first < MAX_TERM_WORDS and _joins(toks[end]) \
            and not _is_verb(toks, end):
        end += 1
    while end - 1 > max(first, k) and _participle(toks[end - 1]):
        end -= 1  # "defects [disseminated] in space": a clause begins, the term ends
    return first, end


def _participle(t: Token) -> bool:
    return t.lower.endswith(("ed", "ing")) and len(t.lower) > 5


def coordinated(toks: list[Token], found: tuple[int, int]) -> tuple[int, int]:
    """Two specific terms joined by "and" or "or" are one answer: "macrophages and
    enterocytes", "lipase or amylase"."""
    first, end = found
    series = _series_end(toks, end)
    if series is not None:
        return first, series
    if end + 1 < len(toks) and toks[end].lower in ("and", "or") and _specific(toks[end + 1]):
        return first, around(toks, end + 1)[1]
    if first >= 2 and toks[first - 1].lower in ("and", "or") and _specific(toks[first - 2]) \
            and (first < 3 or toks[first - 3].text != ","):
        return around(toks, first - 2)[0], end
    return found


def _series_end(toks: list[Token], end: int, most: int = 4) -> int | None:
    """After the first term of "nephrotoxicity, ototoxicity, and neuromuscular blockade":
    where the series of specific terms ends, if it ends in "and" or "or"."""
    for _ in range(most):
        if end + 1 >= len(toks) or toks[end].text != ",":
            return None
        k = end + 1
        if toks[k].lower in ("and", "or"):
            k += 1
            return around(toks, k)[1] if k < len(toks) and _specific(toks[k]) else None
        if not _specific(toks[k]):
            return None
        end = around(toks, k)[1]
        if end < len(toks) and toks[end].lower in ("and", "or") and end + 1 < len(toks) \
                and _specific(toks[end + 1]):
            return around(toks, end + 1)[1]
    return None


def _specific(t: Token) -> bool:
    return _joins(t) and rarity(t.text) >= SPECIFIC


def _joins(t: Token) -> bool:
    return t.is_word and t.lower not in _NOT_IN_TERM and not verb_shaped(t.lower) \
        and not t.lower.endswith("ly")


def _is_verb(toks: list[Token], k: int) -> bool:
    """A verb of the common list ("disrupts", "attack the"), or a word after an adverb
    that ends like a verb: "primarily weakens", "then degenerates"."""
    before = toks[k - 1].lower if k else ""
    after = toks[k + 1].lower if k + 1 < len(toks) else ""
    if is_verb(toks[k].lower, before, after):
        return True
    return k > 0 and toks[k - 1].lower.endswith("ly") and \
        toks[k].lower.endswith(("s", "ed")) and not toks[k].lower.endswith(("ss", "us", "is"))
