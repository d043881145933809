"""The pieces under the API: photo storage, the wire models, the server's migrations."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.central.auth import hash_code, new_enrol_code, normalise_code
from app.central.photos import FileSystemPhotoStore, PhotoHashMismatch, PhotoTooLarge
from app.sync.protocol import InspectionUpload, canonical_json

from .conftest import BACKENDS
from .helpers import create_database, make_upload


def test_photo_store_is_content_addressed_and_verifies(tmp_path: Path) -> None:
    store = FileSystemPhotoStore(tmp_path)
    data = os.urandom(100_000)
    sha = hashlib.sha256(data).hexdigest()
    chunks = [data[i:i + 7000] for i in range(0, len(data), 7000)]
    first = store.put(sha, chunks)
    assert first.created and first.size == len(data)
    assert store.path(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    assert not store.put(sha, [data]).created
    assert b"".join(store.open_chunks(sha)) == data and store.size(sha) == len(data)
    other = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(PhotoHashMismatch):
        store.put(other, [data])
    with pytest.raises(PhotoTooLarge):
        store.put(sha, [data], max_bytes=10)
    assert not store.exists(other)
    assert list((tmp_path / "tmp").iterdir()) == []  # no temp file left behind
    for trick in ("../../etc/passwd", sha.upper(), sha[:-1]):
        with pytest.raises(ValueError):
            store.path(trick)


def test_concurrent_writers_of_one_photo_leave_one_whole_file(tmp_path: Path) -> None:
    store = FileSystemPhotoStore(tmp_path)
    data = os.urandom(2_000_000)
    sha = hashlib.sha256(data).hexdigest()
    results = []
    threads = [threading.Thread(target=lambda: results.append(store.put(sha, [data])))
               for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 6 and store.path(sha).read_bytes() == data
    assert list((tmp_path / "tmp").iterdir()) == []


def test_upload_model_refuses_what_it_cannot_trust() -> None:
    body = make_upload("dev-1")
    model = InspectionUpload.model_validate(body)
    assert canonical_json(model) == canonical_json(InspectionUpload.model_validate_json(
        canonical_json(model)))  # stable through a round trip
    bad = [
        dict(body, started_at="2025-03-01T10:00:00"),  # no offset
        dict(body, status="finalized", finalized_at=None),
        dict(body, amends_uuid=body["uuid"]),  # amendment without who/when/why
        dict(body, outlet_code="../etc"),
        dict(body, extra_field=1),
        dict(body, photos=[{"sha256": "x" * 64, "size": 1}]),
    ]
    for b in bad:
        with pytest.raises(ValidationError):
            InspectionUpload.model_validate(b)


def test_enrolment_codes_are_typed_forgivingly() -> None:
    code = new_enrol_code()
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert hash_code(code) == hash_code(f"  {code.lower()} ")
    assert len({new_enrol_code() for _ in range(200)}) == 200


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_build_exactly_the_models(backend: str, tmp_path: Path,
                                             request: pytest.FixtureRequest) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app.central.db import make_engine, upgrade
    from app.central.models import ServerModel

    url = (f"sqlite:///{tmp_path / 'server.db'}" if backend == "sqlite"
           else create_database(request.getfixturevalue("pg_admin_url")))
    engine = make_engine(url)
    try:
        upgrade(engine)
        upgrade(engine)  # twice: a no-op
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), ServerModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_photo_store_discards_uploads_of_a_killed_server_only(tmp_path: Path) -> None:
    import subprocess
    import sys

    FileSystemPhotoStore(tmp_path)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = tmp_path / "tmp" / f"in-{gone.stdout.strip()}-abc123"  # killed mid-upload
    alive = tmp_path / "tmp" / f"in-{os.getppid()}-def456"  # another server, writing
    for f in (dead, alive):
        f.write_bytes(b"half a photo")

    FileSystemPhotoStore(tmp_path)  # the restarted server (or an admin command)

    assert not dead.exists()
    assert alive.exists()
