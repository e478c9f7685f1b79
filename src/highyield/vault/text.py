"""A note's bytes as text: UTF-8 (with or without a byte-order mark) or UTF-16 with one;
a binary file told apart from text with a stray bad byte; control characters taken out.

A control character on a card breaks it: Anki keeps a note's fields in one string split
at U+001F, so one such byte in one field makes the whole package unimportable. Tab and
newline are kept (they shape the note); every other C0 and C1 control character and DEL
is removed, with a warning at its line."""

from __future__ import annotations

import codecs
import re

from highyield.errors import Diagnostic, warning

# byte-order marks, and the codec of the text after each
_BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONTROLS_HINT = ("control characters cannot go on an Anki card; delete them from the note "
                 "(an editor that shows invisible characters helps)")


def encoding_of(data: bytes) -> tuple[bytes, str, str]:
    """(the byte-order mark the file opens with, the codec of the rest, its name)."""
    return next(((bom, codec, name) for bom, codec, name in _BOMS if data.startswith(bom)),
                (b"", "utf-8", "UTF-8"))


def decode(data: bytes, shown: str, out: list[Diagnostic]) -> str | None:
    """The text of a note, or None (with a warning) for a binary file: one that is not
    valid UTF-8 and holds a NUL byte. Text with a few bad bytes is kept, with them shown
    as U+FFFD and a warning at the first."""
    bom, codec, name = encoding_of(data)
    body = data[len(bom):]
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        if name == "UTF-8" and b"\0" in body:
            out.append(warning(shown, None, "binary file skipped",
                               "a note must be text; move binary files out of the notes, "
                               "or give them another extension"))
            return None
        line = body[:exc.start].decode(codec, errors="replace").count("\n") + 1
        out.append(warning(shown, line, f"not valid {name}; bad bytes shown as \ufffd",
                           "re-save the note as UTF-8"))
        return body.decode(codec, errors="replace")


def text_of(data: bytes) -> str:
    """A note's text where only its words matter (counting Dataview keys): "" for a
    binary file, control characters left in."""
    return decode(data, "", []) or ""


def without_controls(text: str, shown: str, out: list[Diagnostic]) -> str:
    """The text without control characters; one warning, at the line of the first."""
    first = CONTROLS.search(text)
    if first is None:
        return text
    found = CONTROLS.findall(text)
    line = text.count("\n", 0, first.start()) + 1
    if len(found) == 1:
        message = f"control character {_code(found[0])} removed"
    else:
        kinds = sorted(set(found))
        listed = ", ".join(_code(c) for c in kinds[:5]) + (", …" if len(kinds) > 5 else "")
        message = f"{len(found):,} control characters removed ({listed}); the first is here"
    out.append(warning(shown, line, message, CONTROLS_HINT))
    return CONTROLS.sub("", text)


def strip_controls(text: str) -> str:
    """Without control characters, silently: what reaches an Anki field, a file name or a
    value from YAML escapes, whose warning (if any) was given where it was read."""
    return CONTROLS.sub("", text) if CONTROLS.search(text) else text


NAME_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # in a file name, tab and newline too


def name_without_controls(name: str) -> str:
    """A file name as a card's title: a tab or line break read as a space, every other
    control character removed."""
    return NAME_CONTROLS.sub(lambda m: " " if m.group() in "\t\n" else "", name) \
        if NAME_CONTROLS.search(name) else name


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"
