"""A question turned into another by a little word: a number ("Type 1 DM", now "Type 2
DM"; "CN III", now "CN IV"), a letter ("Hemophilia A", now "B"), a negation ("Warfarin
crosses the placenta", now "… does not cross …"), a word and its opposite
("Hyperkalemia", now "Hypokalemia"; "increases", now "decreases"), arrows turned round,
or opposites that trade places ("high ferritin, low TIBC"). However alike the rest, these
ask another fact."""

from __future__ import annotations

import re
from collections import Counter

from highyield.identity.clozes import deletions

# The starts of words that say the opposite of each other.
OPPOSITE_STARTS = (
    ("hyper", "hypo"), ("tachy", "brady"), ("macro", "micro"), ("intra", "extra"),
    ("endo", "exo"), ("ipsi", "contra"), ("increas", "decreas"), ("left", "right"),
    ("upper", "lower"), ("high", "low"), ("anterior", "posterior"), ("medial", "lateral"),
    ("proximal", "distal"), ("superior", "inferior"), ("acute", "chronic"),
    ("positiv", "negativ"), ("dominant", "recessive"), ("afferent", "efferent"),
    ("systol", "diastol"), ("sympath", "parasympath"), ("agonist", "antagonist"),
    ("excitat", "inhibit"), ("inspir", "expir"), ("maxim", "minim"), ("gain", "loss"),
    ("benign", "malignant"), ("central", "peripheral"), ("unilateral", "bilateral"),
)
# What, put before a word, says its opposite: "direct", "indirect"; "typical", "atypical"
NEGATING_PREFIXES = ("a", "an", "in", "un", "non", "anti", "de", "dis", "ir", "im", "il")
MIN_STEM = 5  # letters a word has, at least, to be negated by a prefix
NEGATIONS = frozenset(("not", "no", "never", "cannot", "nor", "neither", "none",
                       "without", "non", "lack", "lacks", "lacking"))
_NOT = re.compile(r"n[’']t\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ARROW = re.compile(r"[↑↓⇑⇓⬆⬇]")
_WORD = re.compile(r"\w+")
_HYPHEN = re.compile(r"(?<=[^\W\d])-(?=[^\W\d])")
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
         "viii": "8", "ix": "9", "x": "10", "xi": "11", "xii": "12"}


def opposite(a: str, b: str) -> bool:
    """Two words that say opposite things ("hyperkalemia", "hypokalemia"; "increased",
    "decreases"; "conjugated", "unconjugated")."""
    for one, other in OPPOSITE_STARTS:
        if (a.startswith(one) and b.startswith(other) and not b.startswith(one)) or \
                (b.startswith(one) and a.startswith(other) and not a.startswith(one)):
            return True
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_STEM and long.endswith(short) and \
        long[:-len(short)] in NEGATING_PREFIXES


def contrary(before: str, after: str) -> bool:
    """Do two questions (their text, answers left out) differ by a number, a letter, a
    negation, arrows, or a word and its opposite?"""
    before, after = _HYPHEN.sub("", before), _HYPHEN.sub("", after)  # "anti-oxidant"
    numbers = _numbers(before), _numbers(after)
    if all(numbers) and numbers[0] != numbers[1]:
        return True
    if _negations(before) % 2 != _negations(after) % 2:
        return True
    arrows = _ARROW.findall(before), _ARROW.findall(after)  # "calcium ↑, phosphate ↓"
    if all(arrows) and arrows[0] != arrows[1]:
        return True
    words = _WORD.findall(before), _WORD.findall(after)
    old, new = set(words[0]), set(words[1])
    if any(opposite(w, v) for w in old - new for v in new - old):
        return True
    letters = ({w for w in old - new if len(w) == 1 and w.isalpha()},
               {w for w in new - old if len(w) == 1 and w.isalpha()})
    return all(letters) or _poles_traded(words[0], words[1])  # "Hemophilia A", "… B"


def _poles_traded(before: list[str], after: list[str]) -> bool:
    """Opposites that traded places: "high ferritin, low TIBC", now "low ferritin, high
    TIBC" (the same words, in whatever order, say the same): each before the same words
    as before, on the other side of the pair."""
    old, new = _poles(before), _poles(after)
    for pair in {n for n, _, _ in old} & {n for n, _, _ in new}:
        mine = Counter({k: v for k, v in old.items() if k[0] == pair})
        theirs = Counter({k: v for k, v in new.items() if k[0] == pair})
        if mine != theirs and _after(mine) == _after(theirs):
            return True
    return False


def _after(poles: Counter[tuple[int, int, str]]) -> Counter[str]:
    """The words the pair's words stand before, whichever side."""
    found: Counter[str] = Counter()
    for (_, _, word), count in poles.items():
        found[word] += count
    return found


def _poles(words: list[str]) -> Counter[tuple[int, int, str]]:
    """Each word that has an opposite, as (its pair, its side, the word after it)."""
    found: Counter[tuple[int, int, str]] = Counter()
    for i, word in enumerate(words):
        for n, pair in enumerate(OPPOSITE_STARTS):
            side = next((k for k, start in enumerate(pair) if word.startswith(start) and
                         not word.startswith(pair[1 - k])), None)
            if side is not None:
                found[n, side, words[i + 1] if i + 1 < len(words) else ""] += 1
    return found


def question(front: str, back: str) -> str:
    """What a card shows: a cloze card's text without its deletions (and its extra), a
    front/back card's front."""
    found = deletions(front)
    if not found:
        return front
    for number, answer in found:
        front = front.replace(f"{{{{c{number}::{answer}}}}}", " ", 1)
    return f"{front} {back}"


def _numbers(text: str) -> Counter[str]:
    """The numbers a text writes, in digits or in Roman numerals ("CN III", "type I"):
    "1,000" and "1000" are one number."""
    found = Counter(n.replace(",", "") for n in _NUMBER.findall(text))
    found.update(ROMAN[w] for w in _WORD.findall(text) if w in ROMAN)
    return found


def _negations(text: str) -> int:
    return len(_NOT.findall(text)) + sum(w in NEGATIONS for w in _WORD.findall(text))
