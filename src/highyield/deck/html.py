"""Card text to safe HTML for Anki's fields.

All note text is escaped. The only markup that reaches a card is what this module writes:
the formatting allow-list (b i u sub sup), br, code (a fenced block as pre, with its
language tag reduced to letters, digits, ``_+-``), lists, images (a plain file name in
the package, or an ``http(s)`` address, %-encoded), and the obsidian:// link. No other
attribute a note wrote is ever copied.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import quote

from highyield.model import (
    CONTEXT_SEPARATOR,
    Break,
    Cloze,
    Code,
    Embed,
    Highlight,
    Inlines,
    Math,
    Styled,
    Text,
)

ALLOWED_TAGS = frozenset({"b", "i", "u", "em", "strong", "sub", "sup"})

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
            if node.block:
                lang = re.sub(r"[^A-Za-z0-9_+-]", "", node.lang)
                attr = f' class="language-{lang}"' if lang else ""
                return f"<pre><code{attr}>{esc(node.text)}</code></pre>"
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
    return escape(CONTEXT_SEPARATOR.join(context))


def obsidian_url(vault: str, note_rel: str) -> str:
    file = note_rel[:-3] if note_rel.lower().endswith(".md") else note_rel
    return f"obsidian://open?vault={quote(vault, safe='')}&file={quote(file, safe='')}"


def source_html(path: str, vault: str) -> str:
    """A link to the note. Without the line number: a line added above a card must not
    change the card in Anki."""
    url = html.escape(obsidian_url(vault, path), quote=True)
    return f'<a href="{url}">{escape(path)}</a>'
