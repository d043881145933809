"""The device sends its language (Accept-Language) on every request, so a refusal the
server words reaches the user in the app's language, against a real server process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from app.sync import client_store
from app.sync.client import SyncClient

from .helpers import ServerProcess, add_outlets, enrol_device, fast_policy, finished_inspection
from .helpers import open_device as _open_device


@pytest.fixture
def device(tmp_path: Path, sqlite_server: ServerProcess) -> Iterator[Any]:
    ws = _open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001")
    enrol_device(ws, sqlite_server)
    yield ws
    ws.close()


def _refused_reason(ws: Any) -> str:
    """Sync one inspection the server must refuse (filed under another device's id, as a
    data dir copied from another enrolment would) and return the reason the user sees."""
    uuid = finished_inspection(ws, "HALL-001")
    with ws.store.writing() as s:
        client_store._put(s, client_store.KEY_DEVICE_ID, "dev-someone-else")
    with SyncClient.for_workspace(ws, policy=fast_policy()) as client:
        report = client.run()
    assert [u for u, _ in report.rejected] == [uuid]
    summary = ws.inspections.summary(uuid)
    assert summary.sync_state == "rejected" and summary.sync_error
    return str(summary.sync_error)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_a_refusal_reaches_the_user_in_chinese_by_default(device: Any) -> None:
    assert device.settings.language == "zh"
    assert _has_chinese(_refused_reason(device))


def test_a_refusal_reaches_the_user_in_english_when_the_app_is_in_english(device: Any) -> None:
    device.settings.set_language("en")
    reason = _refused_reason(device)
    assert not _has_chinese(reason), reason
    assert "device" in reason.lower()


class _Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get("Accept-Language"))
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("lang", "header"), [("en", "en"), ("zh", "zh-CN")])
def test_every_request_carries_the_language(device: Any, lang: str, header: str) -> None:
    """Whatever the request (probe, pull, push), it says the language; here a server that
    answers 503 to everything, so the client goes through its retries."""
    device.settings.set_language(lang)
    _Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}"
        with SyncClient.for_workspace(device, url, policy=fast_policy(max_total=2.0)) as c:
            c.run()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert _Recorder.seen and set(_Recorder.seen) == {header}
