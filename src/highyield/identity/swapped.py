"""Another fact in the same mould: a specific word that left, and another that came in
its place.

"Huntington disease is inherited in an ==autosomal dominant== pattern" rewritten as
"Achondroplasia is inherited in an …" keeps the answer and most words, yet asks of
another disease; "Adverse effect: ==GI upset==" under "Ethosuximide" and the same line
under "Metformin" are two facts. A word counts as specific as the auto cards count it
(``rarity``: "achondroplasia", "metformin", yes; "pattern", "treats", no), and a word
put another way is no swap: a typo fixed ("Huntingtons"), a short form written out ("Tx",
"treatment"; "ALS", "amyotrophic lateral sclerosis").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher

from highyield.extract.auto.specific import SPECIFIC, rarity

ALIKE = 0.8  # two spellings of one word (difflib's ratio of their letters)
MOSTLY = 0.75  # a question that keeps more than this share of its words asks the same
SEPARATOR = " › "  # between the parts of a card's context (identity.subject)
_WORD = re.compile(r"\w+")
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
    """One word put two ways: the same, a typo ("antioxidnt"), a hyphen, a short form. A
    typo keeps the first letter: "carbamazepine" and "oxcarbazepine" are two drugs."""
    if a == b or (a[:1] == b[:1] and SequenceMatcher(None, a, b).ratio() >= ALIKE):
        return True
    return _short_for(a, b) or _short_for(b, a)


def _short_for(short: str, word: str) -> bool:
    return any(word.startswith(start) for start in SHORTHAND.get(short, ()))


def spelled_out(short: str, ordered: Sequence[str]) -> list[str]:
    """The words whose initials spell a short word ("als": "amyotrophic lateral
    sclerosis"; "moa": "mechanism of action"), or none."""
    n = len(short)
    if not 2 <= n <= 6 or len(ordered) < n:
        return []
    for i in range(len(ordered) - n + 1):
        run = ordered[i:i + n]
        if all(w[:1] == c for w, c in zip(run, short, strict=True)):
            return list(run)
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
            run = spelled_out(w, ordered)
            if run:
                kept.add(w)
                other.update(run)
    return kept_old, kept_new


def swapped(before: Sequence[str], after: Sequence[str]) -> bool:
    """Did a specific word leave, and another specific word come in?"""
    kept_old, kept_new = matched(before, after)
    left, came = set(before) - kept_old, set(after) - kept_new
    if not (left and came) or joined_alike([w for w in before if w in left],
                                           [w for w in after if w in came]):
        return False  # "antioxidant", "anti-oxidant"
    return _any_specific(left) and _any_specific(came)


def joined_alike(a: Sequence[str], b: Sequence[str]) -> bool:
    """Are two runs of words one text written with other breaks ("antioxidant", "anti
    oxidant")?"""
    one, other = "".join(a), "".join(b)
    return one[:1] == other[:1] and SequenceMatcher(None, one, other).ratio() >= ALIKE


def another_subject(before: Sequence[str], after: Sequence[str]) -> bool:
    """A question asked of something else: a specific word swapped for another, with at
    most ``MOSTLY`` of the words kept (a long question with one term changed is that
    question corrected)."""
    kept_old, _ = matched(before, after)
    return len(kept_old) <= MOSTLY * len(set(before)) and swapped(before, after)


def moved_under_another(before: str, after: str, own: set[str], shown: set[str],
                        still: Callable[[str], bool]) -> bool:
    """Is a card now about something else: its nearest heading, parent item or note
    swapped for another ("Adverse effect: ==GI upset==" under "Ethosuximide", now under
    "Metformin")? When the old one is gone (``still`` says whether the vault has it yet),
    it was replaced, and every card under it is about the new one. When it is still there,
    the card was moved, and stays the fact it was if its question names something
    specific itself (``shown``: "==Riluzole== slows ALS progression" moved to another
    note). A heading above the nearest renamed, or words added to it, change nothing.
    ``own``: all the card's words, which its context may repeat."""
    old, new = before.rsplit(SEPARATOR, 1)[-1], after.rsplit(SEPARATOR, 1)[-1]
    if old == new or not swapped([w for w in _WORD.findall(old) if w not in own],
                                 [w for w in _WORD.findall(new) if w not in own]):
        return False
    return not still(old) or not _any_specific(shown)


def _any_specific(ws: set[str]) -> bool:
    return any(rarity(w) >= SPECIFIC for w in ws)
