"""The checklists the server issues: every kind x tier x phase of its checklists.yaml,
resolved, and every definition it has ever issued, kept by content hash.

The file is read again when it changes on disk, so a channel manager can publish a new
version without restarting the endpoint. Devices use a new definition for new inspections
only; a draft keeps the definition it started with. Each definition is recorded in the
`issued_checklists` table *before* it is issued (a device can never hold a hash the server
does not know), and never removed: an upload is re-scored against exactly the definition
it names, however old. The table is the source of truth; this process keeps parsed copies
by hash, so re-scoring does not parse a definition per upload.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.checklists import Catalog, ChecklistFileError, ResolvedChecklist
from app.checklists.schema import to_plain

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bundle:
    etag: str
    checklists: list[dict[str, Any]] = field(default_factory=list)
    tiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # content hash -> the definition (the very objects the documents were made from)
    resolved: dict[str, ResolvedChecklist] = field(default_factory=dict)
    # (kind, tier) -> content hash of the default phase's definition
    defaults: dict[tuple[str, str], str] = field(default_factory=dict)

    def find(self, kind: str, tier: str, phase: str | None = None) -> dict[str, Any] | None:
        """The document for kind x tier in `phase` (None: the default phase)."""
        if phase is None:
            wanted = self.defaults.get((kind, tier))
            return next((c for c in self.checklists if c["content_hash"] == wanted), None)
        for c in self.checklists:
            if c["kind"] == kind and c["tier"] == tier and c.get("phase") == phase:
                return c
        return None


def _etag(parts: Any) -> str:
    canon = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return '"' + hashlib.sha256(canon.encode()).hexdigest()[:32] + '"'


EMPTY = Bundle(etag=_etag([]))

# Records definitions before they are issued: raises if they could not be recorded.
Recorder = Callable[[list[ResolvedChecklist]], None]
# Looks a definition's JSON up by content hash where they are recorded.
Finder = Callable[[str], str | None]


def phases_of(catalog: Catalog) -> list[str | None]:
    """The phases to issue, the default one last (None: a file without phases, or without
    a default phase, also issues the unweighted-by-phase definition)."""
    source = catalog.source
    default = source.default_phase
    return [p for p in source.phases if p != default] + [default]


def build_bundle(catalog: Catalog) -> Bundle:
    """Every kind x tier x phase of a loaded file, the default phase last per kind x tier
    (a device that predates phases takes the last one as current)."""
    resolved: dict[str, ResolvedChecklist] = {}
    documents: list[dict[str, Any]] = []
    defaults: dict[tuple[str, str], str] = {}
    phases = phases_of(catalog)
    for kind, tier in catalog.combinations():
        for phase in phases:
            checklist = catalog.resolve(kind, tier, phase)
            resolved[checklist.content_hash] = checklist
            documents.append(to_plain(checklist))
        defaults[(kind.value, tier)] = documents[-1]["content_hash"]
    tiers = {name: to_plain(tier) for name, tier in catalog.tiers.items()}
    etag = _etag([[c["content_hash"] for c in documents], tiers])
    return Bundle(etag=etag, checklists=documents, tiers=tiers, resolved=resolved,
                  defaults=defaults)


class ChecklistSource:
    def __init__(self, path: Path | None, *, record: Recorder | None = None,
                 find: Finder | None = None) -> None:
        self.path = path
        self._record = record
        self._find = find
        self._stamp: tuple[int, int] | None = None
        self._bundle = EMPTY
        self._lock = threading.Lock()
        self._known: dict[str, ResolvedChecklist] = {}  # every definition seen, by hash

    def bundle(self) -> Bundle:
        """What is issued now (the file re-read if it changed, and recorded first)."""
        if self.path is None:
            return EMPTY
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return self._bundle
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._stamp:
                try:
                    bundle = build_bundle(Catalog.from_file(self.path))
                except ChecklistFileError as exc:  # keep issuing the last good version
                    log.error("checklist file not loaded, keeping the previous one:\n%s", exc)
                    self._stamp = stamp
                    return self._bundle
                if self._record is not None:
                    # may raise (database down): nothing new is issued, the next call tries
                    # again, so no device ever gets a definition the server has not kept
                    self._record(list(bundle.resolved.values()))
                self._known.update(bundle.resolved)
                self._bundle = bundle
                self._stamp = stamp
            return self._bundle

    def issued(self, content_hash: str) -> ResolvedChecklist | None:
        """The definition the server issued under this hash, now or at any time before;
        None if it never issued it."""
        self.bundle()  # a file changed since: its new definitions are issued ones too
        found = self._known.get(content_hash)
        if found is not None or self._find is None:
            return found
        body = self._find(content_hash)
        if body is None:
            return None
        try:
            checklist = ResolvedChecklist.model_validate_json(body)
        except ValidationError:
            log.error("issued checklist %s cannot be read back", content_hash)
            return None
        if checklist.compute_hash() != content_hash:
            log.error("issued checklist %s does not match its hash", content_hash)
            return None
        self._known[content_hash] = checklist
        return checklist
