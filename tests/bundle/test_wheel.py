"""A wheel (`pip install .` without -e) carries what the app needs from the top level: the CJK
font (else Chinese renders as boxes), checklists.yaml and programme.yaml, inside `app`.

The wheel is built offline from a copy of the sources (no build isolation: the build tools
of this venv) and installed with --no-deps into a fresh virtualenv. The fresh venv borrows
this venv's third-party libraries through a plain path entry (no .pth file of this venv is
run there, so its editable `app` is not visible), so everything of ours comes from the
installed wheel, which the tests check before anything else. Then, from a directory
outside the checkout: the installed paths, the `hallcheck` command on the shipped
checklists, a device workspace (migrations from the package) and the web app serving the
font. An sdist carries the same files, so a wheel built from it does too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
FONT = "assets/fonts/NotoSansSC-Regular.otf"
SOURCES = ("app", "assets", "tools", "checklists.yaml", "programme.yaml", "pyproject.toml",
           "README.md", "setup.cfg")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_sources(dest: Path) -> Path:
    """The sources a build needs, without caches (the checkout itself stays untouched)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for name in SOURCES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def _build_wheel(src: Path, out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "--no-index", "-w", str(out), str(src)],
                   check=True, timeout=300, capture_output=True)
    (wheel,) = out.glob("hallcheck-*.whl")
    return wheel


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    return _build_wheel(_copy_sources(root / "src"), root / "dist")


@pytest.fixture(scope="module")
def venv(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed (not editable) and nothing else of ours."""
    home = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True,
                   timeout=120)
    python = home / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(built)], check=True, timeout=300,
                   capture_output=True)
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    # third-party libraries from this venv: a plain path line, so none of its .pth files
    # (the editable install's finder among them) runs in the fresh venv
    (site / "zz_borrowed_libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return home


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HALLCHECK_DATA_DIR=str(tmp / "data"), HALLCHECK_CACHE_DIR=str(tmp / "cache"),
               HOME=str(tmp))
    return env


def _python(venv: Path, code: str, tmp: Path) -> dict[str, str]:
    out = subprocess.run([str(venv / "bin" / "python"), "-I", "-c", code], cwd=tmp,
                         env=_env(tmp), capture_output=True, text=True, timeout=180,
                         check=False)
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_the_wheel_carries_the_font_and_the_rulebooks(built: Path) -> None:
    with zipfile.ZipFile(built) as wheel:
        names = set(wheel.namelist())
        for rel in (FONT, "assets/fonts/LICENSE-NotoSansCJK.txt", "assets/icon.png",
                    "checklists.yaml", "programme.yaml"):
            assert f"app/{rel}" in names, rel
            assert wheel.read(f"app/{rel}") == (REPO / rel).read_bytes(), rel
        assert "app/store/migrations/versions/0001_initial_schema.py" in names
        assert not any(n.startswith(("tools/", "tests/", "assets/")) for n in names)
    assert (REPO / FONT).is_file()  # the top-level assets/ stays where the product has it


def test_the_installed_app_finds_its_files_inside_the_package(venv: Path,
                                                              tmp_path: Path) -> None:
    found = _python(venv, """if True:
        import json, app
        from app.views.theme import assets_dir as views_assets
        from app.console.theme import font_path
        from app.checklists import default_checklists_path
        from app.programme.rules_loader import default_programme_path
        print(json.dumps({"app": app.__file__, "views": str(views_assets()),
                          "font": str(font_path()), "checklists": str(default_checklists_path()),
                          "programme": str(default_programme_path())}))
    """, tmp_path)
    package = Path(found["app"]).parent
    assert package.parent.name == "site-packages" and package.is_relative_to(venv), package
    assert not package.is_relative_to(REPO)
    assert Path(found["views"]) == package / "assets"
    assert Path(found["font"]) == package / FONT and _sha(Path(found["font"])) == _sha(REPO / FONT)
    assert Path(found["checklists"]) == package / "checklists.yaml"
    assert _sha(Path(found["checklists"])) == _sha(REPO / "checklists.yaml")
    assert Path(found["programme"]) == package / "programme.yaml"


def test_the_installed_command_reads_the_shipped_checklists(venv: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    checked = subprocess.run([str(venv / "bin" / "hallcheck"), "checklists", "validate"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
                             check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "site-packages/app/checklists.yaml" in checked.stdout + checked.stderr
    opened = _python(venv, """if True:
        import json
        from app.services import Workspace
        with Workspace.open() as ws:
            print(json.dumps({"tiers": sorted(ws.catalog.tiers), "db": str(ws.paths.db)}))
    """, tmp_path)
    assert "flagship" in opened["tiers"] and Path(opened["db"]).is_file()  # migrated


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serving(args: list[str], tmp: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(args, cwd=tmp, env=_env(tmp), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _get_when_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"the installed command exited with {proc.returncode}:\n{out}")
        with contextlib.suppress(httpx.TransportError):
            return httpx.get(url, timeout=5)
        time.sleep(0.5)
    pytest.fail(f"nothing answered at {url}")


def test_the_installed_web_app_serves_the_cjk_font(venv: Path, tmp_path: Path) -> None:
    port = _free_port()
    with _serving([str(venv / "bin" / "hallcheck"), "app", "--web", "--port", str(port)],
                  tmp_path) as proc:
        font = _get_when_up(f"http://127.0.0.1:{port}/fonts/NotoSansSC-Regular.otf", proc)
    assert font.status_code == 200
    assert hashlib.sha256(font.content).hexdigest() == _sha(REPO / FONT)


def test_a_wheel_built_from_the_sdist_carries_them_too(tmp_path: Path) -> None:
    src = _copy_sources(tmp_path / "src")
    subprocess.run([sys.executable, "-c",
                    "from setuptools import build_meta as b; b.build_sdist('sdist')"],
                   cwd=src, check=True, timeout=300, capture_output=True)
    (archive,) = (src / "sdist").glob("hallcheck-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    assert (unpacked / FONT).is_file() and (unpacked / "tools" / "package_assets.py").is_file()
    wheel = _build_wheel(unpacked, tmp_path / "dist")
    with zipfile.ZipFile(wheel) as whl:
        assert whl.read(f"app/{FONT}") == (REPO / FONT).read_bytes()
        assert whl.read("app/checklists.yaml") == (REPO / "checklists.yaml").read_bytes()


def test_a_build_without_the_font_fails_loudly(tmp_path: Path) -> None:
    src = _copy_sources(tmp_path / "src")
    (src / FONT).unlink()
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _build_wheel(src, tmp_path / "dist")
    assert b"NotoSansSC-Regular.otf missing" in failed.value.stderr + failed.value.stdout
