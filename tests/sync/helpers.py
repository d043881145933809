"""Real processes for the sync tests: the central endpoint, a throwaway PostgreSQL cluster,
and builders for what a device uploads.

Nothing here mocks the database or the network: the server is `python -m app server` on a
free loopback port, PostgreSQL is a real cluster made with initdb/pg_ctl in a temp dir.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHECKLISTS = FIXTURES / "checklists.yaml"
PG_URL_ENV = "HALLCHECK_TEST_PG_URL"  # an admin URL of a server CI started (optional)
TZ_CN = timezone(timedelta(hours=8))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Any, timeout: float = 30.0, interval: float = 0.05,
               what: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy (a readiness wait, not a timing
    assertion: the timeout only bounds a hung test)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(interval)


# --- the central endpoint as a real process ------------------------------------------------


class ServerProcess:
    """`python -m app server` on 127.0.0.1; can be killed and restarted on the same port."""

    def __init__(self, data_dir: Path, database_url: str | None = None, *,
                 port: int | None = None, checklists: Path | None = CHECKLISTS,
                 env: dict[str, str] | None = None, tls: tuple[Path, Path, Path] | None = None
                 ) -> None:
        self.data_dir = Path(data_dir)
        self.database_url = database_url
        self.port = port or free_port()
        self.checklists = checklists
        self.env = env or {}
        self.tls = tls  # (certificate, key, the CA that signed it)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-server.log"
        self.starts = 0

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def verify(self) -> Any:
        import ssl

        return ssl.create_default_context(cafile=str(self.tls[2])) if self.tls else True

    def start(self, timeout: float = 60.0) -> ServerProcess:
        cmd = [sys.executable, "-m", "app", "server", "--port", str(self.port),
               "--data-dir", str(self.data_dir), "--log-level", "info"]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        if self.checklists:
            cmd += ["--checklists", str(self.checklists)]
        if self.tls:
            cmd += ["--ssl-certfile", str(self.tls[0]), "--ssl-keyfile", str(self.tls[1])]
        verify = self.verify
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        env.pop("HALLCHECK_DATABASE_URL", None)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n"
                                   + self.log_tail())
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1,
                             verify=verify).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError("server did not become ready:\n" + self.log_tail())
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush; what an OOM kill or a power cut does."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> ServerProcess:
        self.kill()
        return self.start()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    @cached_property
    def ctx(self) -> Any:
        """The server's database and photo store, opened in the test process (for admin
        operations and for checking what the server holds)."""
        from app.central.context import ServerContext
        from app.central.settings import ServerSettings

        return ServerContext(ServerSettings(data_dir=self.data_dir,
                                            database_url=self.database_url,
                                            checklists_path=self.checklists))

    def close(self) -> None:
        self.stop()
        if "ctx" in self.__dict__:
            self.ctx.close()

    # -- enrolment helpers --

    def enrol(self, inspector_id: str = "ms-001", role: str = "device",
              device_name: str = "test phone") -> Enrolled:
        from app.central import admin

        if inspector_id:
            admin.add_inspector(self.ctx, inspector_id, f"Inspector {inspector_id}")
        code, _ = admin.create_enrol_code(self.ctx, inspector_id if role == "device" else None,
                                          role=role)
        r = httpx.post(f"{self.url}/api/v1/enrol",
                       json={"code": code, "device_name": device_name},
                       verify=self.verify)
        r.raise_for_status()
        body = r.json()
        return Enrolled(self.url, body["device_id"], body["token"], body.get("inspector_id"),
                        code)

    def enrol_code(self, inspector_id: str = "ms-001") -> str:
        from app.central import admin

        admin.add_inspector(self.ctx, inspector_id, f"Inspector {inspector_id}")
        code, _ = admin.create_enrol_code(self.ctx, inspector_id)
        return code


@dataclass
class Enrolled:
    url: str
    device_id: str
    token: str
    inspector_id: str | None
    code: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=30, **kw)


# --- PostgreSQL: a throwaway cluster -------------------------------------------------------


def pg_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<N>/bin with initdb (Debian's layout), else PATH."""
    found = []
    for d in glob.glob("/usr/lib/postgresql/*/bin"):
        try:
            found.append((int(Path(d).parent.name.split(".")[0]), Path(d)))
        except ValueError:
            continue
    for _, d in sorted(found, reverse=True):
        if (d / "initdb").exists():
            return d
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgCluster:
    """initdb + pg_ctl in a temp dir, on a free port, listening on 127.0.0.1 only.

    initdb refuses to run as root, so as root every PostgreSQL command runs as the
    `postgres` system user (made by Debian's package) through `runuser`, and the temp dir
    is handed to that user. Durability settings are off: the cluster is thrown away.
    """

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.base = Path(tempfile.mkdtemp(prefix="hallcheck-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.prefix, *args], capture_output=True, text=True,
                                timeout=120, cwd=self.base)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}")

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        opts = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=300")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.base / "postgres.log"), "-w", "-t", "60", "-o", opts, "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def create_database(admin_url: str) -> str:
    """A new empty database on the server of `admin_url`; returns its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = "hc_" + secrets.token_hex(6)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


# --- what a device uploads -----------------------------------------------------------------


def photo_bytes(n: int = 1, size: int = 2048, seed: int = 0) -> list[bytes]:
    """`n` distinct blobs (random; the server stores photos as opaque bytes)."""
    import random

    rng = random.Random(seed)
    return [rng.randbytes(size) for _ in range(n)]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_upload(device_id: str, *, photos: list[bytes] = (), uuid: str | None = None,  # type: ignore[assignment]
                status: str = "finalized", seq: int = 1, inspector_id: str = "ms-001",
                outlet: str = "HALL-001", note: str | None = None, **over: Any
                ) -> dict[str, Any]:
    """A valid InspectionUpload as JSON (validated through the protocol model)."""
    from app.sync.protocol import InspectionUpload

    started = datetime(2025, 3, 1, 10, 0, tzinfo=TZ_CN) + timedelta(minutes=seq)
    body: dict[str, Any] = {
        "uuid": uuid or str(uuidlib.uuid4()), "device_id": device_id, "outlet_code": outlet,
        "kind": "mystery_shop", "tier": "flagship", "inspector_id": inspector_id,
        "checklist_id": "ms", "checklist_version": 1, "checklist_hash": "a" * 64,
        "created_seq": seq, "started_at": started.isoformat(),
        "finalized_at": (started + timedelta(minutes=20)).isoformat()
        if status == "finalized" else None,
        "status": status,
        "location_start": {"lat": 31.23, "lon": 121.47, "accuracy_m": 12.5},
        "score": {"total": 87.5, "complete": True, "detail": {
            "sections": [{"id": "conduct", "score": 30.0, "weight": 30}]}},
        "answers": [{"item_id": "uniform", "value": True},
                    {"item_id": "greet_seconds", "value": 8},
                    {"item_id": "comments", "value": "排队 3 分钟", "note": note}],
        "photos": [{"sha256": sha(p), "size": len(p), "item_id": "storefront",
                    "width": 1600, "height": 1200, "source": "camera"} for p in photos],
    }
    body.update(over)
    if "checklist_hash" not in over:  # the definition the server issues for it
        body["checklist_hash"] = issued_hash(body["kind"], body["tier"], body.get("phase"))
    return InspectionUpload.model_validate(body).model_dump(mode="json")


def issued_hash(kind: str, tier: str, phase: str | None = None,
                checklists: Path = CHECKLISTS) -> str:
    """The content hash of the definition a server with `checklists` issues."""
    return _catalog(checklists).resolve(kind, tier, phase).content_hash


@functools.cache
def _catalog(path: Path) -> Any:
    from app.checklists import Catalog

    return Catalog.from_file(path)


# --- a device: a real workspace (store + services) --------------------------------------------


def jpeg(seed: int, size: tuple[int, int] = (320, 240), quality: int = 85) -> bytes:
    """A real JPEG of random noise (noise does not compress: size ~ pixels)."""
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    w, h = size
    im = Image.frombytes("RGB", size, rng.randbytes(w * h * 3))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality)
    return out.getvalue()


def open_device(path: Path) -> Any:
    from app.services import Workspace

    return Workspace.open(path, checklists_path=CHECKLISTS)


def add_outlets(ws: Any, *codes: str, tier: str = "flagship") -> None:
    from app.services import OutletData

    for code in codes:
        ws.outlets.upsert(OutletData(code=code, name=f"Outlet {code}", tier=tier))


_visits_made: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
ROTATION = timedelta(days=93)  # a shopper may revisit an outlet after three months


def finished_inspection(ws: Any, outlet: str, photos: list[bytes] = (),  # type: ignore[assignment]
                        *, greet: int = 5, inspector_id: str | None = None) -> str:
    """Start, answer, attach photos (camera) and finalise one mystery shop.

    Each visit a device makes here happens a rotation period after its previous one
    (starting years ago), so one shopper may visit the same outlet again and again."""
    n = _visits_made.get(ws, 0)
    _visits_made[ws] = n + 1
    when = datetime.now(UTC) - 150 * ROTATION + n * ROTATION
    uuid = ws.inspections.start("mystery_shop", outlet, inspector_id,
                                location=(31.23, 121.47, 10.0), now=when)
    ws.inspections.answer(uuid, "uniform", True, now=when)
    ws.inspections.answer(uuid, "greet_seconds", greet, now=when)
    for data in photos:
        ws.inspections.attach_photo(uuid, "storefront", data, source="camera", now=when)
    ws.inspections.finalise(uuid, now=when + timedelta(minutes=20))
    return uuid


def enrol_device(ws: Any, server: ServerProcess, inspector_id: str = "ms-001") -> None:
    from app.sync.client import enrol

    enrol(ws, server.url, server.enrol_code(inspector_id), "test device")


def fast_policy(**kw: Any) -> Any:
    """Short waits and timeouts for tests (the loop bounds only keep a hung test short)."""
    from app.sync.client import RetryPolicy

    defaults = {"attempts": 3, "base": 0.05, "cap": 0.3, "max_total": 10.0,
                "connect_timeout": 2.0, "read_timeout": 5.0}
    return RetryPolicy(**{**defaults, **kw})


def server_inspections(server: ServerProcess) -> dict[str, Any]:
    """uuid -> stored row, straight from the server's database."""
    from sqlmodel import select

    from app.central.models import Inspection

    with server.ctx.session() as s:
        return {r.uuid: r for r in s.exec(select(Inspection)).all()}


def server_photos(server: ServerProcess) -> dict[str, int]:
    from sqlmodel import select

    from app.central.models import Photo

    with server.ctx.session() as s:
        return {p.sha256: p.size for p in s.exec(select(Photo)).all()}


def make_test_ca(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 signed by it (with the openssl tool).
    Returns (certificate, key, CA certificate)."""
    d = Path(directory)
    ext = d / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    steps = [
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
         "-subj", "/CN=hallcheck test CA"],
        ["req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", str(ext)],
    ]
    for step in steps:
        subprocess.run(["openssl", *step], cwd=d, check=True, capture_output=True, timeout=60)
    return d / "server.pem", d / "server.key", d / "ca.pem"
