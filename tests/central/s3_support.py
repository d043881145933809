"""An S3 stand-in for the tests: moto's server mode as its own process on 127.0.0.1.

No S3 service can be installed on these machines, so the S3 photo store is tested over real
HTTP against `moto_server` (the same protocol MinIO, Ceph RGW and OSS speak), started here
and stopped at the end. `s3_env(server)` is the environment a server process (or boto3 in
this process) needs to reach it; the keys are made up, moto accepts any.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


class MotoServer:
    def __init__(self, log_dir: Path) -> None:
        from sync.helpers import free_port

        self.port = free_port()
        self.log_path = log_dir / f"moto-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        # a recognisable secret: tests check it never appears in a log
        self.secret = "moto-secret-" + secrets.token_hex(8)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL_S3": self.url, "AWS_ACCESS_KEY_ID": "hallcheck-test",
                "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_DEFAULT_REGION": "us-east-1"}

    def start(self, timeout: float = 60.0) -> MotoServer:
        exe = shutil.which("moto_server", path=str(Path(sys.executable).parent)) \
            or shutil.which("moto_server")
        if exe is None:
            raise RuntimeError("moto_server not found: install the dev extra (moto[server])")
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("moto_server exited:\n" + self.log_path.read_text()[-2000:])
            try:
                httpx.get(self.url + "/moto-api/", timeout=1)
                return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError("moto_server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def make_bucket(self, name: str | None = None) -> str:
        name = name or "hc-" + secrets.token_hex(6)
        with environ(self.env()):
            from app.central.photo_s3 import make_client

            make_client().create_bucket(Bucket=name)
        return name


@contextmanager
def environ(values: dict[str, str]) -> Iterator[None]:
    """`values` in os.environ for the block, the previous values back after it."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """An S3 stand-in (moto's server mode) on 127.0.0.1, one per test module."""
    server = MotoServer(tmp_path_factory.mktemp("moto")).start()
    try:
        yield server
    finally:
        server.stop()
