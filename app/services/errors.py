"""Errors the services raise beyond plain `UserError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.errors import UserError
from app.i18n import t


class FinaliseBlocked(UserError):
    """Finalising was refused: `problems` lists every missing thing at once.

    Each problem is an `app.checklists.evaluation.Missing` (item, reason code,
    `message(lang)`); `message()` renders the heading and one line per problem.
    """

    def __init__(self, problems: Sequence[Any]) -> None:
        super().__init__("services.finalise_blocked", count=len(problems))
        self.problems = list(problems)

    def message(self, lang: str | None = None) -> str:
        lines = [t(self.key, lang, **self.params)]
        lines += [f"• {_problem_text(p, lang)}" for p in self.problems]
        return "\n".join(lines)


def _problem_text(problem: Any, lang: str | None) -> str:
    render = getattr(problem, "message", None)
    return str(render(lang)) if callable(render) else str(problem)
