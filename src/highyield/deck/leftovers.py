"""The clean-up of what a killed build left.

Holding the vault's lock (``vault.lock``), a build removes the temporary files that a
build of its deck killed half-way left (the package's folder beside the deck, the
cache's and the ledger's temporary files): no build that could own them is running.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

from highyield.config import DeckConfig
from highyield.identity.ledger import FILE, ledger_folder, local_copy
from highyield.vault.atomic import leftovers

LEDGER_WRITE_S = 60.0  # older than this, a ledger's temporary file is no one's work


def remove_leftovers(deck: DeckConfig, cache: Path) -> None:
    """What builds of ``deck`` killed half-way left. Call it holding the lock. A quiz
    writes the ledger too, without the lock, in a moment: its temporary files are
    removed only once they are a minute old."""
    copy = local_copy(deck.vault)
    places = [(deck.output.parent, deck.output.name, 0.0), (cache.parent, cache.stem, 0.0),
              (copy.parent, copy.name, LEDGER_WRITE_S)]
    folder = ledger_folder(deck.vault)
    if folder is not None:
        places.append((folder, FILE, LEDGER_WRITE_S))
    now = time.time()
    for where, name, age in places:
        for path in leftovers(where, name):
            with contextlib.suppress(OSError):
                if now - path.lstat().st_mtime < age:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()
