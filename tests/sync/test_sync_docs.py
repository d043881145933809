"""docs/api.md writes the API down: its route table must be exactly what the server serves."""

from __future__ import annotations

import re

import httpx

from .helpers import REPO, ServerProcess

ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE)` \| `(/api/v1/[^`]*)` \|", re.M)


def documented_routes() -> set[tuple[str, str]]:
    return set(ROW.findall((REPO / "docs" / "api.md").read_text(encoding="utf-8")))


def test_documented_routes_are_the_served_routes(sqlite_server: ServerProcess) -> None:
    doc = httpx.get(f"{sqlite_server.url}/api/v1/openapi.json").json()
    served = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    documented = documented_routes()
    assert documented, "no route table found in docs/api.md"
    assert served - documented == set(), "served but not documented"
    assert documented - served == set(), "documented but not served"
