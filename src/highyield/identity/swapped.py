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
from highyield.identity.alike import ALIKE, LINKS, matched
from highyield.identity.contrary import opposite

NAME_WORDS = 4  # a title of more words names a topic (a clipped article), not a subject
SOMEWHAT = 0.2  # a word at least this rare says something ("Wilson"; not "treatment")
MOSTLY = 0.75  # a question that keeps more than this share of its words asks the same
SEPARATOR = " › "  # between the parts of a card's context (identity.subject)
_WORD = re.compile(r"\w+")


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
    oxidant")? Not a word and its opposite ("hyperkalemia", "hypokalemia"); and the
    words both runs end with say nothing of it ("MCD shows", "MN shows")."""
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    one, other = "".join(a), "".join(b)
    if one == other:
        return True
    if any(opposite(x, y) for x in a for y in b):
        return False
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


def moved_under_another(before: str, after: str, own: Sequence[str], shown: set[str],
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
    mine = set(own)
    left = [w for w in _WORD.findall(old) if w not in mine and w not in LINKS]
    came = [w for w in _WORD.findall(new) if w not in mine and w not in LINKS]
    if renamed and len(_WORD.findall(old)) > NAME_WORDS:
        return False  # a note renamed from an article's title: a topic, not a subject
    if not still(old):  # "Contraindicated in …" too
        return _replaced(left, came) and not _self_contained(shown, own)
    return swapped(left, came) and not _any_specific(shown)


def _self_contained(shown: set[str], own: Sequence[str]) -> bool:
    """Does a card say what it is about by itself: it starts with its subject and a verb
    ("Amiodarone causes ==pulmonary fibrosis==", "==Lithium== is …"; not "Contraindicated
    in …", "Teratogen causing …", "Inheritance: …"), or its question has two specific
    words or more ("Argatroban is preferred in renal failure")?"""
    return _states_its_subject(own) or sum(rarity(w) >= SPECIFIC for w in shown) >= 2


def _states_its_subject(own: Sequence[str]) -> bool:
    if len(own) < 2:
        return False
    name, verb = own[0], own[1]
    return rarity(name) >= SPECIFIC and not name.endswith(_NOT_NAMES) and (
        verb in _VERBS or (verb.endswith("s") and not verb.endswith(("ss", "us", "is"))))


_NOT_NAMES = ("ed", "ing", "ic", "al", "ive", "ous", "ary", "ly")  # adjectives, participles
_VERBS = frozenset("is are was were has have can may does do".split())


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
    if any(opposite(x, y) for x in gone for y in new):  # "Acute kidney injury", now
        return True  # "Chronic kidney disease"; "Left heart failure", "Right …"
    if not gone or not _telling_any(gone | new):
        return False
    # the same drug or disease named on both sides, a generic word changed ("Side
    # effects of lithium", now "Adverse effects of lithium")
    return not (_any_specific(set(left) - gone) and not _pointed(gone | new))


def _pointed(ws: Iterable[str]) -> bool:
    """A specific word, a letter or a number: what tells one subject from the next."""
    return any(len(w) == 1 or w.isdigit() or rarity(w) >= SPECIFIC for w in ws)


def _telling_any(ws: Iterable[str]) -> bool:
    """Does any of these words say something: a letter or number ("B", "2"), or a word
    rarer than everyday ones?"""
    return any(len(w) == 1 or w.isdigit() or rarity(w) >= SOMEWHAT for w in ws)


def _any_specific(ws: set[str]) -> bool:
    return any(rarity(w) >= SPECIFIC for w in ws)
