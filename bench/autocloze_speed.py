"""How fast are auto cards made? Time to collect the cards of 1,000 generated clippings,
against an older version of highyield measured in the same run.

    python bench/autocloze_speed.py                     # against the start of issue 13
    python bench/autocloze_speed.py --baseline HEAD~5   # against any commit
    python bench/autocloze_speed.py --clippings 200

The clippings are made from the sentences of the sample and held-out clippings (the
blind set is never read), shuffled into new articles with headings, lists and citation
numbers, so the text is real medical prose but no article repeats another. Each version
reads the same vault in its own process (a cold start: imports and word lists load
too), three times, taking turns with the other; the best time counts. The baseline is
taken from git into a temporary folder and run with the same Python. The machine's
speed varies by a tenth from run to run: use --runs 5 for a figure to quote.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "653ad42"  # the last commit before issue 13 changed the rules
SOURCES = ("notes/Clippings", "tests/fixtures/heldout/Clippings",
           "tests/fixtures/heldout2/Clippings")
TIMER = """
import sys, time
from pathlib import Path
started = time.perf_counter()
from highyield.config import folder_deck
from highyield.identity.collect import collect
vault = Path(sys.argv[1])
found = collect(folder_deck(vault, vault / "unused.apkg"))
auto = sum(1 for c in found.cards if c.draft.auto)
print(f"{time.perf_counter() - started:.3f} {auto}")
"""


def sentences() -> list[str]:
    found: list[str] = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).glob("*.md")):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip().lstrip("-*> ").strip()
                if len(line.split()) >= 8 and not line.startswith(("#", "|", "!")):
                    found.extend(s for s in re.split(r"(?<=[.!?])\s+", line)
                                 if len(s.split()) >= 6)
    return found


def make_clippings(root: Path, count: int, seed: int = 13) -> Path:
    rng = random.Random(seed)
    pool = sentences()
    for n in range(count):
        lines = [f"Article {n}: a clipped review", ""]
        for section in range(rng.randint(2, 4)):
            lines += [f"## Section {section}", ""]
            picked = rng.sample(pool, rng.randint(4, 9))
            if section % 2:
                lines += [f"- {s} {rng.randint(1, 40)}" for s in picked]
            else:
                lines.append(" ".join(picked))
            lines.append("")
        (root / "Clippings").mkdir(parents=True, exist_ok=True)
        (root / "Clippings" / f"Article {n:04}.md").write_text("\n".join(lines),
                                                               encoding="utf-8")
    return root


def timed(sources: list[Path], vault: Path, runs: int) -> list[tuple[float, int]]:
    """The best time and the auto cards of each version. Runs take turns (baseline, this
    tree, baseline, …), so that a slow spell of the machine falls on both."""
    best = [(float("inf"), 0) for _ in sources]
    for _ in range(runs):
        for i, src in enumerate(sources):
            out = subprocess.run([sys.executable, "-c", TIMER, str(vault)], check=True,
                                 capture_output=True, text=True, env={"PYTHONPATH": str(src)})
            seconds, cards = out.stdout.split()
            best[i] = min(best[i], (float(seconds), int(cards)))
    return best


def checkout(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--clippings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vault = make_clippings(Path(tmp) / "vault", args.clippings)
        old_src = checkout(args.baseline, Path(tmp))
        started = time.perf_counter()
        (old, old_auto), (new, new_auto) = timed([old_src, ROOT / "src"], vault, args.runs)
    print(f"{args.clippings} generated clippings, best of {args.runs} cold runs each "
          f"({time.perf_counter() - started:.0f} s in all)")
    print(f"  baseline {args.baseline}: {old:6.2f} s, {old_auto} auto cards")
    print(f"  this tree:        {new:6.2f} s, {new_auto} auto cards")
    print(f"  ratio this / baseline: {new / old:.2f}")


if __name__ == "__main__":
    main()
