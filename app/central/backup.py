"""Backup and restore of a central endpoint while it runs: the database, the photos, the
data dir's own files (checklists.yaml, key files), and a manifest with every hash.

Consistency: the database is copied as one snapshot (SQLite's online backup API; on
PostgreSQL `pg_dump` run inside a snapshot exported from a repeatable-read transaction,
which also lists the photos and counts the rows). A photo's bytes are stored before its
`photos` row commits, so every photo the snapshot names is in the store when it is copied;
photos that arrive later are simply not in this backup, as their rows are not either.

Tables are never listed here by name: the row counts come from the database's own table
list, so tables added by later migrations are backed up and checked with the rest.

Layout of a backup directory:

    manifest.json          written last: a directory without it is not a backup
    server.db              SQLite copy, or database.dump (pg_dump custom format)
    photos/ab/cd/<sha256>  the photos the snapshot names (or only listed, see copy_photos)
    files/<name>           the data dir's top-level files (mode kept, e.g. 0600 keys)

`restore` checks every hash of the backup before it writes anything, refuses a target
that already holds tables, and checks the row counts afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url

from app.central.db import make_engine, upgrade
from app.central.photos import (
    FileSystemPhotoStore,
    PhotoHashMismatch,
    PhotoStore,
    open_photo_store,
)
from app.central.settings import ServerSettings
from app.errors import UserError

FORMAT = "hallcheck-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "server.db"
PG_FILE = "database.dump"
# data-dir entries that are not copied as files: the database itself, the photo folder,
# what the console rebuilds (exports, thumbnails), locks and temp files
_SKIP = {"server.db", "server.db-wal", "server.db-shm", "server.db.migrate-lock", "photos",
         "console-exports", "console-thumbs", "tmp"}
_CHUNK = 1024 * 1024

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class BackupReport:
    directory: Path
    database: str  # sqlite | postgresql
    tables: dict[str, int]
    photos: int
    bytes: int


@dataclass(frozen=True)
class RestoreReport:
    database: str
    tables: dict[str, int]
    photos: int


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _kind(url: str) -> str:
    return "postgresql" if make_url(url).get_backend_name() == "postgresql" else "sqlite"


def _count_rows(conn: Connection) -> dict[str, int]:
    """Rows of every table the database has (alembic's bookkeeping included)."""
    names = sorted(inspect(conn).get_table_names())
    prep = conn.dialect.identifier_preparer
    return {n: int(conn.execute(text(f"SELECT count(*) FROM {prep.quote(n)}")).scalar_one())
            for n in names}


def _alembic_revision(conn: Connection) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no table: never migrated
        return None


def _photo_list(conn: Connection) -> list[tuple[str, int]]:
    rows = conn.execute(text("SELECT sha256, size FROM photos ORDER BY sha256")).all()
    return [(str(r[0]), int(r[1])) for r in rows]


# --- PostgreSQL client tools ------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from $HALLCHECK_PG_BIN, else the PATH."""
    bin_dir = os.environ.get("HALLCHECK_PG_BIN")
    found = shutil.which(name, path=bin_dir) if bin_dir else shutil.which(name)
    if found is None:
        raise UserError("scale.backup.tool_missing", tool=name)
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it
    (so it is never in a process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_tool(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise UserError("scale.backup.tool_failed", tool=Path(args[0]).name,
                        code=done.returncode, detail=(detail[-1] if detail else "")[:300])


# --- backup -----------------------------------------------------------------------------------


def backup(settings: ServerSettings, dest: Path, *, copy_photos: bool = True,
           photos: PhotoStore | None = None, progress: Progress | None = None
           ) -> BackupReport:
    """Write a consistent backup of the endpoint `settings` names into `dest` (new or
    empty). Safe while the server runs and devices sync."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise UserError("scale.backup.not_empty", dir=str(dest))
    dest.mkdir(parents=True, exist_ok=True)
    kind = _kind(settings.url)
    engine = make_engine(settings.url)
    try:
        if kind == "sqlite":
            db_file, tables, revision, listed = _backup_sqlite(settings, dest)
        else:
            db_file, tables, revision, listed = _backup_postgres(settings, engine, dest)
    finally:
        engine.dispose()
    store = photos or open_photo_store(settings)
    if copy_photos:
        _copy_photos(store, dest / "photos", listed, progress)
    files = _copy_files(settings.data_dir, dest / "files")
    db_hash, db_size = _sha256_file(dest / db_file)
    manifest = {
        "format": FORMAT, "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"kind": kind, "file": db_file, "sha256": db_hash, "size": db_size,
                     "alembic_revision": revision, "tables": tables},
        "photos": {"copied": copy_photos, "source": store.describe(), "count": len(listed),
                   "items": [[h, n] for h, n in listed]},
        "files": files,
    }
    raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    tmp = dest / (MANIFEST + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(raw)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest / MANIFEST)  # last: only a finished backup has a manifest
    total = db_size + sum(n for _, n in listed if copy_photos) + sum(
        f["size"] for f in files)
    return BackupReport(dest, kind, tables, len(listed), total)


def _backup_sqlite(settings: ServerSettings, dest: Path
                   ) -> tuple[str, dict[str, int], str | None, list[tuple[str, int]]]:
    source = make_url(settings.url).database
    assert source
    target = dest / SQLITE_FILE
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # one step: a single consistent read of the whole database
        finally:
            dst.close()
    finally:
        src.close()
    copy = make_engine(f"sqlite:///{target}")
    try:
        with copy.connect() as conn:
            return SQLITE_FILE, _count_rows(conn), _alembic_revision(conn), _photo_list(conn)
    finally:
        copy.dispose()


def _backup_postgres(settings: ServerSettings, engine: Engine, dest: Path
                     ) -> tuple[str, dict[str, int], str | None, list[tuple[str, int]]]:
    """pg_dump inside the snapshot of a repeatable-read transaction that also counts the
    rows and lists the photos: dump, counts and photo list are of one moment."""
    assert settings.database_url
    dsn, env = _libpq(settings.database_url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tables = _count_rows(conn)
            revision = _alembic_revision(conn)
            listed = _photo_list(conn)
            _run_tool([_pg_tool("pg_dump"), "--format=custom", "--no-owner",
                       "--no-privileges", f"--snapshot={snapshot}",
                       f"--file={dest / PG_FILE}", f"--dbname={dsn}"], env)
    return PG_FILE, tables, revision, listed


def _copy_photos(store: PhotoStore, into: Path, listed: list[tuple[str, int]],
                 progress: Progress | None) -> None:
    """Copy the listed photos, each checked against its name on the way."""
    target = FileSystemPhotoStore(into)
    for i, (sha, _size) in enumerate(listed, 1):
        try:
            target.put(sha, store.open_chunks(sha))
        except PhotoHashMismatch as exc:
            raise UserError("scale.photos.migrate.bad", sha256=sha, actual=exc.actual
                            ) from None
        except FileNotFoundError:
            raise UserError("scale.backup.photo_missing", sha256=sha,
                            where=store.describe()) from None
        if progress:
            progress(i, len(listed))


def _copy_files(data_dir: Path, into: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not data_dir.is_dir():
        return out
    for path in sorted(data_dir.iterdir()):
        if path.name in _SKIP or not path.is_file() or path.name.endswith(".tmp"):
            continue
        into.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, into / path.name)  # mode kept: a 0600 key stays 0600
        sha, size = _sha256_file(into / path.name)
        out.append({"name": path.name, "sha256": sha, "size": size,
                    "mode": path.stat().st_mode & 0o777})
    return out


# --- restore ----------------------------------------------------------------------------------


def read_manifest(src: Path) -> dict[str, Any]:
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise UserError("scale.restore.no_manifest", dir=str(src))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or int(manifest.get("version", 0)) > VERSION:
            raise ValueError("not a hallcheck backup of a known version")
        db = manifest["database"]
        _ = (db["kind"], db["file"], db["sha256"], db["tables"], manifest["photos"]["items"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError("scale.restore.bad_manifest", detail=str(exc)[:200]) from None
    return manifest  # type: ignore[no-any-return]


def verify(src: Path, manifest: dict[str, Any]) -> None:
    """Every file of the backup against the manifest's hash; UserError on the first that
    differs or is missing (nothing has been written yet)."""
    src = Path(src)
    db = manifest["database"]
    _check_file(src, str(db["file"]), str(db["sha256"]))
    for f in manifest.get("files", []):
        _check_file(src / "files", str(f["name"]), str(f["sha256"]))
    if manifest["photos"].get("copied", True):
        photos = FileSystemPhotoStore(src / "photos")
        for sha, size in manifest["photos"]["items"]:
            path = photos.path(str(sha))
            if not path.is_file():
                raise UserError("scale.restore.missing_file", file=f"photos/{sha}")
            if _sha256_file(path) != (sha, int(size)):
                raise UserError("scale.restore.damaged", file=f"photos/{sha}")


def _check_file(folder: Path, name: str, sha: str) -> None:
    if "/" in name or "\\" in name or name.startswith("."):
        raise UserError("scale.restore.bad_manifest", detail=name[:100])
    path = folder / name
    if not path.is_file():
        raise UserError("scale.restore.missing_file", file=name)
    if _sha256_file(path)[0] != sha:
        raise UserError("scale.restore.damaged", file=name)


def restore(settings: ServerSettings, src: Path, *, photos: PhotoStore | None = None,
            progress: Progress | None = None) -> RestoreReport:
    """Bring the backup in `src` into the (empty) database and photo store of `settings`."""
    src = Path(src)
    manifest = read_manifest(src)
    verify(src, manifest)
    db = manifest["database"]
    kind = _kind(settings.url)
    if db["kind"] != kind:
        raise UserError("scale.restore.kind_differs", backup=db["kind"], target=kind)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    try:
        with engine.connect() as conn:
            existing = [n for n in inspect(conn).get_table_names()]
        if existing:
            raise UserError("scale.restore.target_not_empty",
                            tables=", ".join(sorted(existing)[:5]))
        if kind == "sqlite":
            engine.dispose()
            _restore_sqlite(settings, src / str(db["file"]))
        else:
            assert settings.database_url
            dsn, env = _libpq(settings.database_url)
            _run_tool([_pg_tool("pg_restore"), "--no-owner", "--no-privileges",
                       "--exit-on-error", "--single-transaction", f"--dbname={dsn}",
                       str(src / str(db["file"]))], env)
        with engine.connect() as conn:
            tables = _count_rows(conn)
        if tables != db["tables"]:
            differ = sorted(n for n in set(tables) | set(db["tables"])
                            if tables.get(n) != db["tables"].get(n))
            raise UserError("scale.restore.damaged", file=", ".join(differ[:5]))
        upgrade(engine)  # a backup of an older version is brought to this one's schema
    finally:
        engine.dispose()
    store = photos or open_photo_store(settings)
    items = manifest["photos"]["items"]
    if manifest["photos"].get("copied", True):
        source = FileSystemPhotoStore(src / "photos")
        for i, (sha, _size) in enumerate(items, 1):
            try:
                store.put(str(sha), source.open_chunks(str(sha)))
            except PhotoHashMismatch:
                raise UserError("scale.restore.damaged", file=f"photos/{sha}") from None
            if progress:
                progress(i, len(items))
    _restore_files(src / "files", settings.data_dir, manifest.get("files", []))
    return RestoreReport(kind, tables, len(items))


def _restore_sqlite(settings: ServerSettings, copy: Path) -> None:
    target = Path(make_url(settings.url).database or "")
    for suffix in ("", "-wal", "-shm"):  # an empty database may have been created
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with _temp_beside(target) as tmp:
        src = sqlite3.connect(copy)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)


@contextmanager
def _temp_beside(target: Path) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _restore_files(folder: Path, data_dir: Path, files: list[dict[str, Any]]) -> None:
    for f in files:
        name = str(f["name"])
        target = data_dir / name
        if target.exists():  # the target's own file (e.g. a fresh key) is kept
            continue
        shutil.copy2(folder / name, target)
        os.chmod(target, int(f.get("mode", 0o600)))
