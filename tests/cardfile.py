"""The expected-card file format: a reviewer reads a note and its cards side by side.

    cloze @15
      context: Note › Heading › Parent item
      text:    UMN: {{c1::degeneration of the corticospinal tracts}}
      cue:     a child item shown on the front
      extra:   a child item shown after the answer
      images:  diagram.png
      tags:    neuro USMLE::Neurology

    warning @12: unclosed highlight ==
"""

from __future__ import annotations

from highyield.identity.collect import Collected
from highyield.model import CardKind
from highyield.model import preview_text as plain


def _one_line(text: str) -> str:
    return " ⏎ ".join(text.splitlines())


def describe(collected: Collected, rel: str) -> str:
    out = [f"# {rel}", ""]
    for card in collected.cards:
        d = card.draft
        if d.ref.path != rel:
            continue
        out.append(f"{d.kind.value} @{d.ref.line}")
        out.append(f"  context: {' › '.join(d.context)}")
        if d.kind is CardKind.CLOZE:
            out.append(f"  text:    {_one_line(plain(d.front))}")
        else:
            out.append(f"  front:   {_one_line(plain(d.front))}")
            out.append(f"  back:    {_one_line(plain(d.back))}")
        out.extend(f"  cue:     {_one_line(plain(c))}" for c in d.cue)
        out.extend(f"  extra:   {_one_line(plain(e))}" for e in d.extra)
        if d.images:
            names = [collected.media.name(rel, e) or f"(not packed: {e.target})"
                     for e in d.images]
            out.append(f"  images:  {' '.join(names)}")
        out.append(f"  tags:    {' '.join(d.tags) or '(none)'}")
        out.append("")
    for diag in sorted(collected.diagnostics, key=lambda x: x.line or 0):
        if diag.path.endswith(rel):
            where = f" @{diag.line}" if diag.line else ""
            out.append(f"{diag.severity.value}{where}: {diag.message}")
    return "\n".join(out).rstrip() + "\n"
