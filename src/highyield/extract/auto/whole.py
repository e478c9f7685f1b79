"""Whole names: a hidden part never starts or ends inside a name of several tokens
("Angiopoietin 1", "protein C", "factor V Leiden", "type 2"), and a number that belongs
to such a name is no quantity of its own. (A name in one token, "IL-6", "Nkx‐2.5",
"Na+/K+-ATPase", is kept whole by ``words.tokens``.)"""

from __future__ import annotations

import re

from highyield.extract.auto import lexicon
from highyield.extract.auto.words import (
    CLAUSE_WORDS,
    DETERMINERS,
    PREPOSITIONS,
    STOPWORDS,
    Token,
)

# A letter, Roman numeral or Greek letter that ends a name: "protein C", "complex IV".
_SUFFIX = re.compile(r"[A-Z]|(?:X|XI{1,3}|IX|IV|VI{0,3}|I{2,3})|[α-ω]")
_NUMBER = re.compile(r"\d{1,2}")  # "Angiopoietin 1", "type 2"
_NOT_HEADS = STOPWORDS | PREPOSITIONS | DETERMINERS | CLAUSE_WORDS | lexicon.TIME_UNITS
_BETWEEN_COUNTS = frozenset({"to", "-", "–", "or", "and", "in", "of", "per", "out"})


def glued(toks: list[Token], k: int) -> bool:
    """Does token ``k`` go on with the name token ``k - 1`` is part of?"""
    if k == 0 or toks[k - 1].end != toks[k].start - 1:  # one space between them
        return False
    head, t = toks[k - 1], toks[k]
    if not head.is_word or head.lower in _NOT_HEADS:
        return False
    if _NUMBER.fullmatch(t.text):
        return head.lower in lexicon.NAME_HEADS or (
            head.text[0].isupper() and not lexicon.is_number(head.text)
            and not _counts(toks, k + 1))
    if _SUFFIX.fullmatch(t.text):
        return not lexicon.is_number(head.text)
    return t.text[0].isupper() and t.is_word and _SUFFIX.fullmatch(head.text) is not None \
        and glued(toks, k - 1)  # "factor V Leiden"


def _counts(toks: list[Token], k: int) -> bool:
    """Is the number before token ``k`` a count: "Men 50 years", "Ages 4 to 6"?"""
    if k >= len(toks):
        return False
    if toks[k].lower in _BETWEEN_COUNTS:
        return k + 1 < len(toks) and lexicon.is_number(toks[k + 1].text)
    return lexicon.is_unit(toks[k].text)


def whole(toks: list[Token], first: int, end: int) -> tuple[int, int]:
    """Tokens ``first:end`` widened to every name they cut into."""
    while first > 0 and glued(toks, first):
        first -= 1
    while end < len(toks) and glued(toks, end):
        end += 1
    return first, end
