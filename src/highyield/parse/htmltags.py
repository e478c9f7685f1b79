"""Which HTML tags a note may contain, and what becomes of each."""

from __future__ import annotations

import re

# Formatting kept on cards (the allow-list), by the name the card uses.
FORMAT = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "sub": "sub", "sup": "sup"}

# Elements removed together with everything inside them.
DROP_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
    "title", "svg", "head", "select", "canvas", "video", "audio", "frameset", "applet",
})

# Every other known element is removed and its text kept. Unknown names stay as text,
# so "x<y and y>z" reads as written.
KNOWN = frozenset(FORMAT) | DROP_WITH_CONTENT | frozenset({
    "a", "abbr", "address", "area", "article", "aside", "base", "bdi", "bdo", "big",
    "blockquote", "body", "br", "button", "caption", "center", "cite", "code", "col",
    "colgroup", "data", "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "img", "input", "ins", "kbd",
    "label", "legend", "li", "link", "main", "map", "mark", "menu", "meta", "meter", "nav",
    "ol", "optgroup", "option", "output", "p", "param", "picture", "pre", "progress", "q",
    "rp", "rt", "ruby", "s", "samp", "section", "small", "source", "span", "strike",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "track", "tt",
    "ul", "var", "wbr",
})

_ATTRIBUTE = re.compile(
    r"""([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;]+)", re.IGNORECASE)
_NO_COLOUR = {"transparent", "none", "inherit", "initial", "unset", "revert"}


def attributes(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(text):
        value = m.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attrs.setdefault(m.group(1).lower(), value)
    return attrs


def background(attrs: dict[str, str]) -> str:
    """The background colour a style sets, or "" when it sets none."""
    m = _BACKGROUND.search(attrs.get("style", ""))
    if m is None:
        return ""
    value = re.sub(r"\s*!\s*important\s*$", "", m.group(1).strip(), flags=re.IGNORECASE)
    if value.lower() in _NO_COLOUR:
        return ""
    return value


def hltr(attrs: dict[str, str]) -> str:
    """The colour name of a Highlightr CSS-class highlight: ``<mark class="hltr-pink">``."""
    m = re.search(r"(?:^|\s)hltr-([A-Za-z]+)", attrs.get("class", ""))
    return m.group(1).lower() if m else ""
