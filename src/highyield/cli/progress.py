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
    and only on a terminal. ``HIGHYIELD_PROGRESS_DELAY`` overrides the delay."""

    def __init__(self, label: str, delay: float = 0.5) -> None:
        self.label = escaped(label)  # it names a deck, often after its folder
        self.delay = float(os.environ.get("HIGHYIELD_PROGRESS_DELAY", delay))
        self.start = time.monotonic()
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < self.delay or not sys.stderr.isatty():
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.__exit__(kind, value, tb)
