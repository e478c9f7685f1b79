"""Citation markers: "[3]", "[2, 3]", "[4–6]", "[^a]", superscript digits, "^2".

The one pattern for them. Clippings cut them from anywhere in their text
(``extract.auto.noise``); in every note, one right after a highlight is dropped
(``extract.clozes``), so that "==chalk-stick fractures== [2]" hides no "[2]" behind it.
"""

from __future__ import annotations

import re

BRACKETED = re.compile(r"\s*\[(?:\d{1,3}(?:\s*[,–-]\s*\d{1,3})*|\^\w+)\]")
SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻–][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*")
# "^2" or "^2,3" written as text (Obsidian shows no superscript for it).
_CARET = re.compile(r"\s*\^\d{1,3}(?:[,–-]\d{1,3})*(?![\w^])")
_LEADING = re.compile(f"(?:{BRACKETED.pattern}|{SUPERSCRIPT.pattern}|{_CARET.pattern})+")


def strip_anywhere(text: str) -> str:
    """Cut bracketed and superscript markers from anywhere in the text."""
    return SUPERSCRIPT.sub("", BRACKETED.sub("", text))


def strip_leading(text: str) -> str:
    """Cut the markers the text starts with (the text right after a highlight)."""
    m = _LEADING.match(text)
    return text[m.end():] if m else text
