"""The PyInstaller bundle (build.spec) is built and its three jobs are smoke-tested:
the CLI with the shipped checklists, the central endpoint, and the web-mode app."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"),
         str(REPO / "build.spec")],
        cwd=REPO, check=True, timeout=900,
    )
    exe = out / "dist" / "hallcheck" / "hallcheck"
    assert exe.is_file() and os.access(exe, os.X_OK)
    return exe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(exe: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def started(bundle: Path, tmp_path: Path) -> Iterator[object]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([str(bundle), *args], start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env={**os.environ, "HALLCHECK_DATA_DIR": str(tmp_path)})
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _get_when_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 90) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"the bundled command exited with {proc.returncode}:\n{out}")
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.5)
    pytest.fail(f"nothing answered at {url} within {seconds} s")


def test_cli_runs_and_validates_the_bundled_checklists(bundle: Path) -> None:
    result = _run(bundle, "--help")
    assert result.returncode == 0 and "checklists" in result.stdout
    result = _run(bundle, "--lang", "en", "checklists", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mystery_shop_std" in result.stdout and "village" in result.stdout
    result = _run(bundle, "checklists", "show", "--kind", "mystery_shop", "--tier", "nosuch")
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr


def test_bundled_central_endpoint_serves_the_api(started, tmp_path: Path) -> None:
    port = _free_port()
    proc = started("server", "--port", str(port), "--data-dir", str(tmp_path / "server"))
    health = _get_when_up(f"http://127.0.0.1:{port}/api/v1/health", proc)
    assert health.status_code == 200 and health.json()
    openapi = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10)
    assert "/api/v1/inspections/{uuid}" in openapi.json()["paths"]


def test_bundled_app_serves_the_offline_web_ui(started) -> None:
    port = _free_port()
    proc = started("app", "--port", str(port))
    page = _get_when_up(f"http://127.0.0.1:{port}/", proc)
    assert page.status_code == 200 and "flutter" in page.text.lower()
    boot = httpx.get(f"http://127.0.0.1:{port}/flutter_bootstrap.js", timeout=10)
    assert boot.status_code == 200
