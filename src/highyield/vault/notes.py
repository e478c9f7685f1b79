"""Reading one note safely: inside the vault only, within a size limit, text only
(``vault.text``: UTF-8 or UTF-16, bad bytes and control characters reported at their
line)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from highyield.errors import Diagnostic, display_path, error, warning
from highyield.model import Source
from highyield.vault.files import UNREAD_NOTE, unread_hint
from highyield.vault.opening import (
    Changed,
    Dangling,
    Loop,
    NotRegular,
    Outside,
    Refused,
    open_in_vault,
)
from highyield.vault.text import CONTROLS, decode, without_controls

MAX_NOTE_BYTES = 8 * 1024 * 1024
_MB = 1024 * 1024


def read_note(root: Path, path: Path, out: list[Diagnostic]) -> Source | None:
    """Read one note. Returns None (with a diagnostic) when it cannot be used at all."""
    shown = display_path(path)
    data = _read_bytes(root, path, shown, out)
    if data is None:
        return None
    text = decode(data, shown, out)
    if text is None:
        return None
    text = without_controls(text.replace("\r\n", "\n").replace("\r", "\n"), shown, out)
    rel = path.relative_to(root).as_posix()
    if CONTROLS.search(rel):  # a tab or line break reads as a space, as in the text
        out.append(_control_in_name(rel, shown))
    return Source(rel=rel, display=shown, text=text)


def _control_in_name(rel: str, shown: str) -> Diagnostic:
    """The cards keep the note, without the control characters (``text.strip_controls``,
    ``text.name_without_controls``); the terminal shows them escaped (``escaped``)."""
    if CONTROLS.search(rel.rpartition("/")[2]):
        return warning(shown, None, "the file name holds a control character; it is removed "
                       "from the note's title on its cards", "rename the note")
    return warning(shown, None, "a folder name holds a control character; it is removed "
                   "from the note's tags on its cards", "rename the folder")


def _read_bytes(root: Path, path: Path, shown: str, out: list[Diagnostic]) -> bytes | None:
    try:
        with open_in_vault(root, path) as f:
            data = _limited(f)
    except Refused as exc:
        out.append(warning(shown, None, f"note {exc.why}; skipped", _HINTS.get(type(exc), "")))
        return None
    except (FileNotFoundError, NotADirectoryError):  # deleted or moved since listed
        out.append(warning(shown, None, "note deleted or moved while the vault was read; "
                           "skipped", "nothing to do: the next build reads the vault again"))
        return None
    except OSError as exc:
        out.append(error(shown, None, f"{UNREAD_NOTE}: {exc.strerror or exc}",
                         unread_hint(exc, "note", "check the file's permissions")))
        return None
    if isinstance(data, int):
        out.append(warning(shown, None, f"note is {_over_limit(data)}; skipped",
                           "split it into smaller notes"))
        return None
    return data


def _over_limit(size: int) -> str:
    """``8.5 MB, over the 8 MB limit``: the size never reads as the limit itself."""
    limit = f"the {MAX_NOTE_BYTES // _MB} MB limit"
    mb = f"{size / _MB:.1f}"
    if float(mb) > MAX_NOTE_BYTES / _MB:
        return f"{mb} MB, over {limit}"
    return f"{size:,} bytes, over {limit} ({MAX_NOTE_BYTES:,} bytes)"


def _limited(f: BinaryIO) -> bytes | int:
    """The file's bytes, or its size when it is over the limit."""
    size = os.fstat(f.fileno()).st_size
    data = f.read(MAX_NOTE_BYTES + 1) if size <= MAX_NOTE_BYTES else b""
    return data if size <= MAX_NOTE_BYTES and len(data) <= MAX_NOTE_BYTES else \
        max(size, len(data))


_HINTS: dict[type[Refused], str] = {
    Outside: "move the file into the vault",
    NotRegular: "only regular files are read as notes; remove it, or give it a name that "
                "does not end in .md",
    Changed: "build again once the note is in place",
    Loop: "remove the link, or point it at a note",
    Dangling: "remove the link, or restore the file it points to",
}


def note_bytes(root: Path, path: Path) -> bytes | None:
    """A note's bytes as ``read_note`` would read them, or None, without a word (for a
    first look at the notes before they are read: ``read_note`` reports each problem)."""
    try:
        with open_in_vault(root, path) as f:
            data = _limited(f)
    except (Refused, OSError):
        return None
    return None if isinstance(data, int) else data


