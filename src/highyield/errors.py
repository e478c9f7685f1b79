"""Diagnostics (what went wrong, where, and what to do), the one exception type, and
paths as a user is shown them."""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path) -> str:
    """The path to show a user: relative to the working directory when it is inside it,
    a control character in a name shown as ``\\x1f`` (seen, and never sent to the
    terminal)."""
    try:
        shown = path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = str(path)
    return escaped(shown)


def escaped(text: str) -> str:
    """A name (a note's path or title, a deck's name) as the terminal is given it: each
    control character written as ``\\x1b`` and each right-to-left mark as ``\\u202e``, so
    a file name never moves the cursor, colours the screen, breaks a line or turns the
    text after it around."""
    return _CONTROL.sub(_code, text) if _CONTROL.search(text) else text


def _code(match: re.Match[str]) -> str:
    number = ord(match.group())
    return f"\\x{number:02x}" if number < 0x100 else f"\\u{number:04x}"


# control characters, and the marks that turn text right to left (a name could hide
# what follows it behind them)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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
    more: int = 0  # how many more of the same this one stands for (``LimitedDiagnostics``)

    @property
    def count(self) -> int:
        return 1 + self.more

    def place(self) -> tuple[str, int]:
        """The order problems are listed in: by path, then line."""
        return self.path, self.line or 0

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        """For the terminal: a control character in a value quoted from the input (a
        NUL in a deck file's glob) is written as ``\\x00``."""
        text = f"{self.location}: {self.severity.value}: {escaped(self.message)}"
        if self.hint:
            text += f"\n  hint: {escaped(self.hint)}"
        return text


def warning(path: str, line: int | None, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, Severity.WARNING, message, hint)


def error(path: str, line: int | None, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, Severity.ERROR, message, hint)


class LimitedDiagnostics(list[Diagnostic]):
    """A list that keeps the first few diagnostics with each message and only counts the
    rest: a note full of one mistake gets a few examples and a count, not a flood (and
    not a million objects)."""

    def __init__(self, limit: int = 5) -> None:
        super().__init__()
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self.dropped: dict[str, Diagnostic] = {}

    def append(self, diagnostic: Diagnostic) -> None:
        self.counts[diagnostic.message] += 1
        if self.counts[diagnostic.message] <= self.limit:
            super().append(diagnostic)
        else:
            self.dropped.setdefault(diagnostic.message, diagnostic)

    def only_counts(self, message: str) -> bool:
        """True (and counted) when a diagnostic with this message would be dropped anyway,
        so the caller need not build it."""
        if message in self.dropped:
            self.counts[message] += 1
            return True
        return False

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.append(diagnostic)

    def summarized(self) -> list[Diagnostic]:
        """The examples kept, then for each message one diagnostic that stands for the
        rest, at the line of the first of them (so that it follows its examples)."""
        more = [Diagnostic(d.path, d.line, d.severity, f"and {n:,} more like this from "
                           f"here on: {message}", d.hint, more=n - 1)
                for message, d in self.dropped.items()
                for n in [self.counts[message] - self.limit]]
        return [*self, *more]


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
