"""What the console's browser fetches over plain HTTP: photos, thumbnails and exports.

A Flet page talks to the server over its websocket, but an image or a download is an HTTP
request the browser makes on its own, without the console session. So every such URL is a
short-lived signed ticket (`/console/files/<ticket>`): the console issues one only after the
session's manager was allowed to see the thing (the result page was shown to them, the
export was built for them), and the route checks the signature, the expiry and that the
account is still active. A ticket names no session token (tokens never appear in URLs or
logs); the HMAC key lives in the server's data directory, so every worker accepts it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response, StreamingResponse

from app.central import keyfile
from app.central.context import ServerContext
from app.i18n import t

log = logging.getLogger("hallcheck.console")

FILES_PREFIX = "/console/files"
PHOTO_TTL_S = 30 * 60  # a result page stays open a while; its images must keep loading
DOWNLOAD_TTL_S = 5 * 60
THUMB_EDGE = 320
EXPORT_KEEP_S = 60 * 60  # built exports are deleted after an hour
_TICKET = r"^[A-Za-z0-9_-]{8,600}\.[0-9a-f]{32}$"
_FILE_ID = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx|pdf)$")
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf"}


@dataclass(frozen=True)
class Ticket:
    kind: str  # photo | thumb | export
    key: str  # a photo's sha256 or an export's file id
    username: str
    filename: str | None = None


class Signer:
    """HMAC-SHA256 tickets: what, for whom, until when."""

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._clock = clock

    def sign(self, ticket: Ticket, ttl_s: float) -> str:
        payload = {"k": ticket.kind, "i": ticket.key, "u": ticket.username,
                   "e": int(self._clock() + ttl_s)}
        if ticket.filename:
            payload["n"] = ticket.filename
        raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        body = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        return f"{body}.{self._mac(body)}"

    def verify(self, token: str) -> Ticket | None:
        """The ticket, or None when forged, altered or expired."""
        body, _, mac = token.partition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            payload = json.loads(raw)
            if int(payload["e"]) < self._clock():
                return None
            return Ticket(str(payload["k"]), str(payload["i"]), str(payload["u"]),
                          payload.get("n"))
        except (ValueError, KeyError, TypeError):
            return None

    def _mac(self, body: str) -> str:
        return hmac.new(self._secret, body.encode(), hashlib.sha256).hexdigest()[:32]


def load_secret(data_dir: Path) -> bytes:
    """The server's ticket key (made once, readable by the server's user only)."""
    return keyfile.read_or_make(data_dir / "console-secret", lambda: secrets.token_bytes(32),
                                valid=lambda data: len(data) >= 32)


class ConsoleFiles:
    """The console's file side: tickets, the export directory, the thumbnail cache."""

    def __init__(self, ctx: ServerContext, signer: Signer | None = None) -> None:
        self.ctx = ctx
        self.signer = signer or Signer(load_secret(ctx.settings.data_dir))
        self.exports_dir = ctx.settings.data_dir / "console-exports"
        self.thumbs_dir = ctx.settings.data_dir / "console-thumbs"
        self.exports_dir.mkdir(parents=True, exist_ok=True)
        self.thumbs_dir.mkdir(parents=True, exist_ok=True)

    # -- URLs the console hands to the browser (relative: the page's base is /console/)
    def photo_url(self, username: str, sha256: str) -> str:
        return "files/" + self.signer.sign(Ticket("photo", sha256, username), PHOTO_TTL_S)

    def thumb_url(self, username: str, sha256: str) -> str:
        return "files/" + self.signer.sign(Ticket("thumb", sha256, username), PHOTO_TTL_S)

    def download_url(self, username: str, file_id: str, filename: str) -> str:
        return "files/" + self.signer.sign(Ticket("export", file_id, username, filename),
                                           DOWNLOAD_TTL_S)

    # -- exports on disk
    def new_export_path(self, ext: str) -> Path:
        """A fresh file for an export being built (old ones are swept first)."""
        self.sweep()
        return self.exports_dir / f"{secrets.token_hex(16)}.{ext}"

    def sweep(self, now: float | None = None) -> None:
        cutoff = (now or time.time()) - EXPORT_KEEP_S
        for f in self.exports_dir.glob("*"):
            try:
                if f.stat().st_mtime < cutoff:
                    f.unlink()
            except FileNotFoundError:
                continue

    # -- photos
    def photo_bytes(self, sha256: str) -> bytes:
        return b"".join(self.ctx.photos.open_chunks(sha256))

    def thumbnail(self, sha256: str) -> bytes | None:
        """A small JPEG of the photo (cached), or None when the bytes are not an image."""
        cached = self.thumbs_dir / f"{sha256}.jpg"
        if cached.is_file():
            return cached.read_bytes()
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(self.photo_bytes(sha256))) as opened:
                opened.draft("RGB", (THUMB_EDGE, THUMB_EDGE))
                im = opened.convert("RGB")
                im.thumbnail((THUMB_EDGE, THUMB_EDGE))
                out = io.BytesIO()
                im.save(out, "JPEG", quality=80)
        except (UnidentifiedImageError, OSError, ValueError):
            return None
        data = out.getvalue()
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
        return data


def _still_active(ctx: ServerContext, username: str) -> bool:
    from app.central import accounts

    try:
        return accounts.get_manager(ctx, username).active
    except accounts.NotFound:
        return False


def _refused(request: Request, status: int, key: str) -> JSONResponse:
    lang = request.headers.get("accept-language", "zh")[:2]
    return JSONResponse({"error": "not_found" if status == 404 else "forbidden",
                         "message": t(key, lang)}, status_code=status)


def install_routes(app: FastAPI, files: ConsoleFiles) -> None:
    """GET /console/files/<ticket> (add before the console's own mount at /console)."""
    ctx = files.ctx

    @app.get(FILES_PREFIX + "/{ticket}", include_in_schema=False)
    def console_file(request: Request,
                     ticket: str = PathParam(pattern=_TICKET, max_length=700)) -> Response:
        """A photo, thumbnail or export for a console user (signed, short-lived)."""
        found = files.signer.verify(ticket)
        if found is None or not _still_active(ctx, found.username):
            return _refused(request, 403, "console.files.expired")
        if found.kind in ("photo", "thumb"):
            return _photo(request, files, found)
        if found.kind == "export" and _FILE_ID.match(found.key):
            path = files.exports_dir / found.key
            if path.is_file():
                return _download(path, found.filename or found.key)
        return _refused(request, 404, "console.files.gone")


def _photo(request: Request, files: ConsoleFiles, ticket: Ticket) -> Response:
    if not re.fullmatch(r"[0-9a-f]{64}", ticket.key) or not files.ctx.photos.exists(ticket.key):
        return _refused(request, 404, "console.files.gone")
    headers = {"Cache-Control": "private, max-age=1800", "ETag": f'"{ticket.key}"'}
    if ticket.kind == "thumb":
        data = files.thumbnail(ticket.key)
        if data is None:
            return _refused(request, 404, "console.files.not_image")
        return Response(data, media_type="image/jpeg", headers=headers)
    size = files.ctx.photos.size(ticket.key)
    headers["Content-Length"] = str(size)
    return StreamingResponse(files.ctx.photos.open_chunks(ticket.key), media_type="image/jpeg",
                             headers=headers)


def _download(path: Path, filename: str) -> Response:
    ext = path.suffix.lstrip(".")
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename) or f"export.{ext}"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as fh:
            while chunk := fh.read(256 * 1024):
                yield chunk

    return StreamingResponse(chunks(), media_type=MEDIA.get(ext, "application/octet-stream"),
                             headers={"Content-Disposition": disposition,
                                      "Content-Length": str(path.stat().st_size),
                                      "Cache-Control": "no-store"})

