"""The ``highyield`` command's start: Python in UTF-8 mode, whatever the locale (notes'
names and text are UTF-8, as Obsidian writes them; in the C locale a name like "Ünïcode
note.md" stopped every command), then the commands, which handle Ctrl-C themselves
(``highyield/__init__`` handles it while they load)."""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    _in_utf8()
    from highyield.cli import main as run

    signal.signal(signal.SIGINT, signal.default_int_handler)  # the commands handle it
    run()


def _in_utf8() -> None:
    """Start again in Python's UTF-8 mode where the locale would read file names as
    ASCII (LC_ALL=C with PYTHONUTF8=0, say)."""
    if sys.platform == "win32" or sys.flags.utf8_mode:
        return
    if sys.getfilesystemencoding().lower().replace("-", "") != "utf8":
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])
