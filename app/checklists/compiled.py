"""The compiled checklist file: parsed and validated once, then read back on every start.

Parsing a large `checklists.yaml` costs most of a start (YAML parsing is the bulk; pydantic
validation and the cross-checks the rest). The file rarely changes, so once it has passed
every check we keep the validated model, pickled, in the user's cache directory, under
the SHA-256 of the file's bytes. The next load with the same bytes reads that instead.

An entry is used only when it was made from exactly these bytes by exactly this code:
its header carries the file's hash, a fingerprint of the code that shapes the model (the
schema and checks' sources, Python, pydantic, PyYAML) and the payload's own SHA-256, which
is checked before anything is unpickled. Anything else (a missing, truncated, corrupt or
stale entry, an unwritable cache directory) is ignored: the file is parsed as if there
were no cache and the entry is written again. A file with problems is never cached, so
its problems are reported on every load.

The cache lives in the user's own cache directory (platformdirs; HALLCHECK_CACHE_DIR
overrides it, an empty value turns the cache off): what can write there could as well
change the app itself, and the digest guards against damage, not against the user.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import marshal
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import platformdirs

from app.checklists.reader import gc_paused
from app.checklists.schema import ChecklistFile

log = logging.getLogger(__name__)

ENV_CACHE_DIR = "HALLCHECK_CACHE_DIR"
FORMAT = b"hallcheck-compiled-checklists 1"
SUFFIX = ".compiled"
KEEP = 16  # entries kept (a few files edited back and forth, the tests' many small ones)
# The modules whose code decides what a valid file's model is.
_SHAPING = ("schema", "cross_checks", "loader", "reader", "compiled")
_LIBRARIES = ("pydantic", "pydantic_core", "PyYAML")


def cache_dir() -> Path | None:
    """Where compiled files are kept; None when the cache is turned off."""
    override = os.environ.get(ENV_CACHE_DIR)
    if override is not None:
        return Path(override).expanduser() if override.strip() else None
    return Path(platformdirs.user_cache_dir("hallcheck", appauthor=False)) / "checklists"


def _module_code(name: str) -> bytes:
    """The source of an `app.checklists` module, or its compiled code in a frozen bundle."""
    spec = importlib.util.find_spec(f"app.checklists.{name}")
    if spec is None:
        return b""
    if spec.origin:
        with contextlib.suppress(OSError):
            return Path(spec.origin).read_bytes()
    loader = spec.loader
    get_code = getattr(loader, "get_code", None)
    if get_code is not None:
        with contextlib.suppress(Exception):  # a loader that cannot say: version only
            return marshal.dumps(get_code(spec.name))
    return b""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of everything besides the file that decides the compiled model."""
    digest = hashlib.sha256(FORMAT)
    digest.update(sys.version.encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=?".encode())
    for name in _SHAPING:
        digest.update(name.encode())
        digest.update(hashlib.sha256(_module_code(name)).digest())
    return digest.hexdigest()


def file_key(raw: bytes) -> str:
    """The cache key of a checklist file: the SHA-256 of its bytes."""
    return hashlib.sha256(raw).hexdigest()


def _header(key: str, payload_sha: str) -> bytes:
    return b"\n".join((FORMAT, code_fingerprint().encode(), key.encode(),
                       payload_sha.encode())) + b"\n"


def entry_path(key: str) -> Path | None:
    directory = cache_dir()
    return None if directory is None else directory / f"{key}{SUFFIX}"


def load(key: str) -> ChecklistFile | None:
    """The compiled model for the file with this key, or None (no usable entry)."""
    path = entry_path(key)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head_size = len(_header(key, "0" * 64))
    head, payload = blob[:head_size], blob[head_size:]
    if head != _header(key, hashlib.sha256(payload).hexdigest()):
        log.info("compiled checklists at %s are stale or damaged; rebuilding", path)
        return None
    try:
        with gc_paused():  # thousands of small objects, no cycles (see reader)
            model = pickle.loads(payload)  # our own entry, its digest checked above
    except Exception:  # any failure at all means: parse the file instead
        log.warning("compiled checklists at %s unreadable; rebuilding", path, exc_info=True)
        return None
    return model if isinstance(model, ChecklistFile) else None


def store(key: str, model: ChecklistFile) -> None:
    """Keep the compiled model of a valid file (atomically; silently skipped on failure)."""
    path = entry_path(key)
    if path is None:
        return
    try:
        payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_header(key, hashlib.sha256(payload).hexdigest()))
                fh.write(payload)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(path.parent)
    except (OSError, pickle.PicklingError):
        log.info("compiled checklists not kept in %s", path.parent, exc_info=True)


def _prune(directory: Path) -> None:
    """Keep the `KEEP` most recently written entries."""
    entries = []
    for entry in directory.glob(f"*{SUFFIX}"):
        with contextlib.suppress(OSError):
            entries.append((entry.stat().st_mtime, entry))
    entries.sort(reverse=True)
    for _, old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
