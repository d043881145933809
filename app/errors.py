"""Errors that reach a user: a message key plus parameters, rendered in the user's language.

Anything a person can cause or fix (bad input, a missing answer, a refused photo, a lost
enrolment) is raised as a UserError; the views and the CLI show `message()` and never a
traceback. Anything else is a bug, shown as `error.unexpected` and logged.
"""

from __future__ import annotations

from app.i18n import t


class UserError(Exception):
    """A problem explained to the user: what happened and what to do."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")
