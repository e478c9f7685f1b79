"""The real terminal for the quiz: keys are read one at a time, without waiting for Enter,
and the terminal's settings are put back however the session ends."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from highyield.screen import Style


class Console:
    def __init__(self, out: TextIO, fd: int, style: Style, tty: bool) -> None:
        self.out, self.fd, self.style = out, fd, style
        self.chunk = 8 if tty else 1  # a key press arrives whole; piped keys one by one

    def write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def key(self) -> str:
        data = os.read(self.fd, self.chunk)
        if not data:
            return ""
        return chr(data[0]) if data[0] < 0x80 else "?"  # arrows and letters like é do nothing


def wants_color(out: TextIO) -> bool:
    """Colour on a terminal that is not "dumb", unless NO_COLOR is set (no-color.org)."""
    return (out.isatty() and os.environ.get("TERM", "") != "dumb"
            and not os.environ.get("NO_COLOR"))


@contextmanager
def console(out: TextIO = sys.stdout) -> Iterator[Console]:
    """Single keys from standard input. On a terminal it is put into cbreak mode (Ctrl-C
    still interrupts) and restored afterwards; piped input is read a character at a time."""
    fd = sys.stdin.fileno()
    style = Style(color=wants_color(out), width=min(shutil.get_terminal_size().columns, 100))
    if not os.isatty(fd):
        yield Console(out, fd, style, tty=False)
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield Console(out, fd, style, tty=True)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
