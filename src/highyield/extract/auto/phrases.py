"""Phrases: the words after a cue ("characterized by …") or before one ("… is the most
common …"), cut where a new clause or phrase begins. A stand-in for a parser, using only
function words and punctuation."""

from __future__ import annotations

from highyield.extract.auto.words import (
    CLAUSE_WORDS,
    DETERMINERS,
    PREPOSITIONS,
    STOPWORDS,
    Token,
    is_adverb,
)

MAX_WORDS = 6
_CONJUNCTIONS = frozenset({"and", "or", "nor", "&"})
_ING_NOUNS = frozenset({"bleeding", "swelling", "hearing", "wasting", "clubbing", "nursing",
                        "screening", "testing", "imaging", "staining", "signaling",
                        "signalling", "pudding", "ring", "string", "thing", "sibling",
                        "pinching", "tingling", "vomiting", "itching", "sling", "training",
                        "firing", "hemming", "learning", "thinking", "feeding", "dosing",
                        "wiring", "morning", "evening", "spring", "king", "sing", "landing",
                        "scarring", "reading", "coding", "warning", "sleeping"})
_STOPS = CLAUSE_WORDS | PREPOSITIONS | {"to"}
_IRREGULAR_PARTICIPLES = frozenset("given taken shown seen known made done found".split())


def phrase_after(toks: list[Token], i: int, max_words: int = MAX_WORDS) -> tuple[int, int] | None:
    """The noun phrase starting at token ``i``: (first token, end token) or None."""
    while i < len(toks) and toks[i].lower in DETERMINERS:
        i += 1
    j, words = i, 0
    while j < len(toks):
        t = toks[j]
        if t.text == "," and _between_adjectives(toks, j):
            j += 1  # "asymmetric, painless weakness": one phrase
            continue
        if t.text == "," and words == 1:
            series = _series_end(toks, j, max_words - words)
            if series is not None:
                j = series
                break
        if not t.is_word:
            break
        if t.lower in _STOPS or (words and (_is_participle(toks, j) or _starts_clause(toks, j))):
            break
        if t.lower in _CONJUNCTIONS and not _coordinates(toks, j, words):
            break
        j += 1
        if t.lower not in STOPWORDS:
            words += 1
    return _trimmed(toks, i, j, max_words)


_ADJECTIVE_ENDS = ("ic", "al", "ous", "ive", "less", "ful", "ar", "ary", "ant", "ent", "ible",
                   "able")


def _between_adjectives(toks: list[Token], j: int) -> bool:
    """Is the comma at ``j`` between two adjectives before their noun ("asymmetric,
    painless weakness")?"""
    if j == 0 or j + 2 >= len(toks):
        return False
    noun = toks[j + 2]
    return _adjective(toks[j - 1]) and _adjective(toks[j + 1]) and noun.is_word \
        and noun.lower not in _STOPS and noun.lower not in STOPWORDS


def _adjective(t: Token) -> bool:
    return t.is_word and t.lower not in STOPWORDS and t.lower.endswith(_ADJECTIVE_ENDS)


def _series_end(toks: list[Token], j: int, room: int) -> int | None:
    """After "sensory" in "sensory, visual, and cognitive changes": where a short
    comma series of single words that ends in "and …" ends, or None when the comma ends
    the phrase."""
    k, used = j, 0
    while k < len(toks) and toks[k].text == ",":
        k += 1
        if k < len(toks) and toks[k].lower in _CONJUNCTIONS:
            k += 1
            end = k
            while end < len(toks) and toks[end].is_word and toks[end].lower not in _STOPS \
                    and end - k < 3:
                end += 1
            return end if used and end > k and used + end - k <= room else None
        if k >= len(toks) or not toks[k].is_word or toks[k].lower in _STOPS:
            return None
        k, used = k + 1, used + 1
    return None


def phrase_before(toks: list[Token], end: int, max_words: int = MAX_WORDS
                  ) -> tuple[int, int] | None:
    """The noun phrase that ends just before token ``end`` (a subject), back to the start
    of its clause."""
    i = end
    while i > 0:
        t = toks[i - 1]
        if not t.is_word or t.lower in _STOPS or t.lower in DETERMINERS:
            break
        i -= 1
    if end - i > max_words:
        return None
    return _trimmed(toks, i, end, max_words)


def _coordinates(toks: list[Token], j: int, words: int) -> bool:
    """Does "and"/"or" at ``j`` join two parts of one phrase ("upper and lower motor
    neurons") rather than start a new clause?"""
    if words == 0 or words > 3 or j + 1 >= len(toks):
        return False
    nxt = toks[j + 1]
    return nxt.is_word and nxt.lower not in _STOPS and nxt.lower not in DETERMINERS


def _is_participle(toks: list[Token], j: int) -> bool:
    """An -ing word that starts a clause ("… affecting motor neurons" is caught by
    CLAUSE_WORDS; "resulting in", "making it") rather than describes the next word
    ("demyelinating polyneuropathy")."""
    word = toks[j].lower
    if not word.endswith("ing") or len(word) <= 5 or word in _ING_NOUNS:
        return False
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    return nxt is None or not nxt.is_word or nxt.lower in STOPWORDS or nxt.lower in _STOPS


def _starts_clause(toks: list[Token], j: int) -> bool:
    """A past participle followed by a preposition starts a clause: "plaques
    [disseminated in time]", "factors [released by platelets]"."""
    word = toks[j].lower
    nxt = toks[j + 1].lower if j + 1 < len(toks) else ""
    participle = (word.endswith("ed") and len(word) > 3) or word in _IRREGULAR_PARTICIPLES
    return participle and (nxt in _STOPS or nxt == "by" or nxt.endswith("ly"))


def _trimmed(toks: list[Token], i: int, j: int, max_words: int) -> tuple[int, int] | None:
    """Without stopwords at either end (nor an adverb first, unless it is all), and at
    most ``max_words`` long (leading words go first: "widespread focal degradation of the
    myelin sheath" keeps its head)."""
    while i < j and (toks[i].lower in STOPWORDS or (is_adverb(toks[i].text) and j - i > 1)):
        i += 1
    while j > i and (toks[j - 1].lower in STOPWORDS or not toks[j - 1].is_word):
        j -= 1
    while sum(1 for t in toks[i:j] if t.is_word) > max_words:
        i += 1
        while i < j and (toks[i].lower in STOPWORDS or not toks[i].is_word):
            i += 1
    return (i, j) if i < j else None
