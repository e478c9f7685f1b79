"""Reading one note safely: inside the vault only, within a size limit, text only
(``vault.text``: UTF-8 or UTF-16, bad bytes and control characters reported at their
line)."""

from __future__ import annotations

from pathlib import Path

from highyield.errors import Diagnostic, display_path, error, warning
from highyield.model import Source
from highyield.vault.text import CONTROLS, decode, without_controls

MAX_NOTE_BYTES = 8 * 1024 * 1024


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
    if CONTROLS.search(rel):
        out.append(warning(shown, None, "the file name holds a control character; it is "
                           "left out of the cards", "rename the note"))
    return Source(rel=rel, display=shown, text=text)


def _read_bytes(root: Path, path: Path, shown: str, out: list[Diagnostic]) -> bytes | None:
    try:
        if not inside(root, path):
            out.append(warning(shown, None, "note is a link to a file outside the vault; skipped",
                               "move the file into the vault"))
            return None
        size = path.stat().st_size
        if size > MAX_NOTE_BYTES:
            out.append(warning(shown, None,
                               f"note is {size // (1024 * 1024)} MB, over the "
                               f"{MAX_NOTE_BYTES // (1024 * 1024)} MB limit; skipped",
                               "split it into smaller notes"))
            return None
        return path.read_bytes()
    except OSError as exc:
        out.append(error(shown, None, f"cannot read note: {exc.strerror or exc}",
                         "check the file's permissions"))
        return None


def inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
