"""Hostile input parses in linear time.

For each kind of unclosed (or dense) markup, a single-line note of 256 KB, 512 KB and
1 MB is parsed and its cards extracted. The baseline, measured in the same run, is a
1 MB single line of plain prose with no markup.

Linear time shows as a 1 MB / 256 KB ratio near 4 (quadratic would be near 16). Then
markup nested as deep as the line is long (``{{c1::`` 40,000 deep around one word), and
a last table times notes of 2,000 to 8,000 highlighted list items (linear: 8k/2k near 4).

    python bench/parse_linear.py
"""

from __future__ import annotations

import statistics
import time

from highyield.extract import ExtractRules, extract_note
from highyield.identity.keys import assign_keys
from highyield.model import Source
from highyield.parse import parse_note

SIZES = (256_000, 512_000, 1_000_000)
UNCLOSED = [
    "==a ", "{{c1::x ", "<mark>", "<span style='background:red'>", "[[", "![[", "$", "`",
    "**", "%%", "<!--", "<b>", "{{c1::{{c2::", "> ", "\\=", "<x",
]
DENSE = ["#t ", "==a== ", "==a **b== c** "]  # valid markup, a token every 3 to 6 characters
NESTED = [("- {{c1::", "}}"), ("==a ", " b=="), ("{{c1::==a ", " b==}}")]  # opener, closer
PROSE = "motor neurons degenerate in the anterior horn and the corticospinal tract "


def run(text: str, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        note, _ = parse_note(Source("bench.md", "bench.md", text))
        assign_keys(extract_note(note, ExtractRules()).drafts)  # identity reads deletions
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def line_of(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size] + "\n"


def table(title: str, units: list[str], baseline: float) -> float:
    print(f"\n{title:32} {'256 KB':>8} {'512 KB':>8} {'1 MB':>8} "
          f"{'1MB/256KB':>10} {'vs baseline':>12}")
    worst = 0.0
    for unit in units:
        t = [run(line_of(unit, size)) for size in SIZES]
        worst = max(worst, t[-1])
        print(f"{unit!r:32} {t[0] * 1000:6.0f}ms {t[1] * 1000:6.0f}ms {t[2] * 1000:6.0f}ms "
              f"{t[2] / t[0]:10.1f} {t[2] / baseline:11.1f}x")
    return worst


def nested_line(opener: str, closer: str, size: int) -> str:
    depth = size // (len(opener) + len(closer))
    return opener * depth + "x" + closer * depth + "\n"


def nested() -> None:
    print(f"\n{'nested markup (opener, closer)':32} {'256 KB':>8} {'512 KB':>8} {'1 MB':>8} "
          f"{'1MB/256KB':>10}")
    for opener, closer in NESTED:
        t = [run(nested_line(opener, closer, size)) for size in SIZES]
        print(f"{opener + '…' + closer!r:32} {t[0] * 1000:6.0f}ms {t[1] * 1000:6.0f}ms "
              f"{t[2] * 1000:6.0f}ms {t[2] / t[0]:10.1f}")


def long_notes() -> None:
    """Many highlighted list items in one note: context lookups must not scan the note."""
    print(f"\n{'long note (highlighted items)':32} {'2,000':>8} {'4,000':>8} {'8,000':>8} "
          f"{'8k/2k':>10}")
    for label, item in (("with context", "- item {i} has ==fact {i}== here\n"),
                        ("bare (neighbour cue)", "- ==fact {i}==\n")):
        t = [run("".join(item.format(i=i) for i in range(n))) for n in (2000, 4000, 8000)]
        print(f"{label:32} {t[0] * 1000:6.0f}ms {t[1] * 1000:6.0f}ms {t[2] * 1000:6.0f}ms "
              f"{t[2] / t[0]:10.1f}")


def main() -> None:
    baseline = run(line_of(PROSE, SIZES[-1]))
    print(f"baseline: 1 MB of plain prose on one line: {baseline * 1000:.0f} ms")
    worst = table("unclosed markup (repeated)", UNCLOSED, baseline)
    print(f"slowest unclosed 1 MB case: {worst * 1000:.0f} ms "
          f"({worst / baseline:.1f}x the baseline)")
    table("dense valid markup (repeated)", DENSE, baseline)
    nested()
    long_notes()


if __name__ == "__main__":
    main()
