"""Reproducible installs: `make run`/`make test` (and so CI) install requirements/*.txt, not
whatever the index holds that day, so the lock must cover pyproject.toml exactly.

A dependency added to pyproject.toml but not locked would be missing from a fresh clone's
.venv; a lower bound below the locked version would promise a version no test ran on.
Fix either with `make lock` (and raise the bound to the locked version).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _lock(name: str) -> dict[str, str]:
    """package -> locked version; every pin carries hashes (pip --require-hashes)."""
    text = (REPO / "requirements" / name).read_text(encoding="utf-8")
    pins: dict[str, str] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            pins[canonicalize_name(match.group(1))] = match.group(2)
    assert pins, name
    return pins


def _requirements(*extras: str) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [r for r in map(Requirement, lines) if r.name != project["name"]]


def _check(lock: dict[str, str], requirements: list[Requirement]) -> list[str]:
    problems = []
    for req in requirements:
        locked = lock.get(canonicalize_name(req.name))
        if locked is None:
            problems.append(f"{req}: not in the lock (run `make lock`)")
        elif locked not in req.specifier:
            problems.append(f"{req}: the lock has {locked} (run `make lock`)")
        else:
            lows = [s.version for s in req.specifier if s.operator in (">=", "==")]
            if lows != [locked]:
                problems.append(f"{req}: lower bound should be the tested (locked) {locked}")
    return problems


def test_the_dev_lock_covers_every_dependency_at_its_lower_bound() -> None:
    problems = _check(_lock("dev.txt"), _requirements("server", "dev"))
    assert not problems, "\n".join(problems)


def test_the_run_lock_is_the_app_and_server_at_the_tested_versions() -> None:
    run, dev = _lock("run.txt"), _lock("dev.txt")
    problems = _check(run, _requirements("server"))
    assert not problems, "\n".join(problems)
    assert {name: v for name, v in run.items() if dev.get(name) != v} == {}, "one tested set"
    assert "pytest" not in run and "ruff" not in run


def test_the_test_tools_are_pinned_exactly() -> None:
    dev = {canonicalize_name(r.name): str(r.specifier) for r in _requirements("dev")}
    for tool in ("ruff", "mypy", "import-linter"):
        assert dev[tool].startswith("=="), tool
