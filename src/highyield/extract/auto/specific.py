"""Specificity: how much a word or phrase names one particular thing.

A student is asked about "dystrophin", "TDP-43", "warfarin" or "3-5 years", not about
"muscles", "direct" or "identified". A word's rarity in everyday English (from
``wordfreq``, loaded on first use: importing it and its English list takes about half
a second) is the main measure; medical word forms (-itis, -emia, drug stems, gene
symbols, binomials) make a word specific whatever its frequency.
"""

from __future__ import annotations

import gc
import math
import re
from functools import cache, lru_cache

from highyield.extract.auto import lexicon
from highyield.extract.auto.words import STOPWORDS, tokens

COMMON_ZIPF = 5.0  # words at least this frequent ("muscles", "direct") say nothing alone
RARE_ZIPF = 3.0  # words at most this frequent ("cytoplasm", "niacin") are terms
SPECIFIC = 0.7  # a word at least this rare is a specific term
_FORMS = re.compile(
    r"\w+(?:itis|omas?|a?emias?|pathy|pathies|osis|oses|ectomy|otomy|plasia|trophy|"
    r"algia|uria|penia|cytosis|philia|genesis|coccus|cocci|bacter|bacteria|mab|olol|"
    r"pril|sartan|statin)")
_NOT_FORMS = frozenset({"diagnosis", "prognosis", "diagnoses", "hypnosis", "aroma"})
# Medical words too common in the news to count as rare, that still name one thing.
_KNOWN = frozenset("""
    insulin heparin aspirin warfarin cancer stroke diabetes asthma influenza measles
    tuberculosis malaria hiv aids dna rna atp glucose sodium potassium calcium chloride
    iron thyroid kidney renal hepatic liver cardiac pancreas pancreatic lung lungs
    platelets platelet fever cortisol dopamine serotonin estrogen testosterone
    myelin neurons neuron axons axon antibody antibodies vaccine vaccination
""".split())


@cache
def _frequencies() -> dict[str, float]:
    """wordfreq's English list (about 320,000 words), read once. The collector is told to
    leave it and everything before it alone: walking a table this size on every full
    collection slowed the rest of a build by a tenth."""
    from wordfreq import get_frequency_dict

    table: dict[str, float] = get_frequency_dict("en")
    gc.freeze()
    return table


@cache
def zipf(word: str) -> float:
    """How common a word is in English: about 7 for "the", 1 for the rarest, 0 unknown."""
    frequency = _frequencies().get(word.casefold().replace("’", "'"), 0.0)
    return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0


@cache
def rarity(word: str) -> float:
    """0 for an everyday word, 1 for a term only a specialist uses."""
    lower = word.casefold()
    if lower in lexicon.NUMBER_WORDS:
        return 1.0
    if lower in STOPWORDS or not any(c.isalpha() for c in word):
        return 1.0 if lexicon.is_number(word) or lexicon.number_and_unit(word) else 0.0
    if len(word) == 1 and word.isupper():
        return SPECIFIC  # "vitamin K", "hepatitis B", "protein C": part of a name
    if lexicon.is_symbol(word) or lexicon.is_drug(lower) or lower in _KNOWN or \
            (word.isupper() and 2 <= len(word) <= 6):  # HIT, DKA, TB: a name, not "hit"
        return 1.0
    if _FORMS.fullmatch(lower) and len(lower) > 6 and lower not in _NOT_FORMS:
        return max(0.8, _scale(zipf(lower)))
    if "-" in lower or "/" in lower:
        return max((rarity(p) for p in re.split(r"[-/]", word) if p), default=0.0)
    return _scale(zipf(lower))


def _scale(z: float) -> float:
    if z <= 0:
        return 1.0
    return min(1.0, max(0.0, (COMMON_ZIPF - z) / (COMMON_ZIPF - RARE_ZIPF)))


@lru_cache(maxsize=4096)
def specificity(text: str) -> float:
    """A phrase is as specific as its most specific word."""
    return max((rarity(t.text) for t in tokens(text) if t.is_word), default=0.0)


@lru_cache(maxsize=256)
def specific_words(text: str) -> tuple[tuple[int, int], ...]:
    """The character spans of a text's specific terms."""
    return tuple((t.start, t.end) for t in tokens(text)
                 if t.is_word and rarity(t.text) >= SPECIFIC)
