"""How good are the cards highyield makes from vaults it has never seen? (issue 12)

    python bench/realvaults.py VAULT [VAULT ...]
    python bench/realvaults.py garden=/tmp/vaults/quartz/content   # NAME=FOLDER names it
    python bench/realvaults.py --limit-notes 1500 --examples 5 VAULT

Each vault is copied into a temporary folder (without `.git`; with `--limit-notes N`, only
its first N notes by path), built with the library (`deck.build.build(folder_deck(...))`,
HIGHYIELD_HOME in a temporary folder, a fixed `now`), and the .apkg is imported into a fresh
collection with the official `anki` package (`tests/anki_client.py`). Printed per vault:
notes read, Anki notes, cards, build time, tracebacks (anything a build raises other than
HighyieldError), whether the deck imported (every Anki note built is in the collection),
and the Anki notes with each kind of defect, judged on what Anki renders:

- markdown: Obsidian syntax a student sees (outside code): `==`, `**`, `[[`, `]]`, a
  literal `{{c1::`, `<!--`, `%%`, a callout marker `[!note]`, a `Key:: value` remnant, a
  line that is only `?`;
- empty side: a front or back with no image and nothing but white space, punctuation or
  emoji (arrows and other math signs count as text);
- all hidden: a cloze whose front shows only its blank (and the context line): no cue, no
  other text;
- repeated front: the same rendered front, context line included, in 5 or more notes (each
  such note counts);
- dataview key: a basic card whose front is a one- or two-word key (`Status`) that is the
  front of basic cards in 3 or more notes of the vault.

A note counts once per kind, and once in "any". The issue's target: at most 2% of notes with
any defect, 0 tracebacks, every deck imports. Figures are printed, not asserted; no folder of
this machine is printed (vaults by name, cards by their note's path in the vault).

The vaults are public repositories, not committed here. To get them, clone each
(`git clone https://github.com/OWNER/NAME`):

    kangruixiang/Medicine-Notes       2,632 notes: Step 1-3 notes, a highlight in every
                                      fact, `Keywords::` fields, spaced-repetition plugin
    liyuan721-sys/USMLE-step2-by-Peixuan  695 notes: bilingual (Chinese/English) Step 2,
                                      Dataview fields in callouts of every mistake log,
                                      HTML tables with <mark> in exported notes
    bjamturley/MedSchoolAtlas         124 notes: lecture notes, headings and lists, no
                                      highlights (a vault that should give no card)
    Natetgmaxwell/ntgm                2,293 notes: a Dataview-heavy university garden
                                      (`up::` `down::` `jump::` in a callout), `Q;;A` cards;
                                      the vault is its `src/site/notes` folder
    htlin222/quartz                   5,836 notes: a published clinical garden, few
                                      highlights; the vault is its `content` folder

The figures in the issue's notes were measured on these commits: Medicine-Notes 20903b346084,
USMLE-step2-by-Peixuan ca7e671b1aa9, MedSchoolAtlas edda7d68f262, ntgm b1b59e3384b1, quartz
5836bf0612cf (`git checkout COMMIT` in a clone gives the same notes).

Keep them outside this repository (say under /tmp/vaults), then, for example:

    python bench/realvaults.py /tmp/vaults/Medicine-Notes \\
        /tmp/vaults/USMLE-step2-by-Peixuan /tmp/vaults/MedSchoolAtlas \\
        ntgm=/tmp/vaults/ntgm/src/site/notes quartz=/tmp/vaults/quartz/content
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
try:
    from defects import KINDS, Finding, examples, judge
    from tests.anki_client import RenderedCard, import_apkg

    from highyield.config import folder_deck
    from highyield.deck.build import build
    from highyield.errors import HighyieldError
except ImportError as exc:
    sys.exit(f"bench/realvaults.py: {exc}; run it with a virtual environment active in "
             "which highyield is installed (pip install -e '.[dev]' in the repository)")

NOW = 1_767_225_600.0  # 2026-01-01 00:00 UTC: every run builds at the same time
TARGET = 2.0  # percent of notes with any defect


@dataclass
class Result:
    name: str
    notes_read: int = 0
    anki_notes: int = 0
    cards: int = 0
    build_seconds: float = 0.0
    build_cpu: float = 0.0  # the process's CPU time: other work on the machine slows wall time
    check_seconds: float = 0.0
    errors: int = 0  # diagnostics of severity error
    warnings: int = 0
    failure: str = ""  # HighyieldError's message
    tracebacks: list[str] = field(default_factory=list)
    imported: bool = False
    findings: list[Finding] = field(default_factory=list)

    def flagged(self, kind: str) -> int:
        return len({f.guid for f in self.findings if kind in ("any", f.kind)})


def main() -> None:
    args = _arguments()
    results = []
    with tempfile.TemporaryDirectory(prefix="hy-realvaults-") as tmp:
        os.environ["HIGHYIELD_HOME"] = str(Path(tmp) / "home")
        for n, (name, folder) in enumerate(args.vaults):
            work = Path(tmp) / f"v{n}"
            results.append(_measure(name, folder, work, args.limit_notes))
            _print_vault(results[-1], args.examples)
    _print_table(results)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vaults", nargs="+", type=_vault, metavar="[NAME=]VAULT",
                        help="a vault folder; NAME= names it (default: the folder's name)")
    parser.add_argument("--limit-notes", type=int, default=0, metavar="N",
                        help="build only each vault's first N notes, by path")
    parser.add_argument("--examples", type=int, default=3, metavar="N",
                        help="examples printed of each kind of defect (default 3)")
    return parser.parse_args()


def _vault(text: str) -> tuple[str, Path]:
    name, sep, rest = text.partition("=")
    if sep and name and "/" not in name:
        folder = Path(rest).expanduser()
    else:
        name, folder = "", Path(text).expanduser()
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"not a folder: {name or folder.name or text}")
    return name or folder.resolve().name, folder


def _measure(name: str, folder: Path, work: Path, limit: int) -> Result:
    result = Result(name)
    vault = work / name
    _copy(folder, vault, limit)
    deck = folder_deck(vault, work / "out" / "deck.apkg")
    start, cpu = time.perf_counter(), time.process_time()
    try:
        built = build(deck, now=NOW)
    except HighyieldError as exc:  # its message names the copy: name the vault instead
        result.failure = str(exc).replace(str(vault), name).replace(tempfile.gettempdir(), "…")
        return result
    except Exception:
        result.tracebacks.append(traceback.format_exc(limit=-3))
        return result
    finally:
        result.build_seconds = time.perf_counter() - start
        result.build_cpu = time.process_time() - cpu
    tally = built.tally
    assert tally is not None, "a first build is never up to date"
    result.notes_read, result.anki_notes, result.cards = (
        tally.notes, tally.anki_notes, tally.cards)
    result.errors = tally.errors
    result.warnings = len(tally.diagnostics) - tally.errors
    start = time.perf_counter()
    _check(result, deck.output, work / "anki")
    result.check_seconds = time.perf_counter() - start
    return result


def _check(result: Result, apkg: Path, folder: Path) -> None:
    if result.anki_notes == 0:
        result.imported = True  # nothing to import; no package is needed
        return
    try:
        cards: list[RenderedCard] = import_apkg(apkg, folder).cards
    except Exception:
        result.tracebacks.append("import: " + traceback.format_exc(limit=-3))
        return
    result.imported = len({c.guid for c in cards}) == result.anki_notes
    result.findings = judge(cards)


def _copy(folder: Path, vault: Path, limit: int) -> None:
    """The vault without `.git`; with ``limit``, only its first notes by path."""
    keep: set[Path] | None = None
    if limit:
        notes = sorted(p for p in folder.rglob("*.md")
                       if not any(part.startswith(".") for part in p.relative_to(folder).parts))
        keep = set(notes[:limit])

    def ignore(where: str, names: list[str]) -> set[str]:
        left = {".git"} & set(names)
        if keep is not None:
            left |= {n for n in names if n.endswith(".md") and Path(where, n) not in keep}
        return left

    shutil.copytree(folder, vault, ignore=ignore, symlinks=True)


def _print_vault(r: Result, count: int) -> None:
    print(f"\n== {r.name}: {r.notes_read} notes read, {r.anki_notes} Anki notes, "
          f"{r.cards} cards; build {r.build_seconds:.1f} s ({r.build_cpu:.1f} s CPU), "
          f"import and check "
          f"{r.check_seconds:.1f} s; {r.errors} errors, {r.warnings} warnings")
    if r.failure:
        print(f"   build stopped: {r.failure}")
    for trace in r.tracebacks:  # with the repository's and temporary folders left out
        trace = trace.replace(str(HERE.parent), ".").replace(tempfile.gettempdir(), "…")
        print("   TRACEBACK\n" + "\n".join("   " + line for line in trace.splitlines()))
    for kind in KINDS:
        shown = examples(r.findings, kind, count)
        if shown:
            print(f"  {kind} ({r.flagged(kind)} notes), e.g.:")
        for f in shown:
            print(f"    {f.source}: {f.excerpt}")


def _print_table(results: list[Result]) -> None:
    heads = ["vault", "notes", "Anki", "cards", "build s", "trace", "imports",
             *KINDS, "any"]
    rows = [_row(r.name, [r], ok=r.imported) for r in results]
    rows.append(_row("total", results, ok=all(r.imported for r in results)))
    widths = [max(len(str(row[i])) for row in [heads, *rows]) for i in range(len(heads))]
    print()
    for row in [heads, *rows]:
        print("  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    total = sum(r.anki_notes for r in results)
    bad = sum(r.flagged("any") for r in results)
    share = 100 * bad / total if total else 0.0
    print(f"\n{bad} of {total} Anki notes have a defect ({share:.1f}%; target at most "
          f"{TARGET:.0f}%); {sum(len(r.tracebacks) for r in results)} tracebacks")


def _row(name: str, results: list[Result], ok: bool) -> list[str]:
    notes = sum(r.anki_notes for r in results)

    def share(kind: str) -> str:
        n = sum(r.flagged(kind) for r in results)
        return f"{n} ({100 * n / notes:.1f}%)" if notes else "0"

    return [name, str(sum(r.notes_read for r in results)), str(notes),
            str(sum(r.cards for r in results)),
            f"{sum(r.build_seconds for r in results):.1f}",
            str(sum(len(r.tracebacks) for r in results)), "yes" if ok else "NO",
            *(share(k) for k in KINDS), share("any")]


if __name__ == "__main__":
    main()
