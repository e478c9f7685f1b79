"""The real terminal for the quiz: keys are read one at a time, without waiting for Enter,
and the terminal's settings are put back however the session ends, and while the quiz is
stopped (``kill -TSTP``): when it is resumed, it takes the keys again and redraws the card."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TextIO

from highyield.review.screen import Style


class Console:
    def __init__(self, out: TextIO, read: Callable[[], bytes], style: Style) -> None:
        self.out, self.read, self.style = out, read, style
        self.shown: list[str] = []  # the card on screen, as written: what a redraw shows

    def write(self, text: str) -> None:
        self.shown.append(text)
        self.out.write(text)
        self.out.flush()

    def page(self, text: str) -> None:
        self.shown = []
        self.write(text)

    def redraw(self) -> None:
        self.out.write("".join(self.shown))
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
    still interrupts; Ctrl-Z arrives as a key, undo) and restored afterwards; piped input
    is read a character at a time."""
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

    saved = termios.tcgetattr(fd)
    term = Console(out, lambda: os.read(fd, 8), style)  # a key press arrives whole
    try:
        _keys_mode(fd)
        with _stopped_politely(fd, saved, term):
            yield term
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _keys_mode(fd: int) -> None:
    """cbreak mode, without the suspend character: Ctrl-Z is read as a key (undo, as in
    Anki) rather than stopping the quiz."""
    import termios
    import tty

    tty.setcbreak(fd)
    attrs = termios.tcgetattr(fd)
    attrs[6][termios.VSUSP] = bytes([os.fpathconf(fd, "PC_VDISABLE") % 256])
    termios.tcsetattr(fd, termios.TCSADRAIN, attrs)


@contextmanager
def _stopped_politely(fd: int, saved: list[Any], term: Console) -> Iterator[None]:
    """While the quiz runs, SIGTSTP (``kill -TSTP``) gives the shell its terminal back as
    it was, then stops the quiz; when it is continued (``fg``, SIGCONT), the keys are
    taken again and the card is drawn again."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    import termios

    def stop(signum: int, frame: FrameType | None) -> None:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stops here until SIGCONT
        signal.signal(signal.SIGTSTP, stop)
        _keys_mode(fd)
        term.redraw()

    previous = signal.signal(signal.SIGTSTP, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTSTP, previous)
