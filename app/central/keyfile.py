"""Key files in the server's data dir, made once whichever worker gets there first.

Several workers (`hallcheck server --workers N`, or several hosts sharing a data dir) may
start at the same moment and each find the key missing. Each writes a whole new key under
its own temporary name and links it into place only if no key is there yet, so every
worker reads the one key that won, never a half-written file. Readable by the server's
user only.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def read_or_make(path: Path, make: Callable[[], bytes], *, valid: Callable[[bytes], bool]
                 ) -> bytes:
    """The key in `path`; when there is none (or it is not `valid`: an empty file left by
    a crash), a new one from `make()`, written once."""
    try:
        data = path.read_bytes()
        if valid(data):
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(make())
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # fails if another worker's key is already there
    except FileExistsError:
        if not valid(path.read_bytes()):  # an invalid leftover: replace it
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()
