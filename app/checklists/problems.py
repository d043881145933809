"""What is wrong with a checklist file, as an author reads it: located, explained, with a
did-you-mean. Shared by the cross-checks and the error location."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

PathPart = str | int


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a checklist file, located and explained."""

    file: str
    path: tuple[PathPart, ...]
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    expected: str | None = None
    suggestion: str | None = None

    @property
    def dotted_path(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out or "(top level)"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        text = f"{where}: {self.dotted_path}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.suggestion:
            text += f"; did you mean '{self.suggestion}'?"
        return text


@dataclass
class ChecklistFileError(Exception):
    """The file cannot be used; `problems` lists everything found, in file order."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{self.file}: {n} problem{'s' if n != 1 else ''} in the checklist file"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a misspelt `word` most likely meant (the did-you-mean), or None."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None
