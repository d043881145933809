"""Routes of the two Flet UIs, the field app and the managers' console: '/path?key=value'.

Both shells keep where the user is as a route string (the browser shows it, back and forward
replay it), so both split and build routes the same way, here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


def split_route(route: str) -> tuple[str, dict[str, str]]:
    """'/result/x/?tab=a' -> ('/result/x', {'tab': 'a'}); an empty route is '/'."""
    parts = urlsplit(route or "/")
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return path, dict(parse_qsl(parts.query))


def make_route(path: str, **query: Any) -> str:
    """A route with its query; empty values (None, '') are left out."""
    q = {k: str(v) for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(q)}" if q else path
