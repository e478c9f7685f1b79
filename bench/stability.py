"""How stable are auto cards under small edits? For every statement auto-cloze weighs in
the sample clippings and the two held-out sets, each edit below is made in turn and the
card compared: the same hidden part (punctuation and quote style aside), or no card
either time.

    python bench/stability.py        # rates per edit
    python bench/stability.py -v     # also each edit that changed the card

Edits: a comma after each word outside the hidden part; an adverb (often, usually, …)
before each word outside it; straight quotes made curly and curly ones straight.
tests/test_autocloze_stability.py checks the same with hypothesis.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.autostability import (  # noqa: E402
    ADVERBS,
    VAULTS,
    Call,
    adverb_edits,
    calls,
    comma_edits,
    requoted,
    same,
    span_of,
)


def edits(call: Call, kind: str) -> Iterator[Call]:
    hidden = span_of(call)
    if kind == "comma":
        yield from comma_edits(call, hidden)
    elif kind == "adverb":
        for adverb in ADVERBS:
            yield from adverb_edits(call, hidden, adverb)
    elif any(q in call.text for q in "\"'“”‘’"):
        yield requoted(call, curly=True)
        yield requoted(call, curly=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    verbose = parser.parse_args().verbose
    statements = [c for vault in VAULTS for c in calls(vault)]
    print(f"{len(statements)} statements")
    for kind in ("comma", "adverb", "quotes"):
        held = total = 0
        for call in statements:
            before = call.hidden()
            for edited in edits(call, kind):
                after = edited.hidden()
                total += 1
                held += same(before, after)
                if verbose and not same(before, after):
                    print(f"  {kind}: {before!r} -> {after!r}\n      {edited.text}")
        print(f"{kind:7} {held}/{total} = {held / max(total, 1):.4f}")


if __name__ == "__main__":
    main()
