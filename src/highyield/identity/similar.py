"""Telling a reworded card, or a reworded deletion, from a new one: word-level
similarity between canonical texts."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from highyield.extract.auto.specific import rarity
from highyield.identity.alike import ALIKE, matched
from highyield.identity.clozes import CLOZE_OPEN, deletions
from highyield.identity.contrary import contrary, question
from highyield.identity.swapped import SOMEWHAT, another_subject

if TYPE_CHECKING:
    from highyield.identity.ledger import Entry
    from highyield.identity.subject import Subject

SIMILAR = 0.6  # share of words in common, in order (difflib's ratio), to be the same card
MAX_ORDERED = 250_000  # word pairs difflib may compare (two texts of 500 words)
MAX_PAIRS = 2500  # deletions compared each with each; past it, only those near in order
PAIR_WINDOW = 20  # (999 reworded highlights took 44 s; each with its 41 neighbours, not)
SAME_ANSWERS = 0.2  # enough when the card stays in its note and hides the same answers
MOVED_ANSWERS = 0.45  # and when it moved to another note ("==Riluzole== slows ALS
# progression" there, "==Riluzole== modestly slows the progression of ALS" here)
SAME_DELETION = 0.5  # share of words in common for a deletion reworded in place
SHORT_ANSWER = 30  # characters; a typo in an answer this short ("AChR", "AchR")
AROUND = 3  # words each side that place a deletion in its statement
SAME_PLACE = 0.75  # share of those, in order, that show one deletion reworded in place
_FILLER = frozenset({"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "with",
                     "by", "is", "are", "at", "as"})
RARE = 200  # candidates come through words that at most this many cards use,
RAREST = 4  # and through each card's rarest words in any case
CANDIDATES = 25  # the most candidates compared for each card
MAX_POSTING = 2000  # and at most this many cards through any one word
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a canonical text, without cloze markup."""
    return _WORD.findall(CLOZE_OPEN.sub(" ", text).replace("}}", " "))


def ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """The share of words in common, in order (difflib's ratio). For very long texts
    (a statement of a thousand highlights), the share in common, in any order: difflib
    grows with the square of the repeated words, and took minutes there."""
    if not a and not b:
        return 1.0
    if len(a) * len(b) > MAX_ORDERED:
        return 2 * sum((Counter(a) & Counter(b)).values()) / (len(a) + len(b))
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def pair_deletions(new: list[tuple[int, str]], old: list[tuple[int, str]],
                   above: int, front: str = "", old_front: str = "") -> dict[int, int]:
    """Which old number each new deletion keeps: the same answer first, then the most
    alike of those left that is the same deletion put another way (``reworded``: its
    words alike, or the words around it in the statement, ``front``, as they were around
    the old one); a deletion with no old one left gets a number above ``above``."""
    mapping: dict[int, int] = {}
    by_text: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for o in old:
        by_text[o[1]].append(o)
    taken: set[int] = set()
    left_new = []
    for n, text in new:
        if by_text.get(text):
            number = by_text[text].pop(0)[0]
            mapping[n] = number
            taken.add(number)
        else:
            left_new.append((n, text))
    plain = _outside(front)  # a highlight taken off leaves its words in the statement
    left_old = [o for o in old if o[0] not in taken and not _left_plain(o[1], plain)]
    window = len(left_old) if len(left_new) * len(left_old) <= MAX_PAIRS else PAIR_WINDOW
    scored = sorted(((ratio(words(a), words(b)), -abs(i - j), i, j)
                     for i, (_, a) in enumerate(left_new)
                     for j in range(max(0, i - window), min(len(left_old), i + window + 1))
                     for b in [left_old[j][1]]),
                    reverse=True)
    used_new: set[int] = set()
    used_old: set[int] = set()
    for score, _, i, j in scored:
        if i not in used_new and j not in used_old and reworded(
                score, left_new[i], left_old[j], front, old_front):
            mapping[left_new[i][0]] = left_old[j][0]
            used_new.add(i)
            used_old.add(j)
    for i, (n, _) in enumerate(left_new):
        if i not in used_new:
            above += 1
            mapping[n] = above
    return mapping


def reworded(score: float, new: tuple[int, str], old: tuple[int, str], front: str,
             old_front: str) -> bool:
    """Is a new deletion an old one put another way: its words alike ("3-5 years", "3 to
    5 years"), or in the old one's place ("antibodies against ==AChR==" and "antibodies
    against ==acetylcholine receptor=="), not another highlight elsewhere in the
    statement ("treated with ==pyridostigmine==" gone, "associated with ==thymoma=="
    come: a new card, not the old one's history)? Without the statements (a long run of
    deletions), the most alike are paired as before."""
    if not front or score >= SAME_DELETION:
        return True
    if len(new[1]) <= SHORT_ANSWER and len(old[1]) <= SHORT_ANSWER and \
            SequenceMatcher(None, new[1], old[1]).ratio() >= ALIKE:
        return True
    return ratio(_around(front, new[0]), _around(old_front, old[0])) >= SAME_PLACE


def _around(front: str, number: int) -> list[str]:
    """The words on each side of a deletion (``AROUND`` each way): where it sits."""
    opener = f"{{{{c{number}::"
    start = front.find(opener)
    if start < 0:
        return []
    answer = dict(deletions(front)).get(number, "")
    end = start + len(opener) + len(answer) + 2
    return [*words(front[:start])[-AROUND:], *words(front[end:])[:AROUND]]


def _outside(front: str) -> Counter[str]:
    """The words a statement shows outside its deletions."""
    hidden = Counter(w for _, text in deletions(front) for w in words(text))
    return Counter(words(front)) - hidden


def _left_plain(answer: str, plain: Counter[str]) -> bool:
    """Are a lost deletion's words still in the statement, no longer highlighted?"""
    mine = Counter(words(answer))
    return bool(mine) and not mine - plain


def similar_pairs(subjects: Sequence[Subject], entries: Sequence[Entry],
                  shared: Callable[[str], set[str]] = lambda path: set(),
                  elsewhere: Callable[[Subject, Entry], bool] = lambda s, e: False
                  ) -> list[tuple[int, Entry]]:
    """One-to-one pairs (subject index, entry) of the same kind whose words are at least
    ``SIMILAR`` alike, the most alike first, and that are not another fact (``shared``:
    the words that two or more cards of a note show, as a table's column names;
    ``elsewhere``: the entry was last read under another subject)."""
    tokens = [words(e.front + " " + e.back) for e in entries]
    postings: dict[str, list[int]] = defaultdict(list)
    for j, ws in enumerate(tokens):
        for w in set(ws):
            postings[w].append(j)
    scored = []
    for i, s in enumerate(subjects):
        mine = words(s.front + " " + s.back)
        for j in _candidates(mine, postings, len(entries)):
            e = entries[j]
            if e.kind != s.kind:
                continue
            score = ratio(mine, tokens[j])
            least = SAME_ANSWERS if e.path == s.path else MOVED_ANSWERS
            if (score >= SIMILAR or (score >= least and _kept_answers(s.front, e.front))
                    or _same_question(s, e)) \
                    and not _other_fact(s, e, shared) and not elsewhere(s, e):
                scored.append((score, e.path == s.path, -i, e.key, i, j))
    scored.sort(reverse=True)
    pairs: list[tuple[int, Entry]] = []
    used_subjects: set[int] = set()
    used_entries: set[int] = set()
    for *_, i, j in scored:
        if i not in used_subjects and j not in used_entries:
            pairs.append((i, entries[j]))
            used_subjects.add(i)
            used_entries.add(j)
    return pairs


def _same_question(s: Subject, e: Entry) -> bool:
    """A front/back card in its note whose question is as it was, its answer rewritten
    ("HCM and MVP", now a list of the two written out): the answer corrected, as an edit
    in Anki would be."""
    return s.front == e.front and e.path == s.path and not deletions(s.front)


def _other_fact(s: Subject, e: Entry, shared: Callable[[str], set[str]]) -> bool:
    """Alike in words, yet another fact. A reworded card keeps its answer and something
    of its own question, or keeps its question whole and puts the answer another way.
    Another fact in the same mould changes the question: "The drug of choice for absence
    seizures is ==ethosuximide==" and "… for trigeminal neuralgia is ==carbamazepine==";
    "Huntington disease is inherited in an ==autosomal dominant== pattern" and
    "Achondroplasia is …" (``another_subject``); "Warfarin crosses the ==placenta==" and
    "… does not cross …" (``contrary``); "| Huntington disease | ==Autosomal
    dominant== |" and "| Achondroplasia | ==Autosomal dominant== |" (the column names,
    shown by every row, say nothing of which fact)."""
    if contrary(question(e.front, e.back), question(s.front, s.back)):
        return True  # "Hyperkalemia causes …", now "Hypokalemia causes …"
    hidden, shown = _sides(s.front, s.back)
    old_hidden, old_shown = _sides(e.front, e.back)
    now, then = _telling(hidden), _telling(old_hidden)
    if not matched(sorted(then), sorted(now))[0]:  # no answer kept, nor spelt otherwise
        return _telling(shown) != _telling(old_shown)
    mine, theirs = _question(shown, shared(s.path)), _question(old_shown, shared(e.path))
    # a word highlighted now, or no longer, is no word of another subject
    led = not s.front.startswith("{{c") and not e.front.startswith("{{c")
    return bool(mine and theirs) and (not _alike(mine, theirs) or another_subject(
        [w for w in theirs if w not in now], [w for w in mine if w not in then], led))


def _question(shown: list[str], shared: set[str]) -> list[str]:
    """The telling words a card shows, in order, but for those its note's cards share."""
    return [w for w in (w.casefold() for w in shown) if w not in _FILLER and w not in shared]


def _alike(mine: list[str], theirs: list[str]) -> bool:
    """Do two questions share a word, or one put a little differently (a typo fixed:
    "antioxidnt", "Huntingtons"; a hyphen: "anti-oxidant"; a short form: "Tx", "ALS")? Or
    is all that tells them apart one everyday word for another ("Best post-MI for …", now
    "Useful post-MI for …", beside another card that says "post-MI" too)?"""
    if matched(theirs, mine)[0]:
        return True
    if len(mine) == len(theirs) == 1 and max(map(rarity, mine + theirs)) < SOMEWHAT:
        return True
    return SequenceMatcher(None, "".join(sorted(set(mine))), "".join(sorted(set(theirs)))
                           ).ratio() >= ALIKE


def _sides(front: str, back: str) -> tuple[list[str], list[str]]:
    """(the words a card hides, the words it shows): a cloze card hides its deletions, a
    front/back card its back."""
    answers = [text for _, text in deletions(front)]
    if not answers:
        return words(back), words(front)
    hidden = Counter(w for a in answers for w in words(a))
    shown = []
    for w in words(front):
        if hidden[w] > 0:
            hidden[w] -= 1
        else:
            shown.append(w)
    return [w for a in answers for w in words(a)], shown + words(back)


def shown_words(front: str, back: str) -> set[str]:
    """The telling words a card shows (not its answers, not filler), lower-cased."""
    return _telling(_sides(front, back)[1])


def _telling(ws: list[str]) -> set[str]:
    return {w.casefold() for w in ws} - _FILLER


def _answers(front: str) -> list[str]:
    return sorted(text for _, text in deletions(front))


def _kept_answers(front: str, old_front: str) -> bool:
    """Does a card hide the answers it hid, or nearly ("dynein arms" now "dynein arm")?"""
    now, then = _answers(front), _answers(old_front)
    if not now or len(now) != len(then):
        return False
    return now == then or all(_same_answer(a, b) for a, b in zip(now, then, strict=True))


def _same_answer(a: str, b: str) -> bool:
    """One answer put another way: most words kept, a spelling ("hyperkalaemia"), or one
    side's every word in the other, a short form counted ("nephrogenic DI")."""
    mine, theirs = words(a), words(b)
    if ratio(mine, theirs) >= SAME_DELETION or SequenceMatcher(None, a, b).ratio() >= ALIKE:
        return True
    kept_mine, kept_theirs = matched(theirs, mine)[::-1]
    return kept_mine >= set(mine) or kept_theirs >= set(theirs)


def _candidates(mine: list[str], postings: dict[str, list[int]], total: int) -> list[int]:
    """The cards sharing the most of this card's words, each word weighed by how rare it
    is (its inverse document frequency): among cards that differ only in numbers ("Fact
    1-1 the term1x1" beside "Fact 1-2 the term1x2" and 300 more), the one sharing its
    rarest word comes first."""
    lists = sorted((posting for w in set(mine) if (posting := postings.get(w))), key=len)
    shared: dict[int, float] = defaultdict(float)
    for n, posting in enumerate(lists):
        if n >= RAREST and len(posting) > RARE:
            break
        weight = math.log((total + 1) / len(posting))
        for j in posting[:MAX_POSTING]:
            shared[j] += weight
    return sorted(shared, key=lambda j: (-shared[j], j))[:CANDIDATES]
