"""Build hooks (setuptools `cmdclass` in pyproject.toml): ship the top-level data inside the
`app` package.

The repo keeps `assets/` (the CJK font, the icon), `checklists.yaml` and `programme.yaml` at
its top level, where people edit them and where `flet build` and a source checkout find
them. An installed package cannot reach outside itself, so a wheel (`pip install .`
without -e) copies them to `app/assets/`, `app/checklists.yaml` and `app/programme.yaml`,
the places the runtime looks second (after the checkout's top level): see
`app.views.theme.assets_dir`, `app.checklists.default_checklists_path` and
`app.programme.rules_loader.default_programme_path`. An sdist carries the top-level
originals, so a wheel built from it gets the same copies.

A missing file fails the build: a package without its font renders Chinese as boxes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parents[1]
#: top-level path -> where it goes inside the `app` package
SHIPPED = {
    "assets": "assets",
    "checklists.yaml": "checklists.yaml",
    "programme.yaml": "programme.yaml",
}
REQUIRED = ("assets/fonts/NotoSansSC-Regular.otf", "checklists.yaml", "programme.yaml")


def _check(root: Path) -> None:
    missing = [name for name in REQUIRED if not (root / name).is_file()]
    if missing:
        raise SystemExit(f"cannot package hallcheck: {', '.join(missing)} missing in {root}")


def _files(root: Path) -> list[Path]:
    """Every shipped file under `root`, relative to it."""
    out: list[Path] = []
    for name in SHIPPED:
        path = root / name
        if path.is_dir():
            out += sorted(p.relative_to(root) for p in path.rglob("*") if p.is_file()
                          and "__pycache__" not in p.parts)
        else:
            out.append(Path(name))
    return out


class BuildPy(build_py):
    """build_py, plus the top-level data copied into the built `app` package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout itself
        _check(ROOT)
        target = Path(self.build_lib) / "app"
        for rel in _files(ROOT):
            inside = Path(SHIPPED[rel.parts[0]]).joinpath(*rel.parts[1:])
            dest = target / inside
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, dest)


class Sdist(sdist):
    """sdist, plus the top-level data and this file (so its wheel can be built)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        _check(ROOT)
        extra = [str(rel) for rel in _files(ROOT)]
        extra.append(str(Path(__file__).resolve().relative_to(ROOT)))
        super().make_release_tree(base_dir, sorted(set(files) | set(extra)))
