"""Diagnostics (what went wrong, where, and what to do) and the one exception type."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """A problem in the user's input, located at ``path:line``."""

    path: str
    line: int | None
    severity: Severity
    message: str
    hint: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        text = f"{self.location}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def warning(path: str, line: int | None, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, Severity.WARNING, message, hint)


def error(path: str, line: int | None, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, Severity.ERROR, message, hint)


class HighyieldError(Exception):
    """A failure that stops the command. The CLI prints it without a traceback.
    ``diagnostics`` holds every problem found, when there are several."""

    def __init__(self, message: str, *, hint: str = "", exit_code: int = 2,
                 diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
        self.diagnostics = diagnostics

    @classmethod
    def at(cls, diagnostic: Diagnostic, exit_code: int = 2) -> HighyieldError:
        return cls(f"{diagnostic.location}: {diagnostic.message}", hint=diagnostic.hint,
                   exit_code=exit_code, diagnostics=(diagnostic,))

    @classmethod
    def many(cls, diagnostics: list[Diagnostic]) -> HighyieldError:
        if len(diagnostics) == 1:
            return cls.at(diagnostics[0])
        first = diagnostics[0]
        return cls(f"{first.location}: {first.message}", hint=first.hint,
                   diagnostics=tuple(diagnostics))
