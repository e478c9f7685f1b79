"""One word put two ways: a typo ("antioxidnt"), a British spelling ("oestrogen"),
another form ("treats", "treated"), a short form ("Tx", "treatment"; "ALS",
"amyotrophic lateral sclerosis"; "S. aureus", "Staphylococcus aureus"), a word cut short
("cardio"), a verb notes use for the same thing ("inhibits", "suppresses"), accents and
Greek letters ("Ménière", "β-blockers"). Never a word and its opposite ("hyperkalemia",
"hypokalemia"), however alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher

from highyield.identity.contrary import opposite

ALIKE = 0.8  # two spellings of one word (difflib's ratio of their letters)
LINKS = frozenset(("of", "the", "and", "to", "in", "with"))
# Short forms students write, and the starts of the words they stand for.
SHORTHAND: dict[str, tuple[str, ...]] = {
    "tx": ("treat", "therap", "management"), "rx": ("treat", "therap", "prescri"),
    "dx": ("diagnos",), "ddx": ("differential",), "sx": ("symptom",), "hx": ("histor",),
    "px": ("prognos", "physical", "prophyla"), "fx": ("fracture", "function"),
    "bx": ("biops",), "abx": ("antibiotic",), "cx": ("complication", "culture"),
    "ae": ("adverse",), "ci": ("contraindicat",), "moa": ("mechanism",),
    "mcc": ("most",), "pt": ("patient",), "pts": ("patient",),
    "htn": ("hypertens",), "dm": ("diabet",), "mi": ("myocardial", "infarct"),
}


def alike(a: str, b: str) -> bool:
    """One word put two ways: the same, a typo ("antioxidnt"), a hyphen, a short form, a
    British spelling ("oestrogen"), another form of it ("treats", "treated"). A typo keeps
    the first letter: "carbamazepine" and "oxcarbazepine" are two drugs; and a word and
    its opposite are two words, however alike ("hyperkalemia", "hypokalemia")."""
    if a == b or _plain(a) == _plain(b):  # "ménière", "meniere"; "β", "beta"
        return True
    if opposite(a, b):  # "hyperkalemia", "hypokalemia"
        return False
    if a[:1] == b[:1] and SequenceMatcher(None, a, b).ratio() >= ALIKE:
        return True
    if _american(a) == _american(b) or _inflected(a, b) or _cut_short(a, b):
        return True
    return _short_for(a, b) or _short_for(b, a) or _synonyms(a, b)


def _plain(word: str) -> str:
    """A word without accents, with a Greek letter spelled out."""
    if word.isascii():
        return word
    spelled = "".join(GREEK.get(c, c) for c in unicodedata.normalize("NFKD", word))
    return "".join(c for c in spelled if not unicodedata.combining(c))


GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
         "κ": "kappa", "λ": "lambda", "μ": "mu", "σ": "sigma", "τ": "tau", "ω": "omega"}


def _cut_short(a: str, b: str) -> bool:
    """One word the start of the other: "cardio", "cardiology"; "pharm", "pharmacology"."""
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_CUT and long.startswith(short)


def _synonyms(a: str, b: str) -> bool:
    """Two verbs notes use for one thing: "inhibits", "suppresses"; "causes", "induces"."""
    return any(a.startswith(group) and b.startswith(group) for group in SYNONYMS)


def _inflected(a: str, b: str) -> bool:
    """One word with other endings: "treats", "treated"; "causes", "caused"."""
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
             min(len(a), len(b)))
    return n >= 4 and a[n:] in _ENDINGS and b[n:] in _ENDINGS


MIN_CUT = 5  # letters a word cut short keeps ("neuro", "neurology")
# Verbs notes use for one thing: the starts of their forms, by group
SYNONYMS = tuple(tuple(group.split()) for group in (
    "inhibit suppress block antagoni", "cause induc produc trigger provok",
    "increas rais elevat enhanc augment boost", "decreas reduc lower diminish lessen",
    "activat stimulat", "treat manag"))
_ENDINGS = frozenset(("", "s", "es", "ed", "d", "ing", "e"))


def _american(word: str) -> str:
    """"oestrogen", "aetiology", "haemoglobin" as "estrogen", "etiology", "hemoglobin"."""
    return _DIGRAPH.sub("e", word)


_DIGRAPH = re.compile(r"(?:^|(?<=[a-z]))(?:oe|ae)(?=[a-z])")


def _short_for(short: str, word: str) -> bool:
    return any(word.startswith(start) for start in SHORTHAND.get(short, ()))


def spelled_out(short: str, ordered: Sequence[str]) -> list[str]:
    """The words a short word stands for: each begins with its next letter, and may give
    it more of them from within ("als": "amyotrophic lateral sclerosis"; "moa": "mechanism
    of action"; "dka": "diabetic ketoacidosis"; "gerd": "gastroesophageal reflux
    disease"), or none."""
    if not 2 <= len(short) <= 6:
        return []
    for i, first in enumerate(ordered):
        if first[:1] == short[:1] and len(first) > 1:
            run = _run(short, ordered[i:i + len(short)])
            if run:
                return run
    return []


def _run(short: str, words: Sequence[str]) -> list[str]:
    at = 0
    for n, word in enumerate(words):
        if at < len(short) and word[:1] != short[at] and word in LINKS:
            continue  # "syndrome of inappropriate ADH": "of" spells nothing
        if at == len(short) or word[:1] != short[at]:
            break
        at += 1
        for letter in word[1:]:
            if at < len(short) and letter == short[at] and not (
                    n + 1 < len(words) and words[n + 1][:1] == short[at]):
                at += 1
        if at == len(short):
            return list(words[:n + 1]) if n or len(short) <= 2 else []
    return []


def matched(before: Sequence[str], after: Sequence[str]) -> tuple[set[str], set[str]]:
    """The words of each side that the other side has, or has put another way."""
    old, new = set(before), set(after)
    kept_old, kept_new = old & new, old & new
    for w in old - new:
        for v in new - old:
            if alike(w, v):
                kept_old.add(w)
                kept_new.add(v)
    for short, ordered, kept, other in ((before, after, kept_old, kept_new),
                                        (after, before, kept_new, kept_old)):
        for w in set(short) - kept:
            run = spelled_out(w, ordered) or _initial_of(w, short, ordered)
            if run:
                kept.add(w)
                other.update(run)
    return kept_old, kept_new


def _initial_of(letter: str, mine: Sequence[str], theirs: Sequence[str]) -> list[str]:
    """The genus a letter stands for, before the same species: "s aureus" and
    "staphylococcus aureus", "e coli" and "escherichia coli"."""
    if len(letter) != 1 or not letter.isalpha():
        return []
    after = {mine[i + 1] for i, w in enumerate(mine[:-1]) if w == letter}
    return [w for i, w in enumerate(theirs[:-1]) if len(w) > 1 and w[0] == letter and
            theirs[i + 1] in after][:1]
