"""Reading one note safely: inside the vault only, within a size limit, text only,
decoded as UTF-8 with bad bytes reported at their line."""

from __future__ import annotations

from pathlib import Path

from highyield.errors import Diagnostic, display_path, error, warning
from highyield.model import Source

MAX_NOTE_BYTES = 8 * 1024 * 1024
BINARY_SNIFF_BYTES = 8192


def read_note(root: Path, path: Path, out: list[Diagnostic]) -> Source | None:
    """Read one note. Returns None (with a diagnostic) when it cannot be used at all."""
    shown = display_path(path)
    data = _read_bytes(root, path, shown, out)
    if data is None:
        return None
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        out.append(warning(shown, None, "binary file skipped",
                           "a note must be text; move binary files out of the notes, "
                           "or give them another extension"))
        return None
    text = _decode(data, shown, out)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(rel=path.relative_to(root).as_posix(), display=shown, text=text)


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


def _decode(data: bytes, shown: str, out: list[Diagnostic]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        out.append(warning(shown, line, "not valid UTF-8; bad bytes shown as \ufffd",
                           "re-save the note as UTF-8"))
        return data.decode("utf-8-sig", errors="replace")


def inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
