"""The real terminal for the quiz: keys are read one at a time, without waiting for Enter,
and the terminal's settings are put back however the session ends."""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from highyield.review.screen import Style


class Console:
    def __init__(self, out: TextIO, read: Callable[[], bytes], style: Style) -> None:
        self.out, self.read, self.style = out, read, style

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def key(self) -> str:
        data = self.read()
        if not data:
            return ""
        return chr(data[0]) if data[0] < 0x80 else "?"  # arrows and letters like é do nothing


def wants_color(out: TextIO) -> bool:
    """Colour on a terminal that is not "dumb", unless NO_COLOR is set (no-color.org)."""
    return (out.isatty() and os.environ.get("TERM", "") != "dumb"
            and not os.environ.get("NO_COLOR"))


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return None


@contextmanager
def console(out: TextIO | None = None) -> Iterator[Console]:
    """Single keys from standard input. On a terminal it is put into cbreak mode (Ctrl-C
    still interrupts) and restored afterwards; piped input is read a character at a time."""
    out = out or sys.stdout
    style = Style(color=wants_color(out), width=min(shutil.get_terminal_size().columns, 100))
    fd = _stdin_fd()
    if fd is None:  # a stream without a file (tests, embedding)
        yield Console(out, lambda: sys.stdin.read(1).encode(), style)
        return
    if not os.isatty(fd):
        yield Console(out, lambda: os.read(fd, 1), style)
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield Console(out, lambda: os.read(fd, 8), style)  # a key press arrives whole
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
