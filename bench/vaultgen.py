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


# ---------------------------------------------------------------- notes pasted from Word

_TD = ("<td width=200 valign=top style='width:150.0pt;border:solid windowtext 1.0pt;"
       "border-top:none;mso-border-top-alt:solid windowtext .5pt;mso-border-alt:solid "
       "windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>")


def word_note_text(n: int, rows: int, rng: random.Random) -> str:
    """A note as Word exports it: a bold title paragraph, one large table whose cells hold
    <p class=MsoNormal> paragraphs, verbose styles, and highlights written both ways
    Word writes them (<mark>, and a yellow background span), then a closing paragraph."""
    head = "".join(f"{_TD}<p class=MsoNormal><b><span style='font-size:11.0pt;font-family:"
                   f"\"Calibri\",sans-serif'>{label}</span></b></p></td>"
                   for label in ("Condition", "Cause", "Finding", "Treatment"))
    lines = [f"<p class=MsoNormal><b><span style='font-size:14.0pt'>Topic {n}</span></b></p>",
             "<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-"
             "collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>",
             " <tbody>", f" <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>{head}</tr>"]
    for r in range(rows):
        organ, word = rng.choice(ORGANS), rng.choice(WORDS)
        cells = [f"Condition {n}.{r} of the {organ}",
                 f"<mark>{word} {n}-{r}</mark> in the {organ}",
                 f"Shows <span style='background:yellow;mso-highlight:yellow'>sign "
                 f"{n}-{r}</span> on exam, with {rng.choice(WORDS)} changes",
                 f"Give drug {n}-{r} daily"]
        row = "".join(f"{_TD}<p class=MsoNormal><span style='font-size:11.0pt;font-family:"
                      f"\"Calibri\",sans-serif;mso-ascii-theme-font:minor-latin'>{c}</span>"
                      "</p></td>" for c in cells)
        lines.append(f" <tr style='mso-yfti-irow:{r + 1}'>{row}</tr>")
    lines += [" </tbody>", "</table>",
              f"<p class=MsoNormal>Topic {n} is most often caused by <mark>cause {n}</mark>.</p>"]
    return "\n".join(lines) + "\n"


def make_word_vault(root: Path, notes: int = 700, rows: int = 30, seed: int = 1) -> Path:
    """Notes pasted from Word: each a large HTML table with highlights."""
    rng = random.Random(seed)
    for n in range(notes):
        folder = root / f"Block {n % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Lecture {n:03}.md").write_text(word_note_text(n, rows, rng),
                                                   encoding="utf-8")
    return root
