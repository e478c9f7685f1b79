"""The one way highyield writes a file it keeps (the ledger, a note given block ids, the
build cache): whole or not at all. The data goes to a temporary file beside the target,
which is then renamed over it, so a crash or a full disk leaves the old file as it was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], None],
                     mode: int | None = None) -> None:
    """Write ``data`` (bytes, or a function that writes to the open file) to ``path``.
    ``mode``: the permissions the file gets; by default only its owner may read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".highyield-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, bytes):
                f.write(data)
            else:
                data(f)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def ordinary_mode() -> int:
    """The permissions a new file gets by the user's umask, as an editor would make it."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
