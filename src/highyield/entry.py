"""The ``highyield`` command's start. Ctrl-C while its modules load (a fifth of a second)
says "interrupted", as it does later, never a Python traceback."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("interrupted\n")
    sys.stderr.flush()
    os._exit(130)  # nothing was begun: no file open, nothing to undo


signal.signal(signal.SIGINT, _interrupted)


def main() -> None:
    from highyield.cli import main as run

    signal.signal(signal.SIGINT, signal.default_int_handler)  # the commands handle it
    run()
