"""The README's import graph is executable: `lint-imports` checks the contracts in
pyproject.toml, so an import across a forbidden layer turns the suite red.

Each contract is also shown to bite: a copy of `app/` with one forbidden import per contract
must break exactly those contracts (a contract that cannot fail guards nothing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# app/ modules the pure domain may import (leaves: they import nothing else of ours)
DOMAIN_MAY_IMPORT = {"i18n", "errors"}
DOMAIN = {"checklists", "programme"}


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the `app` package under `root` (a copy shadows the installed one)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(REPO / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)


def _verdicts(output: str) -> dict[str, str]:
    """contract name -> KEPT / BROKEN, from lint-imports' summary (names may wrap)."""
    flat = " ".join(output.split())
    verdicts = {}
    for contract in _contracts().values():
        name = " ".join(str(contract["name"]).split())
        match = re.search(re.escape(name) + r"\s*(KEPT|BROKEN)", flat)
        assert match, f"no verdict for {name!r} in:\n{output}"
        verdicts[str(contract["id"])] = match.group(1)
    return verdicts


def test_the_code_keeps_every_import_contract() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(_verdicts(result.stdout).values()) == {"KEPT"}


def test_the_contracts_name_every_part_of_app() -> None:
    """A new package in app/ (or a top-level module) must be placed: forbidden to the domain
    and the leaves, and on the device or the office side, or this fails."""
    parts = {p.stem for p in (REPO / "app").iterdir()
             if (p.is_dir() and (p / "__init__.py").exists())
             or (p.suffix == ".py" and p.stem not in {"__init__", "__main__"})}

    def ours(contract: str, field: str) -> set[str]:
        return {m.removeprefix("app.") for m in _contracts()[contract][field]
                if m.startswith("app.")}

    assert ours("pure-domain", "forbidden_modules") == parts - DOMAIN - DOMAIN_MAY_IMPORT
    assert ours("i18n-leaf", "forbidden_modules") == parts - {"i18n"}
    assert ours("errors-leaf", "forbidden_modules") == parts - DOMAIN_MAY_IMPORT
    assert ours("device-no-server-libs", "source_modules") == parts - {"central", "console", "cli"}


# One forbidden import per contract, each added to a package's __init__ (which outlives
# any split of the modules under it).
BREAKAGES = {
    "pure-domain": ("app/programme/__init__.py", "import sqlmodel"),
    "i18n-leaf": ("app/i18n/__init__.py", "import app.errors"),
    "errors-leaf": ("app/errors.py", "import app.checklists"),
    "device-no-server-libs": ("app/store/__init__.py", "import fastapi"),
    "entry-points-only": ("app/services/__init__.py", "import app.console"),
    "central": ("app/central/__init__.py", "import app.store"),
    "device-sync": ("app/sync/__init__.py", "import app.central"),
    "services": ("app/services/__init__.py", "import app.central"),
}


def test_each_contract_breaks_on_a_forbidden_import(tmp_path: Path) -> None:
    assert set(BREAKAGES) == set(_contracts()), "one breakage per contract"
    shutil.copytree(REPO / "app", tmp_path / "app",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for file, line in BREAKAGES.values():
        path = tmp_path / file
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n",
                        encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert _verdicts(result.stdout) == dict.fromkeys(BREAKAGES, "BROKEN"), result.stdout
    for file, line in BREAKAGES.values():  # and each report names the import
        module = file.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        assert module in result.stdout and line.split()[1] in result.stdout, (module, line)
