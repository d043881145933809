"""Errors the API answers with: a status, a stable code and a message key (zh and en)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, key: str, /, *,
                 extra: dict[str, Any] | None = None, **params: object) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.key = key
        self.params = params
        self.extra = extra or {}


def unauthorized(key: str = "sync.api.unauthorized") -> ApiError:
    return ApiError(401, "unauthorized", key)


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", "sync.api.forbidden")


def not_found(key: str = "sync.api.not_found", **params: object) -> ApiError:
    return ApiError(404, "not_found", key, **params)
