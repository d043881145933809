"""The PyInstaller bundle (build.spec) is built and its three jobs are smoke-tested through
their Python side, not only their files: the CLI validates and scores with the shipped
checklists (the same numbers as the source), the central endpoint answers and refuses a bad
enrolment in the asked language (FastAPI, its database, i18n), and the web-mode app runs
`main(page)` for a real websocket session: the first-run screen arrives and the device's
database is created."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgpack
import pytest
from websockets.sync.client import connect

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


def test_bundled_cli_scores_like_the_source(bundle: Path, tmp_path: Path) -> None:
    """The bundled scoring code gives the numbers the source gives, veto included."""
    from app.checklists import Catalog, ItemType, Kind, default_checklists_path
    from app.checklists.scoring import score

    catalog = Catalog.from_file(default_checklists_path())
    checklist = catalog.resolve(Kind.MYSTERY_SHOP, "flagship")
    yes_no = [i for i in checklist.items.values()
              if i.type is ItemType.YES_NO and not i.conditions]
    veto = next(i for i in yes_no if i.veto is not None)
    answers = {i.id: i.pass_if for i in yes_no}  # every plain yes/no passes ...
    answers[veto.id] = not veto.pass_if  # ... but one veto item
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    result = _run(bundle, "--lang", "en", "checklists", "score", "--kind", "mystery_shop",
                  "--tier", "flagship", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout)
    expected = score(checklist, answers)
    assert out["total"] == expected.total
    assert [v["item"] for v in out["vetoes"]] == [veto.id]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = _run(bundle, "--lang", "en", "checklists", "score", "--kind", "mystery_shop",
                  "--tier", "flagship", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    assert "bad.json" in result.stderr


def test_bundled_central_endpoint_serves_the_api(started, tmp_path: Path) -> None:
    port = _free_port()
    data = tmp_path / "server"
    proc = started("server", "--port", str(port), "--data-dir", str(data))
    health = _get_when_up(f"http://127.0.0.1:{port}/api/v1/health", proc)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    openapi = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10)
    assert "/api/v1/inspections/{uuid}" in openapi.json()["paths"]
    # a request that reaches its database and its messages: a bad code, refused in plain
    # words in the language asked for, nothing stored
    enrol = {"code": "NOPE-NOPE", "device_name": "smoke", "platform": "linux"}
    for lang, word in (("en", "enrolment code"), ("zh", "注册码")):
        refused = httpx.post(f"http://127.0.0.1:{port}/api/v1/enrol", json=enrol,
                             headers={"Accept-Language": lang}, timeout=10)
        assert refused.status_code == 401, refused.text
        assert word in refused.json()["message"]
    assert (data / "server.db").is_file()


# What Chromium's Flet client sends in REGISTER_CLIENT (see tests/views/harness.py).
_PAGE = {"route": "/", "pwa": False, "web": True, "debug": False, "wasm": True,
         "test": False, "multi_view": False, "pyodide": False,
         "platform_brightness": "light", "platform": "linux", "width": 390.0,
         "height": 844.0, "window": {},
         "media": {"padding": dict.fromkeys(("top", "right", "bottom", "left"), 0.0),
                   "view_padding": dict.fromkeys(("top", "right", "bottom", "left"), 0.0),
                   "view_insets": dict.fromkeys(("top", "right", "bottom", "left"), 0.0),
                   "device_pixel_ratio": 1.0, "orientation": "portrait",
                   "always_use_24_hour_format": False}}


def test_bundled_app_runs_its_screens_for_a_browser(started, tmp_path: Path) -> None:
    from app.i18n import t

    port = _free_port()
    proc = started("app", "--port", str(port))
    page = _get_when_up(f"http://127.0.0.1:{port}/", proc)
    assert page.status_code == 200 and "flutter" in page.text.lower()
    boot = httpx.get(f"http://127.0.0.1:{port}/flutter_bootstrap.js", timeout=10)
    assert boot.status_code == 200
    # the CJK font, from inside the bundled package (else Chinese renders as boxes)
    font = httpx.get(f"http://127.0.0.1:{port}/fonts/NotoSansSC-Regular.otf", timeout=10)
    assert font.content == (REPO / "assets" / "fonts" / "NotoSansSC-Regular.otf").read_bytes()
    # the websocket session a browser opens: the bundled Python builds the first screen
    want = [t(key, "zh").encode() for key in ("views.setup.title", "views.setup.done")]
    seen = b""
    with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=20, max_size=None) as ws:
        ws.send(b"\x00" + msgpack.packb(
            [1, {"session_id": "", "page_name": "", "page": _PAGE}]))  # REGISTER_CLIENT
        deadline = time.monotonic() + 60
        while not all(w in seen for w in want) and time.monotonic() < deadline:
            seen += ws.recv(timeout=30)
    assert all(w in seen for w in want), f"no first-run screen in {len(seen)} bytes"
    assert (tmp_path / "hallcheck.db").is_file()  # the device's data opened and migrated
