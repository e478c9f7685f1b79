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
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher

from highyield.extract.auto.specific import SPECIFIC, rarity

ALIKE = 0.8  # two spellings of one word (difflib's ratio of their letters)
NAME_WORDS = 4  # a title of more words names a topic (a clipped article), not a subject
SOMEWHAT = 0.2  # a word at least this rare says something ("Wilson"; not "treatment")
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
    """One word put two ways: the same, a typo ("antioxidnt"), a hyphen, a short form, a
    British spelling ("oestrogen"), another form of it ("treats", "treated"). A typo keeps
    the first letter: "carbamazepine" and "oxcarbazepine" are two drugs."""
    if a == b or (a[:1] == b[:1] and SequenceMatcher(None, a, b).ratio() >= ALIKE):
        return True
    if _american(a) == _american(b) or _inflected(a, b):
        return True
    return _short_for(a, b) or _short_for(b, a)


def _inflected(a: str, b: str) -> bool:
    """One word with other endings: "treats", "treated"; "causes", "caused"."""
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
             min(len(a), len(b)))
    return n >= 4 and a[n:] in _ENDINGS and b[n:] in _ENDINGS


_ENDINGS = frozenset(("", "s", "es", "ed", "d", "ing", "e"))


def _american(word: str) -> str:
    """"oestrogen", "aetiology", "haemoglobin" as "estrogen", "etiology", "hemoglobin"."""
    return _DIGRAPH.sub("e", word)


_LINKS = frozenset(("of", "the", "and", "to", "in", "with"))
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
        if at < len(short) and word[:1] != short[at] and word in _LINKS:
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
            run = spelled_out(w, ordered)
            if run:
                kept.add(w)
                other.update(run)
    return kept_old, kept_new


def swapped(before: Sequence[str], after: Sequence[str]) -> bool:
    """Did a specific word leave, and another specific word come in?"""
    left, came = _exchanged(before, after)
    return bool(left and came) and _any_specific(left) and _any_specific(came)


def _exchanged(before: Sequence[str], after: Sequence[str]) -> tuple[set[str], set[str]]:
    """The words that left and those that came in their place, neither put another way
    (nor the same text with other breaks: "antioxidant", "anti-oxidant"); none when only
    one side changed."""
    kept_old, kept_new = matched(before, after)
    left, came = set(before) - kept_old, set(after) - kept_new
    if not (left and came) or joined_alike([w for w in before if w in left],
                                           [w for w in after if w in came]):
        return set(), set()
    return left, came


def joined_alike(a: Sequence[str], b: Sequence[str]) -> bool:
    """Are two runs of words one text written with other breaks ("antioxidant", "anti
    oxidant")?"""
    one, other = "".join(a), "".join(b)
    return one[:1] == other[:1] and SequenceMatcher(None, one, other).ratio() >= ALIKE


def another_subject(before: Sequence[str], after: Sequence[str], led: bool = True) -> bool:
    """A question asked of something else: its first word (its subject, most often)
    replaced by a word that says something ("Wilson disease is …", now "Cystic fibrosis
    is …"; "Metformin is contraindicated …", now "Phenformin …"), or a specific word
    swapped for another with at most ``MOSTLY`` of the words kept (a long question with
    one term changed further on is that question corrected). ``led``: the statement starts
    with its question, not with its answer ("==Riluzole== treats ALS": "treats" is no
    subject)."""
    kept_old, kept_new = matched(before, after)
    if led and before and after and before[0] not in kept_old and \
            after[0] not in kept_new and not joined_alike(before[:2], after[:2]) and \
            _telling_any((before[0], after[0])):
        return True
    return len(kept_old) <= MOSTLY * len(set(before)) and swapped(before, after)


def moved_under_another(before: str, after: str, own: set[str], shown: set[str],
                        still: Callable[[str], bool], renamed: bool = False) -> bool:
    """Is a card now about something else: the heading, parent item or note nearest it
    that names something (past the same "Adverse effects" or "Mechanism" on both sides)
    replaced or swapped for another ("Adverse effect: ==GI upset==" under "Ethosuximide",
    now under "Metformin")? When the old one is gone (``still`` says whether the vault has
    it yet), it was replaced, and every card under it is about the new one ("Hepatitis B",
    now "Hepatitis C"). When it is still there, the card was moved, and stays the fact it
    was if its question names something specific itself (``shown``: "==Riluzole== slows
    ALS progression" moved to another note). ``renamed``: the card's note is gone and the
    card is in another (a note renamed): a card whose question says what it is about by
    itself stays the fact it was. A heading above the nearest renamed, words added to one,
    a spelling, a short form: none of these. ``own``: all the card's words, which its
    context may repeat."""
    old, new = _nearest_apart(before.split(SEPARATOR), after.split(SEPARATOR))
    if old == new:
        return False
    left = [w for w in _WORD.findall(old) if w not in own and w not in _LINKS]
    came = [w for w in _WORD.findall(new) if w not in own and w not in _LINKS]
    if renamed and len(_WORD.findall(old)) > NAME_WORDS:
        return False  # a note renamed from an article's title: a topic, not a subject
    if not still(old):  # "Contraindicated in …" too
        return _replaced(left, came) and not (renamed and _self_contained(shown))
    return swapped(left, came) and not _any_specific(shown)


def _self_contained(shown: set[str]) -> bool:
    """Does a card's question say what it is about by itself (two specific words or more:
    "Argatroban is preferred in renal failure", not "Contraindicated in …")?"""
    return sum(rarity(w) >= SPECIFIC for w in shown) >= 2


def _nearest_apart(old: list[str], new: list[str]) -> tuple[str, str]:
    """The nearest parts of two contexts, or, while these are the same and name nothing
    specific ("adverse effects"), the parts above them."""
    for depth in range(1, min(len(old), len(new)) + 1):
        mine, theirs = old[-depth], new[-depth]
        if mine != theirs or _any_specific(set(_WORD.findall(mine))):
            return mine, theirs
    return old[-1], new[-1]


def _replaced(left: list[str], came: list[str]) -> bool:
    """Words taken out and others put in their place, not put another way, and saying
    something ("Huntington", "Wilson"; "B" and "C" of hepatitis), not "treatment" and
    "management"."""
    gone, new = _exchanged(left, came)
    return bool(gone) and _telling_any(gone | new)


def _telling_any(ws: Iterable[str]) -> bool:
    """Does any of these words say something: a letter or number ("B", "2"), or a word
    rarer than everyday ones?"""
    return any(len(w) == 1 or w.isdigit() or rarity(w) >= SOMEWHAT for w in ws)


def _any_specific(ws: set[str]) -> bool:
    return any(rarity(w) >= SPECIFIC for w in ws)
