"""Auto cards are stable under small edits (hypothesis): for the statements of the sample
clippings and the held-out sets, a comma before a new clause, an adverb after a verb, or a
change of quote style leaves the hidden part the same, or no card either time.
bench/stability.py measures every comma and adverb position, realistic or not."""

from __future__ import annotations

import re
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_comma_before_a_clause_changes_nothing(data: st.DataObject) -> None:
    call = data.draw(st.sampled_from(statements()))
    places = [m.start() for m in re.finditer(r"(?<=\w) (\w+)", call.text)
              if m.group(1).casefold() in CLAUSE_STARTS and _outside(call, m.start())]
    if places:
        edited = call.inserted(data.draw(st.sampled_from(places)), ",")
        assert same(call.hidden(), edited.hidden()), edited.text


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_an_adverb_after_a_verb_changes_nothing(data: st.DataObject) -> None:
    call = data.draw(st.sampled_from(statements()))
    places = [m.end() for m in _VERB.finditer(call.text) if _outside(call, m.end())]
    if places:
        at = data.draw(st.sampled_from(places))
        edited = call.inserted(at, " " + data.draw(st.sampled_from(ADVERBS)))
        assert same(call.hidden(), edited.hidden()), edited.text


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_quote_style_changes_nothing(data: st.DataObject) -> None:
    quoted = [c for c in statements() if any(q in c.text for q in "\"'“”‘’")]
    call = data.draw(st.sampled_from(quoted))
    edited = requoted(call, curly=data.draw(st.booleans()))
    assert same(call.hidden(), edited.hidden()), edited.text
