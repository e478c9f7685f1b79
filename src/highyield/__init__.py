"""highyield: turn an Obsidian vault of study notes into Anki decks."""

import _signal  # type: ignore[import-not-found]  # C: signal builds enums, for milliseconds
import os
import sys

__version__ = "0.1.5"

__all__ = ["__version__"]


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"interrupted\n")
    os._exit(130)  # nothing was begun: no file open, nothing to undo


# Run as the command (not imported by a program or the tests): Ctrl-C while the modules
# load says "interrupted", as it does later, never a Python traceback. Set here, the
# first of highyield that runs; ``highyield.entry`` hands Ctrl-C to the commands.
if os.path.basename(sys.argv[0] if sys.argv else "") == "highyield" or \
        getattr(sys, "orig_argv", [])[1:3] == ["-m", "highyield"]:
    try:  # noqa: SIM105 (contextlib takes longer to load than this whole module)
        _signal.signal(_signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread: left as it is
        pass
