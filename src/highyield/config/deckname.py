"""Deck names as Anki stores them. Anki rewrites a name it is given (rslib
``decks/name.rs``): each ``::`` part in NFC, without ASCII control characters, trimmed of
white space and colons, and "blank" when nothing is left. A name Anki would rewrite in
more than its spacing is refused where it is written, so the deck the student sees in
Anki is the one named in the deck file."""

from __future__ import annotations

import re
import unicodedata

MAX_DECK_LEVELS = 11  # Anki refuses a package whose deck nests deeper
# What Rust's char::is_whitespace takes (Unicode White_Space), and the colon.
_TRIM = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
         "\u2009\u200a\u2028\u2029\u202f\u205f\u3000:")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSEEN = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me", "Zs", "Zl", "Zp"})


def anki_name(name: str) -> str:
    """The name Anki gives a deck called ``name``."""
    return "::".join(_part(p) for p in name.split("::"))


def _part(part: str) -> str:
    part = _ASCII_CONTROL.sub("", unicodedata.normalize("NFC", part)).strip(_TRIM)
    return part or "blank"


def problem(name: str) -> tuple[str, str] | None:
    """What is wrong with a deck name written in a deck file (message, hint), if any."""
    parts = name.split("::")
    if any(not p.strip() for p in parts):
        return "has an empty part", "write a name on each side of every ::, e.g. " \
            "`deck: USMLE::Neurology`"
    if len(parts) > MAX_DECK_LEVELS:
        return f"nests {len(parts)} levels; Anki takes at most {MAX_DECK_LEVELS}", \
            "use fewer :: in the name; tags can carry the rest"
    if not all(_shows(p) for p in parts):
        return "has a part that shows nothing (only invisible or spacing characters)", \
            "write a name that can be read, e.g. `deck: USMLE::Neurology`"
    anki = anki_name(name)
    if anki != unicodedata.normalize("NFC", "::".join(p.strip() for p in parts)):
        return f"would be renamed `{anki}` by Anki (it drops control characters and the " \
            "colons at the edges of a part)", f"write it as Anki would keep it: `deck: {anki}`"
    return None


def _shows(part: str) -> bool:
    return any(unicodedata.category(c) not in _UNSEEN for c in part)
