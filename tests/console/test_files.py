"""The console's signed file route and its mount beside the API, against a real server.

A ticket is made in this process with the server's own key (from its data directory),
exactly as the console makes them; the server process checks it.
"""

from __future__ import annotations

import time

import httpx
import pytest

from app.console.files import ConsoleFiles, Signer, Ticket

from .office import REVIEWER, Office


def test_signer_refuses_forged_altered_and_expired_tickets() -> None:
    now = [1_000_000.0]
    signer = Signer(b"k" * 32, clock=lambda: now[0])
    ticket = Ticket("photo", "a" * 64, "li.review")
    token = signer.sign(ticket, ttl_s=60)
    assert signer.verify(token) == ticket
    body, mac = token.split(".")
    assert signer.verify(body + "." + "0" * 32) is None
    assert signer.verify(body[:-2] + "xx." + mac) is None
    assert Signer(b"other key" * 4, clock=lambda: now[0]).verify(token) is None
    assert signer.verify("") is None and signer.verify("no-dot") is None
    now[0] += 61
    assert signer.verify(token) is None


@pytest.fixture(scope="module")
def photo_hash(office: Office) -> str:
    from app.central import review

    uuid = office.veto_visit()
    assert office.sync().sent == 1
    return review.result_view(office.ctx, office.reviewer(), uuid).vetoes[0].photos[0]


def _get(office: Office, path: str) -> httpx.Response:
    return httpx.get(f"{office.server.url}/console/{path}", timeout=10)


def test_photo_thumbnail_and_refusals(office: Office, photo_hash: str) -> None:
    files = ConsoleFiles(office.ctx)
    full = _get(office, files.photo_url(REVIEWER, photo_hash))
    assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
    assert full.content == b"".join(office.ctx.photos.open_chunks(photo_hash))
    thumb = _get(office, files.thumb_url(REVIEWER, photo_hash))
    assert thumb.status_code == 200 and 0 < len(thumb.content) < len(full.content)
    import io

    from PIL import Image

    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 320
    # forged, for an unknown account, for a photo the server does not hold
    forged = files.photo_url(REVIEWER, photo_hash)[:-4] + "0000"
    assert _get(office, forged).status_code == 403
    assert _get(office, files.photo_url("nobody", photo_hash)).status_code == 403
    missing = _get(office, files.photo_url(REVIEWER, "b" * 64))
    assert missing.status_code == 404 and "请重新导出" in missing.json()["message"]
    refused = _get(office, forged)
    assert "链接已失效" in refused.json()["message"]  # a sentence, not a code


def test_a_disabled_account_loses_its_links(office: Office, photo_hash: str) -> None:
    from app.central import accounts

    accounts.add_manager(office.ctx, "temp.review", "临时", "reviewer", "temporary pass 1")
    files = ConsoleFiles(office.ctx)
    url = files.photo_url("temp.review", photo_hash)
    assert _get(office, url).status_code == 200
    accounts.disable_manager(office.ctx, "temp.review")
    assert _get(office, url).status_code == 403


def test_download_of_an_export(office: Office) -> None:
    files = ConsoleFiles(office.ctx)
    path = files.new_export_path("csv")
    path.write_bytes("\ufeff门店\nA\n".encode())
    r = _get(office, files.download_url(REVIEWER, path.name, "检查结果-1.csv"))
    assert r.status_code == 200 and r.content == path.read_bytes()
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%A3%80" in r.headers["content-disposition"]
    assert r.headers["cache-control"] == "no-store"
    path.unlink()
    assert _get(office, files.download_url(REVIEWER, path.name, "x.csv")).status_code == 404


def test_exports_are_swept_after_an_hour(office: Office) -> None:
    files = ConsoleFiles(office.ctx)
    path = files.new_export_path("pdf")
    path.write_bytes(b"%PDF")
    files.sweep(now=time.time() + 30 * 60)
    assert path.exists()
    files.sweep(now=time.time() + 2 * 3600)
    assert not path.exists()


def test_console_is_mounted_beside_the_api(office: Office) -> None:
    page = httpx.get(f"{office.server.url}/console/", timeout=10)
    assert page.status_code == 200
    assert '<base href="/console/">' in page.text
    assert httpx.get(f"{office.server.url}/console", timeout=10,
                     follow_redirects=False).status_code in (301, 302, 307, 308)
    assert httpx.get(f"{office.server.url}/api/v1/health", timeout=10).json()["status"] == "ok"
    font = httpx.get(f"{office.server.url}/console/fonts/NotoSansSC-Regular.otf", timeout=10)
    assert font.status_code == 200 and len(font.content) > 1_000_000  # the theme font, local



def test_tickets_never_reach_the_access_log(office: Office, photo_hash: str) -> None:
    from sync.helpers import wait_until

    url = ConsoleFiles(office.ctx).thumb_url(REVIEWER, photo_hash)
    assert _get(office, url).status_code == 200
    ticket = url.removeprefix("files/")
    wait_until(lambda: "GET /console/files/… HTTP/1.1\" 200" in office.server.log_text(),
               what="the access log line")
    assert ticket not in office.server.log_text()
