"""A progress bar that appears only when the work takes more than a moment."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import Any

import click

from highyield.errors import escaped


class DelayedProgress:
    """Call it with (done, total). Draws a bar on stderr once ``delay`` seconds have passed,
    and only on a terminal. ``HIGHYIELD_PROGRESS_DELAY`` overrides the delay. ``then``:
    what the work does once all is done that the bar counts (a build writing its deck,
    a second or two on a large vault), said under the full bar until the work ends."""

    def __init__(self, label: str, delay: float = 0.5, then: str = "") -> None:
        self.label = escaped(label)  # it names a deck, often after its folder
        self.then = escaped(then)
        self.delay = float(os.environ.get("HIGHYIELD_PROGRESS_DELAY", delay))
        self.start = time.monotonic()
        self.bar: Any = None
        self.saying = False  # ``then`` is on the screen

    def __call__(self, done: int, total: int) -> None:
        if self.saying:
            return
        if self.bar is None:
            if time.monotonic() - self.start < self.delay or not sys.stderr.isatty():
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total and self.then:
            self.bar.__exit__(None, None, None)
            click.echo(f"{self.then}…", file=sys.stderr, nl=False)
            self.saying = True

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.saying:  # the line is taken back: the summary says what was done
            click.echo("\r\x1b[2K", file=sys.stderr, nl=False)
        elif self.bar is not None:
            self.bar.__exit__(kind, value, tb)
