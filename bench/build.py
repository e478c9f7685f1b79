"""How fast is `highyield build` with 50,000 cards, against genanki alone? Full, no-op, one edit.

    python bench/build.py                          # a fresh 50k-card vault in a temporary folder
    python bench/build.py --vault VAULT            # generate it in VAULT once, then reuse it
    python bench/build.py --runs 5 --cold-runs 2
    python bench/build.py --style word             # 700 notes pasted from Word

A vault of 2,000 notes × 25 highlighted facts (50,000 cloze cards, bench/vaultgen.py) is
built with HIGHYIELD_HOME in a temporary folder; with ``--style word``, 700 notes as Word
exports them (a large HTML table each, highlights as <mark> and yellow spans: 33 MB,
about 43,000 cards). Every measurement runs in its own Python
process (sys.executable), timed inside it around the work only: the baselines with
genanki already imported, a build with highyield imported (it loads genanki itself when it
makes a new collection, as on a cold build: that load, about 0.08 s, is timed); the
process's wall time (interpreter start included) and its peak RSS (VmHWM) are reported
too. Measured:

- baseline (same fields): genanki alone writing the notes of a highyield build of this vault
  (its own note types, fields, tags and guids, read back from the .apkg into a pickle before
  the process starts): models, deck, notes, `Package.write_to_file`. The process loads the
  pickle untimed, so its peak RSS includes those fields, which a build holds too;
- baseline (minimal): genanki writing as many cloze notes with one short field;
- full build, cold: no cache, no ledger (VAULT/.highyield), no .apkg, before every run;
- no-op build: nothing changed (it should say up to date and not write the .apkg);
- one note edited: a new highlighted fact appended to one note and one word changed in an
  existing fact (each run edits another note; all are restored afterwards);
- forced rebuild, warm cache (`force=True`), for information.

Targets (from the issue), as ratios to baseline (minimal), measured in the same run: full
build ≤ 2×, no-op ≤ 0.05×, one edit ≤ 1.1×; peak memory ≤ 2× that baseline's. The ratio
to baseline (same fields) is printed too. Figures are printed, not asserted. A cold build
uses worker processes: its RSS is the main process's, and the largest worker's peak is
printed beside it (``worker_rss_mb``; pages a worker shares with the main process count in
both).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
try:
    from shown import shown
    from vaultgen import make_vault, make_word_vault

    import highyield  # noqa: F401
except ImportError as exc:
    sys.exit(f"bench/build.py: {exc}; run it with a virtual environment active in which "
             "highyield is installed (pip install -e '.[dev]' in the repository)")

TARGETS = {"full build, cold": 2.0, "no-op build": 0.05, "one note edited": 1.1}
RSS_TARGET = 2.0
SAME, MINIMAL = "baseline (same fields)", "baseline (minimal)"
NEW_FACT = "- New fact: the heart is ==edited==.\n"
NEW_WORD_FACT = "<p class=MsoNormal>New fact: the heart is <mark>edited</mark>.</p>\n"


# ---------------------------------------------------------------- in the child process


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM starts afresh at exec; ru_maxrss (the fallback off
    Linux) does not: a child inherits its parent's peak, which would floor every figure."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def genanki_same(dump: Path, out: Path) -> dict[str, Any]:
    import genanki

    from highyield.deck.export import _model
    from highyield.model import CardKind

    notes = pickle.loads(dump.read_bytes())  # untimed, but part of the peak RSS
    started = time.perf_counter()
    models = {kind.value: _model(kind) for kind in CardKind}
    deck = genanki.Deck(2_000_000_001, "Baseline")
    for guid, kind, fields, tags in notes:
        deck.add_note(genanki.Note(model=models[kind], fields=fields, tags=tags, guid=guid))
    genanki.Package(deck).write_to_file(str(out))
    return {"seconds": time.perf_counter() - started, "notes": len(notes)}


def genanki_minimal(count: int, out: Path) -> dict[str, Any]:
    import genanki

    from highyield.deck.export import _model
    from highyield.model import CardKind

    started = time.perf_counter()
    model = _model(CardKind.CLOZE)
    deck = genanki.Deck(2_000_000_002, "Minimal")
    for i in range(count):
        fields = [f"Fact {i}: the heart enzyme is {{{{c1::answer {i}}}}}.", "", "", ""]
        deck.add_note(genanki.Note(model=model, fields=fields[:len(model.fields)]))
    genanki.Package(deck).write_to_file(str(out))
    return {"seconds": time.perf_counter() - started, "notes": count}


def highyield_build(vault: Path, out: Path, force: bool) -> dict[str, Any]:
    import highyield.deck.export  # noqa: F401  (genanki loads when a build makes a collection)
    from highyield.config import folder_deck
    from highyield.deck.build import build

    deck = folder_deck(vault, out)
    started = time.perf_counter()
    built = build(deck, force=force)
    seconds = time.perf_counter() - started
    counts = {w: built.changes.count(w) for w in ("new", "updated", "moved", "retired")}
    return {"seconds": seconds, "up_to_date": built.up_to_date, "fresh": built.fresh,
            "changes": counts, "notes": built.tally.anki_notes if built.tally else None}


def child(argv: list[str]) -> None:
    what, *rest = argv
    if what == "same":
        result = genanki_same(Path(rest[0]), Path(rest[1]))
    elif what == "dump":  # kept out of the parent, so that it stays small
        result = {"seconds": 0.0, "notes": dump_fields(*map(Path, rest))}
    elif what == "minimal":
        result = genanki_minimal(int(rest[0]), Path(rest[1]))
    else:
        result = highyield_build(Path(rest[0]), Path(rest[1]), force=what == "force")
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest
    print(json.dumps({**result, "rss_mb": peak_rss_mb(),
                      **({"worker_rss_mb": round(workers)} if workers else {})}))


# ---------------------------------------------------------------- in the parent


@dataclass(frozen=True)
class Run:
    seconds: float  # the work, timed inside the child
    wall: float  # the child process, interpreter start included
    rss_mb: float
    info: dict[str, Any]


def spawn(args: list[str], env: dict[str, str]) -> Run:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "_child", *args], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:  # its arguments name temporary folders: only its kind is shown
        sys.exit(f"the {args[0]!r} child process failed:\n{done.stderr}{done.stdout}")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(info.pop("seconds"), wall, info.pop("rss_mb"), info)


def series(label: str, n: int, args: list[str], env: dict[str, str],
           before: Any = None) -> list[Run]:
    runs: list[Run] = []
    for i in range(n):
        if before is not None:
            before(i)
        run = spawn(args, env)
        runs.append(run)
        print(f"  {label} #{i + 1}: {run.seconds:.2f} s, {run.rss_mb:.0f} MB {run.info}",
              file=sys.stderr, flush=True)
    return runs


def dump_fields(apkg: Path, dump: Path, work: Path) -> int:
    """The built deck's notes as (guid, kind, fields, tags), for the same-fields baseline."""
    from highyield.deck.notetypes import BY_KIND

    kinds = {spec.model_id: kind.value for kind, spec in BY_KIND.items()}
    with zipfile.ZipFile(apkg) as z:
        z.extract("collection.anki2", work)
    with sqlite3.connect(work / "collection.anki2") as db:
        rows = db.execute("SELECT guid, mid, flds, tags FROM notes").fetchall()
    notes = [(g, kinds[m], f.split("\x1f"), t.split()) for g, m, f, t in rows]
    dump.write_bytes(pickle.dumps(notes))
    return len(notes)


def edit(note: Path) -> str:
    """Append a highlighted fact and change one word of the first fact; the old text. (In
    a note pasted from Word: a paragraph with a <mark>, and a word in the first row.)"""
    text = note.read_text(encoding="utf-8")
    if "<table" in text:
        edited = text.replace(" daily", " once daily", 1) + NEW_WORD_FACT
    else:
        lines = text.splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if line.startswith("- Fact "))
        lines[first] = lines[first].replace(": the ", ": this ", 1)
        edited = "".join(lines).rstrip("\n") + "\n" + NEW_FACT
    note.write_text(edited, encoding="utf-8")
    return text


def row(label: str, runs: list[Run], same: list[Run] | None, minimal: list[Run] | None) -> str:
    """A figure, and its ratios: to genanki writing the same fields, and to genanki writing
    one short field per note (``minimal``: the issue's targets are ratios to this one)."""
    secs = statistics.median(r.seconds for r in runs)
    wall = statistics.median(r.wall for r in runs)
    rss = max(r.rss_mb for r in runs)
    line = f"{label:24} {secs:8.3f} {len(runs):3} {wall:8.2f} {rss:7.0f}"
    if same is None or minimal is None:
        return line
    ratio = secs / statistics.median(r.seconds for r in same)
    minr = secs / statistics.median(r.seconds for r in minimal)
    mem = rss / max(r.rss_mb for r in minimal)
    target = TARGETS.get(label)
    verdict = "" if target is None else f"≤{target:g}× {'met' if minr <= target else 'MISSED'}"
    memv = f"≤{RSS_TARGET:g}× {'met' if mem <= RSS_TARGET else 'MISSED'}"
    return f"{line} {ratio:7.2f}× {minr:7.2f}× {verdict:13} {mem:6.2f}× {memv}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vault", type=Path,
                        help="generate the vault here (if it holds no notes yet) and keep it")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of the baselines, no-op, edit and forced builds (default 3)")
    parser.add_argument("--cold-runs", type=int, default=1,
                        help="cold full builds, each from an empty cache (default 1)")
    parser.add_argument("--style", choices=("lists", "word"), default="lists",
                        help="the generated vault: 2,000 notes of nested lists (default), or "
                             "700 notes pasted from Word (large HTML tables with highlights)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hy-bench-build-") as tmp_name:
        tmp = Path(tmp_name)
        vault = (args.vault or tmp / "vault").resolve()
        if not any(vault.rglob("*.md")):
            where = shown(vault, "the --vault folder" if args.vault else "a temporary folder")
            print(f"writing the vault into {where} …", file=sys.stderr, flush=True)
            (make_word_vault if args.style == "word" else make_vault)(vault)
        try:
            table, notes = measure(vault, tmp, args.runs, args.cold_runs)
        finally:
            shutil.rmtree(vault / ".highyield", ignore_errors=True)  # leave the vault as made
    print(f"vault: {len(notes):,} notes; HIGHYIELD_HOME in a temporary folder; "
          f"{platform.python_implementation()} {platform.python_version()}")
    header = (f"{'':24} {'seconds':>8} {'n':>3} {'process':>8} {'RSS MB':>7} "
              f"{'× same':>8} {'× min':>8} {'target':13} {'RSS×min':>7} mem target")
    print(header)
    for line in table:
        print(line)


def measure(vault: Path, tmp: Path, runs: int, cold_runs: int) -> tuple[list[str], list[Path]]:
    home, out = tmp / "home", tmp / "out" / "deck.apkg"
    env = {**os.environ, "HIGHYIELD_HOME": str(home)}
    build = [str(vault), str(out)]

    def cold(_: int) -> None:
        for folder in (vault / ".highyield", home):
            shutil.rmtree(folder, ignore_errors=True)
        out.unlink(missing_ok=True)

    full = series("full build, cold", cold_runs, ["build", *build], env, cold)
    dump = tmp / "fields.pickle"
    count = spawn(["dump", str(out), str(dump), str(tmp)], env).info["notes"]
    same = series(SAME, runs, ["same", str(dump), str(tmp / "same.apkg")], env)
    minimal = series(MINIMAL, runs, ["minimal", str(count), str(tmp / "min.apkg")], env)
    noop = series("no-op build", runs, ["build", *build], env)
    notes = sorted(vault.rglob("*.md"))
    originals: dict[Path, str] = {}

    def edit_one(i: int) -> None:
        note = notes[(i * 97) % len(notes)]
        originals.setdefault(note, edit(note))

    try:
        edited = series("one note edited", runs, ["build", *build], env, edit_one)
    finally:
        for note, text in originals.items():
            note.write_text(text, encoding="utf-8")
    series("after restoring (untimed)", 1, ["build", *build], env)
    forced = series("forced, warm cache", runs, ["force", *build], env)
    labels = [("full build, cold", full), ("no-op build", noop),
              ("one note edited", edited), ("forced, warm cache", forced)]
    table = [row(SAME, same, None, None), row(MINIMAL, minimal, None, None)]
    table += [row(label, r, same, minimal) for label, r in labels]
    table += ["", f"{count:,} Anki notes written by the cold build"]
    table += [f"{label}: " + "; ".join(json.dumps(r.info) for r in rs) for label, rs in labels]
    return table, notes


if __name__ == "__main__":
    if sys.argv[1:2] == ["_child"]:
        child(sys.argv[2:])
    else:
        main()
