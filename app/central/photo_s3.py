"""Photos in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, Alibaba Cloud OSS ...).

`--photo-store s3://bucket/prefix` names the bucket; where it is and who may write to it come
from the environment only, the way every S3 tool reads them, so no credential is ever in a
command line, a settings file or a log line:

- `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`, or `HALLCHECK_S3_ENDPOINT_URL`): the service,
  e.g. `https://minio.example:9000`; unset means AWS itself;
- `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (or a profile, or an instance role);
- `AWS_DEFAULT_REGION` (default `us-east-1`); `HALLCHECK_S3_ADDRESSING_STYLE` `path` (the
  default, what MinIO and Ceph expect) or `virtual` (what OSS expects).

A photo is the object `<prefix><ab>/<cd>/<sha256>`, as in the folder store. Writing one:
the bytes are hashed while they are buffered (a mismatch stores nothing); the PUT carries
`If-None-Match: *`, so the service refuses it when the object already exists and an
object is never written twice (a service without conditional writes gets a HEAD before
each PUT instead); it also carries the bytes' MD5 and SHA-256, so the service refuses bytes
damaged on the way, and its answer (the checksum or the plain ETag of what it stored) is
compared with ours (a HEAD reads the object's back when the answer proves nothing). A PUT
is atomic in S3: a reader sees the whole object or none, so an upload cut off half way is
never visible.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any
from urllib.parse import urlsplit

from app.central.photos import (
    PhotoHashMismatch,
    PhotoTooLarge,
    StoredPhoto,
    check_hash,
)
from app.errors import UserError

log = logging.getLogger("hallcheck.photos")

ENDPOINT_ENV = "HALLCHECK_S3_ENDPOINT_URL"
ADDRESSING_ENV = "HALLCHECK_S3_ADDRESSING_STYLE"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024
_SPOOL = 16 * 1024 * 1024  # photos up to this size are buffered in memory, larger on disk


class PhotoStoreError(RuntimeError):
    """The object store answered something the photo store cannot stand behind."""


def parse_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket/prefix`; UserError for anything else (credentials in
    the URL above all: they belong in the environment)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "s3" or not parts.netloc:
        raise UserError("scale.s3.bad_url", url=_safe(url))
    if "@" in parts.netloc or ":" in parts.netloc:
        raise UserError("scale.s3.credentials_in_url")
    if parts.query or parts.fragment:
        raise UserError("scale.s3.bad_url", url=_safe(url))
    bucket = parts.netloc
    if not _BUCKET.match(bucket):
        raise UserError("scale.s3.bad_bucket", bucket=bucket[:70])
    prefix = parts.path.strip("/")
    if prefix and (".." in prefix.split("/") or any(ord(c) < 32 for c in prefix)):
        raise UserError("scale.s3.bad_url", url=_safe(url))
    return bucket, f"{prefix}/" if prefix else ""


def _safe(url: str) -> str:
    """The URL as it may be shown: anything before an '@' (a credential) left out."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"[:200]


def make_client() -> Any:
    """A boto3 S3 client configured from the environment (never from arguments that could
    end up in a log)."""
    try:
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the server extra carries boto3
        raise UserError("scale.s3.no_boto3") from None
    style = os.environ.get(ADDRESSING_ENV, "path").strip().lower()
    if style not in ("path", "virtual", "auto"):
        raise UserError("scale.s3.bad_addressing", value=style[:20])
    config = Config(
        s3={"addressing_style": style},
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=10, read_timeout=60, max_pool_connections=64,
        # checksums are sent explicitly (MD5 and SHA-256 of the whole photo), not the
        # newer default CRC trailers some S3-compatible services refuse
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    endpoint = (os.environ.get(ENDPOINT_ENV) or os.environ.get("AWS_ENDPOINT_URL_S3")
                or os.environ.get("AWS_ENDPOINT_URL") or None)
    region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") \
        or "us-east-1"
    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region,
                                          config=config)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    error = response.get("Error") or {}
    return str(error.get("Code") or response.get("ResponseMetadata", {}).get(
        "HTTPStatusCode") or type(exc).__name__)


class S3PhotoStore:
    """Content-addressed photos in one bucket under one prefix. Safe for concurrent writers
    in any number of processes and hosts (the object store arbitrates)."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client = client if client is not None else make_client()
        self.conditional_put = True  # False once the service said it has no If-None-Match

    @classmethod
    def from_url(cls, url: str, *, check: bool = True) -> S3PhotoStore:
        """The store `s3://bucket/prefix` names; with `check`, the bucket is asked for once
        so a wrong endpoint, bucket or credential is said at start, not at the first photo."""
        bucket, prefix = parse_url(url)
        store = cls(bucket, prefix)
        if check:
            store.check()
        return store

    def check(self) -> None:
        from botocore.exceptions import (  # type: ignore[import-untyped]
            BotoCoreError,
            ClientError,
        )

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            raise UserError("scale.s3.unreachable", where=self.describe(),
                            reason=_code(exc)) from None
        except BotoCoreError as exc:
            raise UserError("scale.s3.unreachable", where=self.describe(),
                            reason=type(exc).__name__) from None

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, sha256: str) -> str:
        check_hash(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    # -- reads ------------------------------------------------------------------------
    def _head(self, sha256: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            head: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=self.key(sha256), ChecksumMode="ENABLED")
            return head
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def size(self, sha256: str) -> int | None:
        head = self._head(sha256)
        return None if head is None else int(head["ContentLength"])

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(sha256) from None
            raise
        body = obj["Body"]
        try:
            yield from body.iter_chunks(_CHUNK)
        finally:
            body.close()

    def hashes(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents") or ():
                name = str(item["Key"])[len(self.prefix):]
                sha = name.rpartition("/")[2]
                if _SHA256.match(sha) and name == f"{sha[:2]}/{sha[2:4]}/{sha}":
                    yield sha

    # -- writes -----------------------------------------------------------------------
    def put(self, sha256: str, chunks: Iterable[bytes], *, max_bytes: int | None = None
            ) -> StoredPhoto:
        check_hash(sha256)
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as buf:
            sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
            size = 0
            for chunk in chunks:
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise PhotoTooLarge(max_bytes)
                sha.update(chunk)
                md5.update(chunk)
                buf.write(chunk)
            actual = sha.hexdigest()
            if actual != sha256:
                raise PhotoHashMismatch(sha256, actual)
            if not self.conditional_put:  # no If-None-Match: the HEAD is the only guard
                head = self._head(sha256)
                if head is not None:
                    return self._already(sha256, head, size)
            answer = self._put_new(sha256, buf, size, sha.digest(), md5.digest())
        if answer is None:  # another writer stored it first: it must be these bytes
            head = self._head(sha256)
            if head is None:
                raise PhotoStoreError(f"{self.describe()}: {sha256} refused as present, "
                                      "but not there")
            return self._already(sha256, head, size)
        if not self._verify(sha256, answer, size, sha.digest(), md5.hexdigest()):
            # the PUT's answer said nothing checkable: read the stored object's back
            head = self._head(sha256)
            if head is None:
                raise PhotoStoreError(f"{self.describe()}: {sha256} not there after its PUT")
            self._verify(sha256, head, size, sha.digest(), md5.hexdigest(), strict=True)
        return StoredPhoto(sha256, size, created=True)

    def _put_new(self, sha256: str, buf: IO[bytes], size: int, sha: bytes, md5: bytes
                 ) -> dict[str, Any] | None:
        """PUT the object unless it exists: the service's answer, or None when another
        writer stored it first."""
        from botocore.exceptions import ClientError

        extra: dict[str, Any] = {"IfNoneMatch": "*"} if self.conditional_put else {}
        for _ in range(3):
            buf.seek(0)
            try:
                answer: dict[str, Any] = self.client.put_object(
                    Bucket=self.bucket, Key=self.key(sha256), Body=buf, ContentLength=size,
                    ContentType="image/jpeg", ContentMD5=base64.b64encode(md5).decode(),
                    ChecksumSHA256=base64.b64encode(sha).decode(),
                    Metadata={"sha256": sha256}, **extra)
                return answer
            except ClientError as exc:
                code = _code(exc)
                if code in ("PreconditionFailed", "412"):
                    return None  # someone stored it before us
                if code == "ConditionalRequestConflict":  # a concurrent PUT in flight
                    if self._head(sha256) is not None:
                        return None
                    continue
                if extra and code in ("NotImplemented", "501"):
                    # a service without conditional writes: a HEAD before each write
                    log.warning("%s: no conditional PUT; relying on HEAD before each write",
                                self.describe())
                    self.conditional_put = False
                    extra = {}
                    if self._head(sha256) is not None:
                        return None
                    continue
                raise
        raise PhotoStoreError(f"{self.describe()}: {sha256} could not be written")

    def _already(self, sha256: str, head: dict[str, Any], size: int) -> StoredPhoto:
        if int(head["ContentLength"]) != size:
            raise PhotoStoreError(f"{self.describe()}: {sha256} is stored with "
                                  f"{head['ContentLength']} bytes, not {size}")
        return StoredPhoto(sha256, size, created=False)

    def _verify(self, sha256: str, answer: dict[str, Any], size: int, sha: bytes,
                md5_hex: str, *, strict: bool = False) -> bool:
        """Whether the service's own account of the stored object (a PUT's answer or a
        HEAD) proves it is these bytes: its SHA-256 checksum, or its plain ETag (the MD5 of
        the bytes for a single PUT without KMS). PhotoStoreError when it contradicts them;
        False when it proves nothing (with `strict`, a HEAD's size must still match)."""
        if "ContentLength" in answer and int(answer["ContentLength"]) != size:
            raise PhotoStoreError(f"{self.describe()}: {sha256} stored with "
                                  f"{answer['ContentLength']} bytes, not {size}")
        checksum = answer.get("ChecksumSHA256")
        if checksum and "-" not in str(checksum):
            if base64.b64decode(checksum) != sha:
                raise PhotoStoreError(f"{self.describe()}: {sha256} stored checksum differs")
            return True
        etag = str(answer.get("ETag") or "").strip('"')
        if re.fullmatch(r"[0-9a-f]{32}", etag) \
                and answer.get("ServerSideEncryption") in (None, "AES256"):
            if etag != md5_hex:
                raise PhotoStoreError(f"{self.describe()}: {sha256} stored ETag differs")
            return True
        return strict and "ContentLength" in answer
