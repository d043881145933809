"""Errors the API answers with: a status, a stable code and a message key (zh and en)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from app.i18n import normalise, t

Part = Callable[[str], str]  # one sentence of a message, in the language asked for
MAX_PARTS_SHOWN = 10


class ApiError(Exception):
    """A refusal: `status` and `code` for programs, `message(lang)` for people.

    `parts` are sentences worked out in the reader's language (an item named by its label,
    say); a param may be such a callable too (a role's name). Parts fill `{problems}`, at
    most MAX_PARTS_SHOWN of them, then a count of the rest. `headers` go on the response
    (Retry-After, Allow).
    """

    def __init__(self, status: int, code: str, key: str, /, *,
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                 parts: Sequence[Part] = (), **params: object) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.key = key
        self.params = params
        self.extra = extra or {}
        self.headers = headers or {}
        self.parts = list(parts)

    def message(self, lang: str | None = None) -> str:
        lang = normalise(lang)
        params = {k: v(lang) if callable(v) else v for k, v in self.params.items()}
        if self.parts:
            shown = [p(lang) for p in self.parts[:MAX_PARTS_SHOWN]]
            more = len(self.parts) - len(shown)
            if more:
                shown.append(t("sync.api.and_more", lang, count=more))
            params["problems"] = ("; " if lang == "en" else "；").join(shown)
        return t(self.key, lang, **params)


def unauthorized(key: str = "sync.api.unauthorized") -> ApiError:
    return ApiError(401, "unauthorized", key)


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "sync.api.forbidden")


def not_found(key: str = "sync.api.not_found", **params: Any) -> ApiError:
    return ApiError(404, "not_found", key, **params)
