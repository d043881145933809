"""`hallcheck admin photos migrate --to s3://...`: a folder store moved into a bucket on
moto's server process, every hash checked, a damaged photo reported and not copied, an
interrupted run carried on by running it again."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sync.helpers import REPO

from app.central.photos import FileSystemPhotoStore, hash_of, photo_store_at

from .s3_support import MotoServer, environ


def migrate(data_dir: Path, to: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--lang", "en", "admin", "photos", "migrate", "--to", to,
         "--data-dir", str(data_dir)], cwd=REPO, env={**os.environ, **env},
        capture_output=True, text=True, timeout=300, check=False)


def test_a_folder_store_moves_into_a_bucket_resumably(moto: MotoServer, tmp_path: Path
                                                      ) -> None:
    data_dir = tmp_path / "server"
    folder = FileSystemPhotoStore(data_dir / "photos")
    blobs = [os.urandom(2000 + i) for i in range(30)]
    for b in blobs:
        folder.put(hashlib.sha256(b).hexdigest(), [b])
    bucket = moto.make_bucket()
    to = f"s3://{bucket}/photos"
    with environ(moto.env()):
        target = photo_store_at(to)
        for b in blobs[:12]:  # a first run that was interrupted after 12 photos
            target.put(hashlib.sha256(b).hexdigest(), [b])
    # one photo in the folder is damaged on disk
    damaged = hashlib.sha256(blobs[20]).hexdigest()
    folder.path(damaged).write_bytes(b"bit rot")

    done = migrate(data_dir, to, moto.env())
    assert done.returncode == 2, done.stderr
    assert "17 copied, 12 already in the target (size checked)" in done.stdout
    assert "1 damaged" in done.stdout and damaged in done.stderr
    assert "Traceback" not in done.stderr
    assert moto.secret not in done.stdout + done.stderr
    with environ(moto.env()):
        stored = set(target.hashes())
        assert damaged not in stored
        assert len(stored) == 29
        for b in blobs:
            h = hashlib.sha256(b).hexdigest()
            if h != damaged:
                assert hash_of(target, h) == (h, len(b))

    folder.path(damaged).write_bytes(blobs[20])  # repaired from elsewhere: run again
    done = migrate(data_dir, to, moto.env())
    assert done.returncode == 0, done.stderr
    assert "1 copied, 29 already in the target (size checked), 0 damaged" in done.stdout
    assert "--photo-store " + to in done.stdout


def test_migrating_onto_itself_or_to_a_bad_address_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "server"
    FileSystemPhotoStore(data_dir / "photos")
    same = migrate(data_dir, str(data_dir / "photos"), {})
    assert same.returncode == 2 and "the same store" in same.stderr
    bad = migrate(data_dir, "s3://key:secret@bucket/x", {})
    assert bad.returncode == 2 and "environment" in bad.stderr and "secret" not in bad.stderr
