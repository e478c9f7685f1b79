"""Blank out ``%% comments %%`` and ``<!-- comments -->`` before block parsing.

Comments may span lines and blocks, so they go first. Their characters are removed but
newlines stay, so every line keeps its number. Code fences and inline code are left alone.
"""

from __future__ import annotations

import re

from highyield.errors import Diagnostic, warning
from highyield.parse.scan import Finder

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_OPENERS = re.compile(r"`+|%%|<!--")
_CLOSERS = {"%%": "%%", "<!--": "-->"}


def blank_comments(lines: list[str], first_line: int, path: str,
                   out: list[Diagnostic]) -> list[str]:
    result: list[str] = []
    fence = ""
    open_comment = ""  # the opener of a comment still open at the end of a line
    opened_at = 0
    for offset, line in enumerate(lines):
        if not open_comment:
            fence, is_code = _fence_state(fence, line)
            if is_code:
                result.append(line)
                continue
        blanked, open_comment, started = _blank_line(line, open_comment)
        if started:
            opened_at = first_line + offset
        result.append(blanked)
    if open_comment:
        out.append(warning(
            path, opened_at, f"unclosed {open_comment} comment hides the rest of the note",
            f"close it with {_CLOSERS[open_comment]} (Obsidian hides the rest too)"))
    return result


def _fence_state(fence: str, line: str) -> tuple[str, bool]:
    """Returns the fence still open after ``line`` and whether ``line`` is code."""
    m = _FENCE.match(line)
    if fence:
        closes = m is not None and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
        return ("" if closes else fence), True
    if m:
        return m.group(1), True
    return "", False


def _blank_line(line: str, open_comment: str) -> tuple[str, str, bool]:
    """Blank the comments in one line. Returns (line, comment open at its end, one started)."""
    chars = list(line)
    finder = Finder(line)
    pos = 0
    started = False
    while pos < len(line):
        if open_comment:
            closer = _CLOSERS[open_comment]
            end = finder.find(closer, pos)
            stop = len(line) if end == -1 else end + len(closer)
            chars[pos:stop] = [""] * (stop - pos)
            pos = stop
            if end != -1:
                open_comment = ""
            continue
        m = _OPENERS.search(line, pos)
        if m is None:
            break
        if m.group().startswith("`"):
            close = finder.find(m.group(), m.end())
            pos = m.end() if close == -1 else close + len(m.group())
            continue
        open_comment, started = m.group(), True
        chars[m.start():m.end()] = [""] * (m.end() - m.start())
        pos = m.end()
    return "".join(chars), open_comment, started
