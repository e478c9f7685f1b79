"""Paths as the benchmarks' messages name them: never a folder of one machine."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shown(path: Path, otherwise: str) -> str:
    """``path`` relative to the repository or the current folder, else ``otherwise`` (a
    description such as "a temporary folder")."""
    path = path.resolve()
    for base in (REPO, Path.cwd().resolve()):
        if path.is_relative_to(base):
            return str(path.relative_to(base)) or "."
    return otherwise
