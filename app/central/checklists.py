"""The checklists the server issues: every (kind, tier) of its checklists.yaml, resolved.

The file is read again when it changes on disk, so a channel manager can publish a new
version without restarting the endpoint. Devices use a new definition for new inspections
only; a draft keeps the definition it started with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.checklists import Catalog, ChecklistFileError
from app.checklists.schema import to_plain

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bundle:
    etag: str
    checklists: list[dict[str, Any]] = field(default_factory=list)
    tiers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def find(self, kind: str, tier: str) -> dict[str, Any] | None:
        for c in self.checklists:
            if c["kind"] == kind and c["tier"] == tier:
                return c
        return None


def _etag(parts: Any) -> str:
    canon = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(canon.encode()).hexdigest()[:32] + '"'


EMPTY = Bundle(etag=_etag([]))


class ChecklistSource:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._bundle = EMPTY
        self._lock = threading.Lock()

    def bundle(self) -> Bundle:
        if self.path is None:
            return EMPTY
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return self._bundle
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._bundle = self._load(self.path)
                except ChecklistFileError as exc:  # keep issuing the last good version
                    log.error("checklist file not loaded, keeping the previous one:\n%s", exc)
            return self._bundle

    @staticmethod
    def _load(path: Path) -> Bundle:
        catalog = Catalog.from_file(path)
        checklists = [to_plain(catalog.resolve(kind, tier))
                      for kind, tier in catalog.combinations()]
        tiers = {name: to_plain(tier) for name, tier in catalog.tiers.items()}
        etag = _etag([[c["content_hash"] for c in checklists], tiers])
        return Bundle(etag=etag, checklists=checklists, tiers=tiers)
