"""What is wrong with a checklist file, as an author reads it: located, explained, with a
did-you-mean. Shared by the cross-checks and the error location.

Every sentence goes through the translation layer (`say`, keys `checklists.problem.*`),
in the language of the run (`hallcheck --lang en checklists validate`; zh by default):
a problem is worded when it is found, its framing ("expected", "did you mean") when it is
printed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.i18n import t

PathPart = str | int


def say(key: str, /, **params: object) -> str:
    """A checklist author's message `checklists.problem.<key>` in the current language."""
    return t(f"checklists.problem.{key}", **params)


def one_of(names: Iterable[str]) -> str:
    """"one of a, b, c" (what an `expected` says for a closed list)."""
    return say("one_of", names=", ".join(names))


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
        return out or say("top_level")

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        text = f"{where}: {self.dotted_path}: {self.message}"
        if self.expected:
            text += say("expected", expected=self.expected)
        if self.suggestion:
            text += say("did_you_mean", word=self.suggestion)
        return text


@dataclass
class ChecklistFileError(Exception):
    """The file cannot be used; `problems` lists everything found, in file order."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        n = len(self.problems)
        head = say("head_one" if n == 1 else "head", file=self.file, n=n)
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a misspelt `word` most likely meant (the did-you-mean), or None."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None
