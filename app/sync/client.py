"""The sync client: push finished inspections (photos first), pull checklists, outlets and
assignments. `hallcheck sync` runs it once; `SyncRunner` runs it in the background.

Delivery is proven only by an acknowledgement: a JSON body of the Ack shape that names the
inspection (and the hash of the very body sent) or the photo (hash and size). A 200 with
anything else, such as a captive portal's login page, is a failure to retry.

Errors are classified once, in `Api._check`:
  network, timeouts, 5xx, 429, a reply that is no acknowledgement -> `Transient`: retried
      with exponential backoff and jitter (tenacity), then left for the next sync;
  401 / 403 -> `AuthFailed`: stop, keep every local record, tell the user to re-enrol;
  409 -> `Refused(conflict)`: the inspection is flagged for review;
  400 / 413 / 422, and a 403 to one inspection (this token may not file that one) ->
      `Refused(rejected)`: the inspection carries the server's reason, the others go on;
  429 -> `Throttled`: the server's message says how long to wait; not retried at once.
Push order makes partial progress safe: for each inspection, in the order they were made,
the photos the server lacks, then the inspection; each acknowledged inspection is marked
sent in the same transaction that records the acknowledgement.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from tenacity import (
    Retrying,
    retry_if_exception_type,
    retry_if_not_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from app.errors import UserError
from app.i18n import normalise, t
from app.store import Store, SyncState
from app.sync import client_store
from app.sync.protocol import (
    API_PREFIX,
    MEDIA_JSON,
    MEDIA_PHOTO,
    AssignmentList,
    ChecklistBundle,
    EnrolRequest,
    EnrolResponse,
    InspectionAck,
    Limits,
    MissingPhotosResponse,
    OutletList,
    PhotoAck,
    RecentVisits,
    ReturnList,
)

log = logging.getLogger(__name__)

ACCEPT_LANGUAGE = {"zh": "zh-CN", "en": "en"}  # what the server reads (its first two letters)
M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
PUSH_WINDOW = 50  # inspections prepared, and asked about their photos, at once
PHOTO_PARALLEL = 3  # photo uploads in flight at once (one inspection's)


# --- how failures are told apart ----------------------------------------------------------


class SyncFailure(UserError):
    """A sync failure with a user-readable reason (message key + params); the subclasses
    say what the client does about it."""


class Transient(SyncFailure):
    """Worth retrying later: the network, the server's health, a reply that is no ack."""


def _unreachable(exc: httpx.TransportError) -> Transient:
    """The network failed: the user reads what to do, the log keeps which error it was
    (an exception's name is no message for a person, issue 12)."""
    log.debug("central endpoint unreachable: %s", type(exc).__name__)
    return Transient("sync.client.network")


class Throttled(Transient):
    """429: the server asks to wait (its message says how long); not retried at once."""


class AuthFailed(SyncFailure):
    """401/403: the token is missing, wrong or revoked; the device must enrol again."""


class Refused(SyncFailure):
    """The server refused this item for good (409 conflict or a 4xx with a reason)."""

    def __init__(self, state: SyncState, status: int, server_message: str,
                 key: str | None = None) -> None:
        key = key or ("sync.client.conflict" if state is SyncState.CONFLICT
                      else "sync.client.rejected")
        super().__init__(key, status=status, reason=server_message)
        self.state = state
        self.status = status
        self.server_message = server_message


@dataclass(frozen=True)
class RetryPolicy:
    """Per request: up to `attempts` tries, waiting a random time up to
    base * 2^n (capped) between them, and never longer than `max_total` seconds."""

    attempts: int = 4
    base: float = 0.5
    cap: float = 8.0
    max_total: float = 30.0
    connect_timeout: float = 5.0
    read_timeout: float = 30.0

    def retrying(self) -> Retrying:
        return Retrying(
            retry=retry_if_exception_type(Transient) & retry_if_not_exception_type(Throttled),
            wait=wait_random_exponential(multiplier=self.base, max=self.cap),
            stop=stop_after_attempt(self.attempts) | stop_after_delay(self.max_total),
            reraise=True,
            before_sleep=lambda rs: log.info("sync: retrying after %s",
                                             rs.outcome.exception() if rs.outcome else "?"),
        )

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


def system_ssl_context() -> ssl.SSLContext:
    """TLS verified against the system's CA store (what the OS trusts), not a bundled one."""
    return ssl.create_default_context()


# --- the HTTP layer ------------------------------------------------------------------------


class Api:
    """One endpoint's /api/v1, with every answer classified and every ack validated."""

    def __init__(self, endpoint: str, token: str | None = None, *,
                 policy: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None,
                 lang: str | None = None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.policy = policy or RetryPolicy()
        # every request says the user's language, so the server's refusals (shown to the
        # user as they come) are in it
        self.lang = normalise(lang)
        headers = {"Accept": MEDIA_JSON, "User-Agent": "hallcheck-sync/1",
                   "Accept-Language": ACCEPT_LANGUAGE[self.lang]}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(base_url=self.endpoint + API_PREFIX, headers=headers,
                                  timeout=self.policy.timeout, transport=transport,
                                  verify=system_ssl_context(), follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests --

    def _send(self, method: str, path: str, *, refusable: bool = False,
              **kw: Any) -> httpx.Response:
        """One request, its answer classified (the callers retry). `refusable`: a 403 is
        the server refusing this one item (not who may file it), not the token."""
        try:
            response = self._http.request(method, path, **kw)
        except httpx.TimeoutException:
            raise Transient("sync.client.timeout") from None
        except httpx.TransportError as exc:
            raise _unreachable(exc) from None
        if refusable and response.status_code == 403:
            raise Refused(SyncState.REJECTED, 403, self._server_message(response))
        self._check(response)
        return response

    @staticmethod
    def _server_message(response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return response.reason_phrase or str(response.status_code)
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(message, str):
            return message
        return response.reason_phrase or str(response.status_code)

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 300 or status == 304:
            return
        if status in (401, 403):
            raise AuthFailed("sync.client.auth", status=status)
        if status == 409:
            raise Refused(SyncState.CONFLICT, status, self._server_message(response))
        if status in (400, 413, 422):
            raise Refused(SyncState.REJECTED, status, self._server_message(response))
        if status == 429:
            raise Throttled("sync.client.throttled", reason=self._server_message(response))
        if status >= 500:
            raise Transient("sync.client.server_error", status=status)
        raise Transient("sync.client.unexpected_status", status=status)

    def _json(self, response: httpx.Response, model: type[M]) -> M:
        """The body as `model`, or Transient: a 200 that is not our JSON (a portal's page,
        a proxy's error) is not an answer from the server."""
        ctype = response.headers.get("content-type", "")
        if not ctype.startswith(MEDIA_JSON):
            raise Transient("sync.client.not_ack", what=ctype.split(";")[0] or "?")
        try:
            return model.model_validate_json(response.content)
        except ValidationError:
            raise Transient("sync.client.not_ack", what="JSON") from None

    def _retried(self, once: Callable[[], R]) -> R:
        """`once()` under the retry policy: the one retry loop every request goes through
        (a Transient is tried again after a backoff; anything else goes straight up)."""
        return self.policy.retrying()(once)

    def _call(self, method: str, path: str, model: type[M], **kw: Any) -> M:
        """Send and parse as one retried unit: a reply that is not `model` is retried too."""
        return self._retried(lambda: self._json(self._send(method, path, **kw), model))

    # -- the API --

    def health(self, timeout: float = 5.0) -> bool:
        """One quick probe, no retries: is the endpoint reachable and really ours?"""
        try:
            r = self._http.get("/health", timeout=timeout)
        except httpx.HTTPError:
            return False
        if r.status_code != 200 or not r.headers.get("content-type", "").startswith(MEDIA_JSON):
            return False
        body = _safe_json(r)
        return isinstance(body, dict) and body.get("status") == "ok"

    def limits(self) -> Limits:
        return self._call("GET", "/limits", Limits)

    def enrol(self, code: str, device_name: str, platform: str | None = None) -> EnrolResponse:
        req = EnrolRequest(code=code, device_name=device_name, platform=platform)
        return self._call("POST", "/enrol", EnrolResponse, json=req.model_dump(mode="json"))

    def checklists(self, etag: str | None) -> ChecklistBundle | None:
        """The current checklist bundle, or None when it is unchanged since `etag`."""
        headers = {"If-None-Match": etag} if etag else {}

        def once() -> ChecklistBundle | None:
            r = self._send("GET", "/checklists", headers=headers)
            return None if r.status_code == 304 else self._json(r, ChecklistBundle)

        return self._retried(once)

    def outlets(self) -> OutletList:
        return self._call("GET", "/outlets", OutletList)

    def assignments(self) -> AssignmentList:
        return self._call("GET", "/assignments", AssignmentList)

    def recent_visits(self) -> RecentVisits | None:
        """The shopper's covert visits the server knows of; None from a server that
        predates them (404)."""
        def once() -> RecentVisits | None:
            try:
                r = self._http.get("/visits/recent")
            except httpx.TimeoutException:
                raise Transient("sync.client.timeout") from None
            except httpx.TransportError as exc:
                raise _unreachable(exc) from None
            if r.status_code == 404:
                return None
            self._check(r)
            return self._json(r, RecentVisits)

        return self._retried(once)

    def returns(self) -> ReturnList:
        """This inspector's results a reviewer returned, with the reasons."""
        return self._call("GET", "/returns", ReturnList)

    def missing(self, hashes: list[str], batch: int) -> set[str]:
        out: set[str] = set()
        for i in range(0, len(hashes), batch):
            r = self._call("POST", "/photos/missing", MissingPhotosResponse,
                           json={"hashes": hashes[i:i + batch]})
            out.update(r.missing)
        return out

    def put_photo(self, sha256: str, data: bytes) -> PhotoAck:
        def once() -> PhotoAck:
            ack = self._json(self._send("PUT", f"/photos/{sha256}", content=data,
                                        headers={"Content-Type": MEDIA_PHOTO}), PhotoAck)
            if ack.sha256 != sha256 or ack.size != len(data):
                raise Transient("sync.client.wrong_ack")
            return ack

        return self._retried(once)

    def put_inspection(self, uuid: str, body: bytes, body_sha256: str) -> InspectionAck:
        def once() -> InspectionAck:
            ack = self._json(self._send("PUT", f"/inspections/{uuid}", content=body,
                                        headers={"Content-Type": MEDIA_JSON},
                                        refusable=True), InspectionAck)
            if str(ack.uuid) != uuid or ack.body_sha256 != body_sha256:
                raise Transient("sync.client.wrong_ack")
            return ack

        return self._retried(once)


def _safe_json(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return None


# --- one sync --------------------------------------------------------------------------------


@dataclass
class SyncReport:
    """What one sync did: for the summary line and the status indicator."""

    sent: int = 0
    already: int = 0  # the server already held them (an earlier answer got lost)
    photos_sent: int = 0
    photos_already: int = 0
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (uuid, reason)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # retry later
    waiting: int = 0  # still in the outbox afterwards
    checklists_new: int | None = None  # None: unchanged (304)
    outlets_changed: int = 0
    assignments: int = 0
    returned: int = 0  # this device's results a reviewer returned (to amend)
    stopped: str | None = None  # why the sync stopped early (auth, network), as a message
    auth_failed: bool = False
    reached_server: bool = False

    @property
    def ok(self) -> bool:
        return not (self.failed or self.conflicts or self.rejected or self.stopped)


@dataclass(frozen=True)
class Progress:
    """One step of a sync, for a progress bar: `done` of `total` inspections."""

    phase: str  # "pull" | "push" | "done"
    done: int
    total: int
    uuid: str | None = None


class SyncClient:
    """Runs one sync of a device store with its endpoint."""

    def __init__(self, store: Store, photos_dir: Path, endpoint: str, token: str,
                 device_id: str, *, policy: RetryPolicy | None = None,
                 transport: httpx.BaseTransport | None = None,
                 progress: Callable[[Progress], None] | None = None,
                 cancel: threading.Event | None = None, lang: str | None = None) -> None:
        self.store = store
        self.photos_dir = Path(photos_dir)
        self.device_id = device_id
        self.api = Api(endpoint, token, policy=policy, transport=transport, lang=lang)
        self.lang = normalise(lang)  # what the user reads: the reasons kept and reported
        self.progress = progress or (lambda p: None)
        self.cancel = cancel or threading.Event()

    @classmethod
    def for_workspace(cls, ws: Any, endpoint: str | None = None, **kw: Any) -> SyncClient:
        """The client for an open `Workspace`, from its local settings (endpoint, token)."""
        endpoint = endpoint or ws.settings.endpoint
        token = ws.settings.device_token
        device_id = client_store.device_id(ws.store)
        if not endpoint:
            raise UserError("sync.client.no_endpoint")
        if not token or not device_id:
            raise UserError("sync.client.not_enrolled")
        kw.setdefault("lang", ws.settings.language)  # the app's language (the CLI: --lang)
        return cls(ws.store, ws.paths.photos, endpoint, token, device_id, **kw)

    def close(self) -> None:
        self.api.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, *, pull: bool = True, push: bool = True) -> SyncReport:
        report = SyncReport()
        try:
            limits = self.api.limits()
            report.reached_server = True
            if pull:
                self._pull(report)
            if push:
                self._push(report, limits)
            client_store.record_contact(self.store)
        except AuthFailed as exc:
            report.auth_failed = True
            report.stopped = exc.message(self.lang)
        except (Transient, Refused) as exc:  # Refused: the server turned down a pull
            report.stopped = exc.message(self.lang)
        report.waiting = client_store.waiting_count(self.store)
        self.progress(Progress("done", report.sent + report.already, report.waiting))
        return report

    # -- pull --

    def _pull(self, report: SyncReport) -> None:
        self.progress(Progress("pull", 0, 0))
        bundle = self.api.checklists(client_store.checklists_etag(self.store))
        families: dict[str, str] = {}
        if bundle is not None:
            try:
                report.checklists_new = client_store.apply_checklists(
                    self.store, bundle.etag, bundle.checklists)
            except (ValueError, ValidationError):
                raise Transient("sync.client.bad_checklists") from None
            families = {name: str(d.get("family", "")) for name, d in bundle.tiers.items()}
        if not families:
            families = self._known_families()
        report.outlets_changed = client_store.apply_outlets(
            self.store, self.api.outlets().outlets, families)
        report.assignments = client_store.apply_assignments(
            self.store, self.api.assignments().assignments)
        report.returned = client_store.apply_returns(self.store, self.api.returns().returns)
        recent = self.api.recent_visits()
        if recent is not None:
            client_store.apply_recent_visits(self.store, recent)

    def _known_families(self) -> dict[str, str]:
        from sqlalchemy import select
        from sqlmodel import col

        from app.store import Outlet

        with self.store.reading() as s:
            return {tier: fam
                    for tier, fam in s.execute(select(col(Outlet.tier), col(Outlet.family)))}

    # -- push --

    def _push(self, report: SyncReport, limits: Limits) -> None:
        """The outbox in order, a window at a time: the window's uploads are prepared and
        the server asked once which of their photos it lacks."""
        items = client_store.outbox(self.store)
        total = len(items)
        for start in range(0, total, PUSH_WINDOW):
            window = items[start:start + PUSH_WINDOW]
            prepared = {item.uuid: self._prepare(item.uuid) for item in window}
            hashes = list(dict.fromkeys(
                sha for p in prepared.values() if isinstance(p, client_store.PreparedUpload)
                for sha in p.upload.photo_hashes()))
            try:
                missing = (self.api.missing(hashes, limits.max_hashes_per_query)
                           if hashes else set())
            except Transient as exc:
                self._failed(window[0].uuid, exc, report)
                raise
            for done, item in enumerate(window, start):
                if self.cancel.is_set():
                    return
                self.progress(Progress("push", done, total, item.uuid))
                try:
                    self._push_one(prepared[item.uuid], missing, limits, report)
                except Refused as exc:
                    client_store.mark_refused(self.store, item.uuid, exc.state,
                                              exc.message(self.lang))
                    bucket = (report.conflicts if exc.state is SyncState.CONFLICT
                              else report.rejected)
                    bucket.append((item.uuid, exc.message(self.lang)))
                except Transient as exc:
                    self._failed(item.uuid, exc, report)
                    raise  # keep the order: later inspections wait for this one
        self.progress(Progress("push", total, total))

    def _failed(self, uuid: str, exc: Transient, report: SyncReport) -> None:
        client_store.note_error(self.store, uuid, exc.message(self.lang))
        report.failed.append((uuid, exc.message(self.lang)))

    def _prepare(self, uuid: str) -> client_store.PreparedUpload | Refused:
        try:
            return client_store.prepare_upload(self.store, self.photos_dir, uuid,
                                               self.device_id)
        except ValidationError as exc:  # stored data the protocol does not accept
            where = "; ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:3])
            return self._cannot_send(t("sync.client.invalid_record", where=where))

    def _push_one(self, prepared: client_store.PreparedUpload | Refused, missing: set[str],
                  limits: Limits, report: SyncReport) -> None:
        if isinstance(prepared, Refused):
            raise prepared
        uuid = str(prepared.upload.uuid)
        if len(prepared.body) > limits.max_json_bytes:
            raise self._cannot_send(t("sync.client.too_large", size=len(prepared.body),
                                      limit=limits.max_json_bytes))
        hashes = prepared.upload.photo_hashes()
        to_send = [sha for sha in hashes if sha in missing]
        report.photos_already += len(hashes) - len(to_send)
        photos = [(sha, self._photo_bytes(prepared.photo_files.get(sha), sha, limits))
                  for sha in to_send]
        self._put_photos(photos)
        missing.difference_update(to_send)
        report.photos_sent += len(to_send)
        body_sha = hashlib.sha256(prepared.body).hexdigest()
        try:
            ack = self.api.put_inspection(uuid, prepared.body, body_sha)
        except Transient:
            client_store.keep_body(self.store, prepared)  # the retry sends the same bytes
            raise
        client_store.mark_sent(self.store, uuid, ack)
        if ack.stored == "unchanged":
            report.already += 1
        else:
            report.sent += 1

    def _put_photos(self, photos: list[tuple[str, bytes]]) -> None:
        """Upload one inspection's photos, a few at a time (the server stores them in
        parallel); any failure fails the inspection, an auth failure first."""
        if len(photos) <= 1:
            for sha, data in photos:
                self.api.put_photo(sha, data)
            return
        with ThreadPoolExecutor(max_workers=min(PHOTO_PARALLEL, len(photos)),
                                thread_name_prefix="hallcheck-photo") as pool:
            futures = [pool.submit(self.api.put_photo, sha, data) for sha, data in photos]
            errors = [e for f in futures if (e := f.exception()) is not None]
        if errors:
            raise next((e for e in errors if isinstance(e, AuthFailed)), errors[0])

    @staticmethod
    def _cannot_send(reason: str) -> Refused:
        """An inspection this device cannot send as it is (too big, a photo lost)."""
        return Refused(SyncState.REJECTED, 0, reason, key="sync.client.cannot_send")

    def _photo_bytes(self, path: Path | None, sha: str, limits: Limits) -> bytes:
        if path is None or not path.is_file():
            raise self._cannot_send(t("sync.client.photo_missing", sha=sha[:12]))
        size = path.stat().st_size
        if size > limits.max_photo_bytes:
            raise self._cannot_send(t("sync.client.photo_too_large", size=size,
                                      limit=limits.max_photo_bytes))
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise self._cannot_send(t("sync.client.photo_damaged", sha=sha[:12]))
        return data


def enrol(ws: Any, endpoint: str, code: str, device_name: str, *,
          policy: RetryPolicy | None = None,
          transport: httpx.BaseTransport | None = None,
          lang: str | None = None) -> EnrolResponse:
    """Trade an enrolment code for a token and keep endpoint, token and device id locally."""
    endpoint = endpoint.strip().rstrip("/")
    ws.settings.set_endpoint(endpoint)  # validates the URL
    with Api(endpoint, policy=policy, transport=transport,
             lang=lang or ws.settings.language) as api:
        try:
            answer = api.enrol(code, device_name, platform="hallcheck")
        except AuthFailed:
            raise UserError("sync.client.enrol_refused") from None
        except Throttled as exc:
            raise UserError("sync.client.enrol_throttled",
                            reason=exc.params.get("reason", "")) from None
        except Refused as exc:
            raise UserError("sync.client.enrol_invalid", reason=exc.server_message) from None
        except Transient as exc:
            raise UserError("sync.client.unreachable", endpoint=endpoint,
                            reason=exc.message(api.lang)) from None
    client_store.save_enrolment(
        ws.store, endpoint=endpoint, token=answer.token, device_id=answer.device_id,
        inspector_id=answer.inspector_id, inspector_name=answer.inspector_name,
        inspector_role=answer.inspector_role)
    return answer


def iter_reasons(report: SyncReport) -> Iterator[tuple[str, str, str]]:
    """(kind, uuid, reason) for every item that did not go, for the summary."""
    for kind, items in (("failed", report.failed), ("conflict", report.conflicts),
                        ("rejected", report.rejected)):
        for uuid, reason in items:
            yield kind, uuid, reason
