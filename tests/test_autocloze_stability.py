"""Auto cards are stable under small edits: for every statement of the sample clippings
and the held-out sets, a comma before a new clause, an adverb after a verb, or a change of
quote style leaves the hidden part the same, or no card either time. Every such edit is
tried (about two thousand), so the test says the same on every run.
bench/stability.py measures every comma and adverb position, realistic or not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from tests.autostability import VAULTS, Call, calls, requoted, same, span_of

# A comma is often added before these words, which start a new clause or aside.
CLAUSE_STARTS = frozenset("""
    but which while whereas because although though since where when particularly
    especially resulting leading making unlike
""".split())
ADVERBS = ("often", "usually", "typically", "frequently", "clearly", "notably")
_VERB = re.compile(r"\b(?:is|are|was|were)\b")


@cache
def statements() -> tuple[Call, ...]:
    return tuple(c for vault in VAULTS for c in calls(vault))


def _outside(call: Call, at: int) -> bool:
    hidden = span_of(call)
    return hidden is None or not hidden[0] <= at <= hidden[1]


def _commas() -> Iterator[tuple[Call, Call]]:
    """After an article the word starts no clause: "the leading cause" takes no comma."""
    for call in statements():
        for m in re.finditer(r"(?<=\w) (\w+)", call.text):
            after_article = re.search(r"\b(?:the|a|an)$", call.text[:m.start()], re.I)
            if m.group(1).casefold() in CLAUSE_STARTS and not after_article and \
                    _outside(call, m.start()):
                yield call, call.inserted(m.start(), ",")


def _adverbs() -> Iterator[tuple[Call, Call]]:
    for call in statements():
        for m in _VERB.finditer(call.text):
            if _outside(call, m.end()):
                for adverb in ADVERBS:
                    yield call, call.inserted(m.end(), " " + adverb)


def _quotes() -> Iterator[tuple[Call, Call]]:
    for call in statements():
        if any(q in call.text for q in "\"'“”‘’"):
            for curly in (False, True):
                yield call, requoted(call, curly=curly)


def _changed(pairs: Iterator[tuple[Call, Call]]) -> tuple[int, list[str]]:
    tried, changed = 0, []
    for call, edited in pairs:
        tried += 1
        if not same(call.hidden(), edited.hidden()):
            changed.append(f"{call.hidden()!r} → {edited.hidden()!r}: {edited.text}")
    return tried, changed


def test_a_comma_before_a_clause_changes_nothing() -> None:
    tried, changed = _changed(_commas())
    assert tried > 50 and changed == []


def test_an_adverb_after_a_verb_changes_nothing() -> None:
    tried, changed = _changed(_adverbs())
    assert tried > 500 and changed == []


def test_quote_style_changes_nothing() -> None:
    tried, changed = _changed(_quotes())
    assert tried > 20 and changed == []
