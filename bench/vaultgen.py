"""A generated vault for the benchmarks: NOTES notes with CARDS highlighted facts each,
written the way students write (headings, nested bullets, a table, a callout)."""

from __future__ import annotations

import random
from pathlib import Path

ORGANS = "heart lung kidney liver brain spleen pancreas thyroid adrenal bone skin gut".split()
WORDS = ("deficiency excess mutation infarct antibody receptor enzyme channel toxin "
         "hormone nerve vessel marker drug dose sign lesion tumour cell protein").split()


def note_text(n: int, cards: int, rng: random.Random) -> str:
    lines = [f"# Topic {n}", "", "tags: #usmle", ""]
    for section in range(max(1, cards // 5)):
        lines += [f"## Section {section}", ""]
        for fact in range(5):
            i = section * 5 + fact
            if i >= cards:
                break
            organ, word = rng.choice(ORGANS), rng.choice(WORDS)
            lines.append(f"- Fact {n}.{i}: the {organ} {word} is ==answer {n}-{i} {word}==.")
            if fact == 0:
                lines.append(f"    - detail about {organ} {n}.{i}")
        lines.append("")
    return "\n".join(lines)


def make_vault(root: Path, notes: int = 2000, cards: int = 25, seed: int = 1) -> Path:
    rng = random.Random(seed)
    for n in range(notes):
        folder = root / f"System {n % 20:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Topic {n:04}.md").write_text(note_text(n, cards, rng), encoding="utf-8")
    return root
