"""Card text to safe HTML for Anki, and to plain text for previews.

All note text is escaped. The only markup that reaches a card is what this module writes:
the formatting allow-list (b i u sub sup), br, code, lists, images with plain file names,
and the obsidian:// link. No attribute a note wrote is ever copied.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote

from highyield.model import (
    Break,
    Card,
    CardKind,
    Cloze,
    Code,
    Embed,
    Highlight,
    Inlines,
    Math,
    SourceRef,
    Styled,
    Text,
    TextStyle,
    cloze_numbers,
    flatten,
)

ALLOWED_TAGS = frozenset({"b", "i", "u", "em", "strong", "sub", "sup"})
SEPARATOR = " › "

MediaLookup = Callable[[Embed], "str | None"]


def escape(text: str) -> str:
    # "{{" is escaped so that text can never start a cloze or a template field.
    return html.escape(text, quote=False).replace("{{", "{&#123;")


def _escape_deleted(text: str) -> str:
    """Inside a deletion, "::" would start a hint and "}}" would end the deletion."""
    return escape(text).replace("::", ":&#58;").replace("}}", "}&#125;")


class HtmlRenderer:
    def __init__(self, media: MediaLookup) -> None:
        self.media = media

    def inlines(self, nodes: Inlines, deleted: bool = False) -> str:
        return "".join(self._node(n, deleted) for n in nodes)

    def _node(self, node: object, deleted: bool) -> str:
        esc = _escape_deleted if deleted else escape
        if isinstance(node, Text):
            return esc(node.text)
        if isinstance(node, Break):
            return "<br>"
        if isinstance(node, Cloze):
            hint = f"::{_escape_deleted(node.hint)}" if node.hint else ""
            return f"{{{{c{node.number}::{self.inlines(node.children, True)}{hint}}}}}"
        if isinstance(node, Highlight):
            return self.inlines(node.children, deleted)
        if isinstance(node, Styled):
            tag = node.tag if node.tag in ALLOWED_TAGS else "span"
            return f"<{tag}>{self.inlines(node.children, deleted)}</{tag}>"
        if isinstance(node, Code):
            return f"<code>{esc(node.text)}</code>"
        if isinstance(node, Math):
            open_, close = ("\\[", "\\]") if node.display else ("\\(", "\\)")
            return f"{open_}{esc(node.source)}{close}"
        if isinstance(node, Embed):
            return self.image(node)
        return ""

    def image(self, embed: Embed) -> str:
        name = self.media(embed)
        if name is None:
            return ""
        width = f' width="{embed.width}"' if embed.width else ""
        alt = f' alt="{html.escape(embed.alt, quote=True)}"' if embed.alt else ""
        return f'<img src="{html.escape(name, quote=True)}"{alt}{width}>'

    def items(self, items: tuple[Inlines, ...], css: str) -> str:
        if not items:
            return ""
        rows = "".join(f"<li>{self.inlines(item)}</li>" for item in items)
        return f'<ul class="{css}">{rows}</ul>'

    def images(self, embeds: tuple[Embed, ...]) -> str:
        shown = "".join(self.image(e) for e in embeds)
        return f'<div class="hy-images">{shown}</div>' if shown else ""


def context_html(context: tuple[str, ...]) -> str:
    return escape(SEPARATOR.join(context))


def obsidian_url(vault: str, note_rel: str) -> str:
    file = note_rel[:-3] if note_rel.lower().endswith(".md") else note_rel
    return f"obsidian://open?vault={quote(vault, safe='')}&file={quote(file, safe='')}"


def source_html(ref: SourceRef, vault: str) -> str:
    """A link to the note. Without the line number: a line added above a card must not
    change the card in Anki."""
    url = html.escape(obsidian_url(vault, ref.path), quote=True)
    return f'<a href="{url}">{escape(ref.path)}</a>'


# ---------------------------------------------------------------- plain text


def _cloze_text(node: Cloze, inner: str) -> str:
    hint = f"::{node.hint}" if node.hint else ""
    return f"{{{{c{node.number}::{inner}{hint}}}}}"


PREVIEW = TextStyle(
    line_break="\n",
    cloze=_cloze_text,
    code=lambda node: f"`{node.text}`",
    math=lambda node: f"$${node.source}$$" if node.display else f"${node.source}$",
    embed=lambda node: f"[image: {node.target.rsplit('/', 1)[-1]}]",
)


def plain(nodes: Inlines) -> str:
    """Readable text for previews: deletions as {{c1::…}}, images as [image: name]."""
    return re.sub(r"[ \t]{2,}", " ", flatten(nodes, PREVIEW))


def card_summary(card: Card) -> dict[str, object]:
    """The JSON shape ``highyield cards --json`` prints for one card."""
    d = card.draft
    data: dict[str, object] = {"key": card.key, "kind": d.kind.value}
    if d.auto:
        data["score"] = d.score
    if d.kind.value == "cloze":
        data["text"] = plain(d.front)
    else:
        data["front"] = plain(d.front)
        data["back"] = plain(d.back)
    data.update({
        "context": list(d.context),
        "cue": [plain(c) for c in d.cue],
        "extra": [plain(e) for e in d.extra],
        "tags": list(d.tags),
        "source": str(d.ref),
    })
    return data


# ---------------------------------------------------------------- the terminal quiz

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # around the blank and the answer; the quiz colours them


def _side(nodes: Inlines, number: int, front: bool) -> str:
    def cloze(node: Cloze, inner: str) -> str:
        if node.number != number:
            return inner
        shown = f"[{node.hint or '...'}]" if front else inner
        return f"{MARK_OPEN}{shown}{MARK_CLOSE}"
    return re.sub(r"[ \t]{2,}", " ", flatten(nodes, replace(PREVIEW, cloze=cloze)))


def quiz_views(card: Card) -> list[tuple[int, dict[str, object]]]:
    """What the quiz shows for each of the card's Anki cards, by ordinal: the cloze number,
    or 0 (front → back) and 1 (back → front, reversed cards only)."""
    d = card.draft
    common: dict[str, object] = {
        "context": SEPARATOR.join(d.context), "cue": [plain(c) for c in d.cue],
        "extra": [plain(e) for e in d.extra],
        "images": [e.target.rsplit("/", 1)[-1] for e in d.images]}
    if d.kind is CardKind.CLOZE:
        return [(n, {**common, "front": _side(d.front, n, True),
                     "back": _side(d.front, n, False)}) for n in sorted(cloze_numbers(d.front))]
    sides = [(0, plain(d.front), plain(d.back))]
    if d.kind is CardKind.REVERSED:
        sides.append((1, plain(d.back), plain(d.front)))
    return [(ord_, {**common, "front": front, "back": f"{MARK_OPEN}{back}{MARK_CLOSE}"})
            for ord_, front, back in sides]
