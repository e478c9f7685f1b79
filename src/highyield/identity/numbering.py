"""The cloze numbers a card keeps when it is matched to its ledger line: Anki keys a
note's cards by their numbers, so a deletion that keeps its number keeps its card (and
its history)."""

from __future__ import annotations

from collections import defaultdict

from highyield.identity.clozes import deletions
from highyield.identity.ledger import Entry
from highyield.identity.similar import pair_deletions
from highyield.identity.subject import Subject


def renumber_kept(s: Subject, entry: Entry, gone: list[tuple[int, str]]) -> dict[int, int]:
    """Keep the numbers the card's deletions had: an added highlight gets a number above
    any the card had, a removed one leaves the others where they were, and one that comes
    back (the same words) gets its number again. Numbers the author wrote change only
    when they were renumbered, each group of deletions as it was ("{{c1::Imatinib}}
    inhibits {{c2::BCR-ABL}}", now c2 and c1): each keeps its card."""
    if entry.kind != s.kind:
        return {}
    moved = _written_moved(s, entry)
    new = [(n, text) for n, text in deletions(s.front) if n > s.written]
    if not new:
        return moved
    fixed = {moved.get(n, n) for n, _ in deletions(s.front) if n <= s.written}
    old = [(n, text) for n, text in deletions(entry.front) if n not in fixed]
    back = _returning(new, old, [(n, t) for n, t in gone if n not in fixed])
    new = [(n, text) for n, text in new if n not in back]
    mapping = {**back, **pair_deletions(new, old, max([entry.top, s.written, *fixed]),
                                        s.front, entry.front)}
    if sorted(mapping.values()) != sorted(set(mapping.values())) or \
            fixed & set(mapping.values()):
        return moved
    return {**moved, **{a: b for a, b in mapping.items() if a != b}}


def _written_moved(s: Subject, entry: Entry) -> dict[int, int]:
    """The author's cloze numbers, renumbered: each group of deletions (the answers one
    number hides) that the card had under another number, back to that number; none
    unless every group is one the card had, each under its own number."""
    if not s.written:
        return {}
    now: dict[int, list[str]] = defaultdict(list)
    for n, text in deletions(s.front):
        if n <= s.written:
            now[n].append(text)
    then: dict[int, list[str]] = defaultdict(list)
    for n, text in deletions(entry.front):
        then[n].append(text)
    had = {tuple(sorted(texts)): n for n, texts in then.items()}
    mapping = {n: had.get(tuple(sorted(texts))) for n, texts in now.items()}
    numbers = list(mapping.values())
    if None in numbers or len(set(numbers)) != len(numbers):
        return {}
    return {a: b for a, b in mapping.items() if b is not None and a != b}


def _returning(new: list[tuple[int, str]], old: list[tuple[int, str]],
               gone: list[tuple[int, str]]) -> dict[int, int]:
    """The new deletions that are a lost one come back (its very words, and no deletion
    the card has now): each gets the number it had."""
    now = {text for _, text in old}
    by_text = {text: n for n, text in gone}
    back: dict[int, int] = {}
    for n, text in new:
        if text not in now and text in by_text and by_text[text] not in back.values():
            back[n] = by_text[text]
    return back
