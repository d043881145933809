"""One PhotoStore test suite, run against both backends: the folder (FileSystemPhotoStore)
and S3 (S3PhotoStore) over HTTP against moto's server process on 127.0.0.1.

What every backend must do: content addressing (the name is the SHA-256 of the bytes),
refusing bytes that do not match their name or are too large (nothing stored), never
rewriting a photo it already holds, never showing an upload that did not finish, and one
winner when several writers store the same photo at once.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.central.photo_s3 import S3PhotoStore, parse_url
from app.central.photos import (
    FileSystemPhotoStore,
    PhotoHashMismatch,
    PhotoStore,
    PhotoTooLarge,
    hash_of,
    photo_store_at,
)
from app.errors import UserError

from .s3_support import MotoServer, environ


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto")).start()
    try:
        with environ(server.env()):
            yield server
    finally:
        server.stop()


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PhotoStore:
    if request.param == "folder":
        return FileSystemPhotoStore(tmp_path / "photos")
    moto: MotoServer = request.getfixturevalue("moto")
    bucket = moto.make_bucket()
    return photo_store_at(f"s3://{bucket}/photos/2026")


def _stamp(store: PhotoStore, h: str) -> object:
    """What changes when an object is written again (mtime+inode; S3 LastModified+ETag)."""
    if isinstance(store, FileSystemPhotoStore):
        st = store.path(h).stat()
        return (st.st_ino, st.st_mtime_ns)
    assert isinstance(store, S3PhotoStore)
    head = store.client.head_object(Bucket=store.bucket, Key=store.key(h))
    return (head["LastModified"], head["ETag"], head.get("VersionId"))


def test_put_then_read_back(store: PhotoStore) -> None:
    data = os.urandom(300_000)
    h = sha(data)
    assert not store.exists(h)
    assert store.size(h) is None
    stored = store.put(h, [data[:1000], data[1000:]])
    assert (stored.sha256, stored.size, stored.created) == (h, len(data), True)
    assert store.exists(h)
    assert store.size(h) == len(data)
    assert b"".join(store.open_chunks(h)) == data
    assert hash_of(store, h) == (h, len(data))


def test_same_bytes_again_is_not_rewritten(store: PhotoStore) -> None:
    data = b"\xff\xd8 a photo " * 500
    h = sha(data)
    assert store.put(h, [data]).created
    before = _stamp(store, h)
    again = store.put(h, [data])
    assert (again.created, again.size) == (False, len(data))
    assert _stamp(store, h) == before


def test_bytes_under_another_name_are_refused_and_nothing_is_stored(store: PhotoStore
                                                                     ) -> None:
    data = b"real bytes"
    wrong = sha(b"other bytes")
    with pytest.raises(PhotoHashMismatch) as err:
        store.put(wrong, [data])
    assert err.value.actual == sha(data)
    assert not store.exists(wrong)
    assert not store.exists(sha(data))
    assert list(store.hashes()) == []


def test_too_large_is_refused_and_nothing_is_stored(store: PhotoStore) -> None:
    data = b"x" * 5000
    with pytest.raises(PhotoTooLarge):
        store.put(sha(data), [data[:3000], data[3000:]], max_bytes=4096)
    assert not store.exists(sha(data))


def test_an_upload_cut_off_half_way_is_never_visible(store: PhotoStore) -> None:
    data = os.urandom(50_000)
    h = sha(data)

    def cut_off() -> Iterator[bytes]:
        yield data[:20_000]
        raise ConnectionResetError("the phone lost its network")

    with pytest.raises(ConnectionResetError):
        store.put(h, cut_off())
    assert not store.exists(h)
    assert list(store.hashes()) == []
    assert store.put(h, [data]).created  # the retry stores it whole


def test_a_name_that_is_not_a_hash_is_refused(store: PhotoStore) -> None:
    for bad in ("../../etc/passwd", "ABC", "0" * 63, "g" * 64, "0" * 64 + "/x"):
        with pytest.raises(ValueError):
            store.exists(bad)
        with pytest.raises(ValueError):
            store.put(bad, [b"x"])


def test_reading_a_missing_photo_is_file_not_found(store: PhotoStore) -> None:
    with pytest.raises(FileNotFoundError):
        b"".join(store.open_chunks(sha(b"never stored")))


def test_hashes_lists_every_stored_photo(store: PhotoStore) -> None:
    blobs = [os.urandom(100 + i) for i in range(25)]
    for b in blobs:
        store.put(sha(b), [b])
    assert sorted(store.hashes()) == sorted(sha(b) for b in blobs)


def test_concurrent_writers_of_one_photo_one_wins(store: PhotoStore) -> None:
    data = os.urandom(200_000)
    h = sha(data)
    results: list[bool] = []
    errors: list[BaseException] = []
    go = threading.Barrier(8)

    def write() -> None:
        go.wait()
        try:
            results.append(store.put(h, [data]).created)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert len(results) == 8
    assert results.count(True) == 1
    assert hash_of(store, h) == (h, len(data))


def test_describe_names_the_place(store: PhotoStore) -> None:
    where = store.describe()
    if isinstance(store, S3PhotoStore):
        assert where == f"s3://{store.bucket}/photos/2026/"
    else:
        assert where.endswith("photos")


# --- S3 only: addresses, and what is kept in the bucket -------------------------------------


def test_s3_object_is_named_like_the_folder_store(moto: MotoServer) -> None:
    store = photo_store_at(f"s3://{moto.make_bucket()}/pre")
    assert isinstance(store, S3PhotoStore)
    data = b"named"
    h = sha(data)
    store.put(h, [data])
    head = store.client.head_object(Bucket=store.bucket, Key=f"pre/{h[:2]}/{h[2:4]}/{h}")
    assert head["Metadata"]["sha256"] == h
    assert head["ContentLength"] == len(data)


def test_s3_addresses() -> None:
    assert parse_url("s3://photos-prod/hallcheck/") == ("photos-prod", "hallcheck/")
    assert parse_url("s3://photos-prod") == ("photos-prod", "")
    for bad in ("http://x/y", "s3://", "s3://UPPER/x", "s3://a/b?x=1", "s3://b/../x"):
        with pytest.raises(UserError):
            parse_url(bad)
    with pytest.raises(UserError) as err:
        parse_url("s3://AKIA:secret@bucket/x")
    assert "secret" not in err.value.message("en")
    assert "environment" in err.value.message("en")


def test_s3_unknown_bucket_is_said_at_start(moto: MotoServer) -> None:
    with pytest.raises(UserError) as err:
        photo_store_at("s3://no-such-bucket-here/x")
    text = err.value.message("en")
    assert "s3://no-such-bucket-here/x/" in text
    assert moto.secret not in text
