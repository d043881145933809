"""The central endpoint's HTTP API (FastAPI): `create_app(settings)` builds it.

Every route lives under /api/v1. Every error is JSON `{"error": code, "message": ...}` with
the message in the caller's language (Accept-Language: zh or en); bad input is a 4xx, never
a 500. The largest request the server accepts is announced at /api/v1/limits and in the
`X-Hallcheck-Max-Request-Bytes` header of every response, and enforced with a 413.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from app.central import admin, service
from app.central.context import ServerContext
from app.central.errors import ApiError, forbidden, not_found
from app.central.models import Device, Inspector
from app.central.settings import ServerSettings
from app.i18n import t
from app.sync.protocol import (
    API_PREFIX,
    API_VERSION,
    INT32_MAX,
    LIMITS_HEADER,
    MEDIA_PHOTO,
    AssignmentList,
    ChecklistBundle,
    ConflictBody,
    ConflictList,
    DeviceOut,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    Health,
    InspectionAck,
    InspectionDetail,
    InspectionPage,
    InspectionUpload,
    Limits,
    Me,
    MissingPhotosRequest,
    MissingPhotosResponse,
    OutletList,
    PhotoAck,
    RecentVisits,
)

log = logging.getLogger("hallcheck.server")

SHA256_PATTERN = r"^[0-9a-f]{64}$"
_ID_PATTERN = r"^[^\x00-\x1f/\\]+$"  # an outlet code or device id: no controls, no slashes
# pydantic error types of the protocol's plain-JSON check -> their translated message
_PLAIN_JSON_ERRORS = ("nul_character", "non_finite_number", "number_too_big", "json_too_deep",
                      "json_too_big", "time_out_of_range")
# FastAPI's `responses=` (OpenAPI documentation of the error answers of a route).
Responses = dict[int | str, dict[str, Any]]

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 406: "not_acceptable", 413: "too_large",
                 415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests"}


def _lang(request: Request | None) -> str:
    if request is None:
        return "zh"
    return request.headers.get("accept-language", "zh")[:2]


def _error(status: int, code: str, message: str, request: Request | None = None,
           headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"error": code, "message": message, **extra}
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers or None)


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.limit = limit


def _too_large_message(limit: int, lang: str) -> str:
    return t("sync.api.too_large", lang, limit=limit)


class LimitsMiddleware:
    """Announce and enforce the largest request: 413 on a Content-Length over the limit, and
    on a streamed body once it grows past it (photos may be up to max_request_bytes, any
    other body up to max_json_bytes)."""

    def __init__(self, app: Any, max_request_bytes: int, max_json_bytes: int) -> None:
        self.app = app
        self.max_request = max_request_bytes
        self.max_json = max_json_bytes
        self.header = (LIMITS_HEADER.lower().encode(), str(max_request_bytes).encode())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_photo = scope["method"] == "PUT" and scope["path"].startswith(f"{API_PREFIX}/photos/")
        limit = self.max_request if is_photo else self.max_json
        headers = dict(scope.get("headers") or [])
        lang = headers.get(b"accept-language", b"zh")[:2].decode("latin-1")

        async def send_with_limits(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], self.header]
            await send(message)

        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False
            if too_big:
                response = _error(413, "too_large", _too_large_message(limit, lang),
                                  limit=limit)
                await response(scope, receive, send_with_limits)
                return
        seen = 0

        async def counted_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted_receive, send_with_limits)


_bearer = HTTPBearer(auto_error=False, description="the token from POST /api/v1/enrol")


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def current_device(request: Request, creds: BearerDep) -> Device:
    return service.authenticate(request.app.state.ctx, creds.credentials if creds else None)


async def current_manager(device: Annotated[Device, Depends(current_device)]) -> Device:
    """Async: no I/O, so no hop through the thread pool."""
    if device.role != "manager":
        raise forbidden()
    return device


DeviceDep = Annotated[Device, Depends(current_device)]
ManagerDep = Annotated[Device, Depends(current_manager)]


async def _known_query(request: Request) -> None:
    """Refuse query parameters a route does not declare (a typo is an error, not ignored).
    Async: it does no I/O, so it runs on the event loop, not a thread of the pool."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed: set[str] = set()
    todo = [dependant]
    while todo:
        dep = todo.pop()
        allowed.update(p.alias for p in dep.query_params)
        todo.extend(dep.dependencies)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ApiError(422, "invalid_request", "sync.api.unknown_query",
                       names=", ".join(unknown)[:200])


def create_app(settings: ServerSettings, context: ServerContext | None = None) -> FastAPI:
    """The endpoint as an ASGI app (migrates the database to head on creation)."""
    ctx = context or ServerContext(settings)
    ctx.checklists.bundle()  # record what is issued before the first device can ask
    app = FastAPI(
        title="hallcheck central endpoint",
        version=f"{API_VERSION}.0",
        description="Devices enrol, pull checklists/outlets/assignments and push inspections "
        "and photos; managers and scripts read what arrived. See docs/api.md.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        dependencies=[Depends(_known_query)],
    )
    app.state.ctx = ctx
    app.add_middleware(LimitsMiddleware, max_request_bytes=ctx.limits.max_request_bytes,
                       max_json_bytes=ctx.limits.max_json_bytes)
    _install_error_handlers(app)

    errors: Responses = {
        400: {"model": ErrorBody, "description": "malformed request"},
        401: {"model": ErrorBody, "description": "no token, an unknown or a revoked one"},
        413: {"model": ErrorBody, "description": "request larger than the announced limit"},
        422: {"model": ErrorBody, "description": "invalid request"},
    }
    forbidden_resp: Responses = {403: {"model": ErrorBody, "description": "managers only"}}
    not_found_resp: Responses = {404: {"model": ErrorBody, "description": "not found"}}

    api = API_PREFIX
    meta_errors: Responses = {422: {"model": ErrorBody, "description": "unknown query parameter"}}

    @app.get(f"{api}/health", response_model=Health, tags=["meta"], responses=meta_errors)
    def health() -> Health:
        """Liveness and the API version; no token needed (the client's reachability probe)."""
        return Health(status="ok", api_version=API_VERSION)

    @app.get(f"{api}/limits", response_model=Limits, tags=["meta"], responses=meta_errors)
    def limits() -> Limits:
        """The largest requests the server accepts; the client sends within them."""
        return ctx.limits

    @app.post(f"{api}/enrol", response_model=EnrolResponse, tags=["devices"],
              responses={**errors, 429: {
                  "model": ErrorBody, "headers": {"Retry-After": {
                      "schema": {"type": "integer"}, "description": "seconds to wait"}},
                  "description": "too many refused codes from this address: wait"}})
    def enrol(req: EnrolRequest, request: Request) -> EnrolResponse:
        """Trade a one-time enrolment code (from `hallcheck admin enrol-code create`) for a
        device token. The token is shown once; the server keeps only its SHA-256. After a
        few refused codes from one address, each further attempt must wait longer (429
        with Retry-After)."""
        return service.enrol(ctx, req, request.client.host if request.client else None)

    @app.get(f"{api}/me", response_model=Me, tags=["devices"], responses=errors)
    def me(device: DeviceDep) -> Me:
        """Who the token belongs to."""
        with ctx.session() as s:
            inspector = s.get(Inspector, device.inspector_id) if device.inspector_id else None
        return Me(device_id=device.id, device_name=device.name,
                  role=device.role,  # type: ignore[arg-type]
                  inspector_id=device.inspector_id,
                  inspector_name=inspector.name if inspector else None)

    @app.get(f"{api}/checklists", response_model=ChecklistBundle, tags=["pull"],
             responses={**errors, 304: {"description": "unchanged since the If-None-Match"}})
    def checklists(device: DeviceDep,
                   if_none_match: Annotated[str | None, Header()] = None) -> Response:
        """Every current checklist definition, every phase of every kind x tier (the
        default phase last within each kind x tier); ETag + If-None-Match make an unchanged
        set a 304 with no body."""
        bundle = ctx.checklists.bundle()
        return _etagged(ChecklistBundle(etag=bundle.etag, checklists=bundle.checklists,
                                        tiers=bundle.tiers),
                        bundle.etag, if_none_match)

    @app.get(f"{api}/checklists/{{kind}}/{{tier}}", tags=["pull"],
             responses={**errors, **not_found_resp,
                        304: {"description": "unchanged since the If-None-Match"},
                        200: {"description": "one ResolvedChecklist document"}})
    def checklist_one(
        device: DeviceDep,
        kind: Annotated[str, Path(pattern=r"^[a-z_]{1,32}$")],
        tier: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")],
        phase: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,63}$",
                                           description="default: the default phase")] = None,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        """The current definition for one kind, tier and phase, with its content hash as
        ETag."""
        found = ctx.checklists.bundle().find(kind, tier, phase)
        if found is None:
            raise not_found("sync.api.checklist_not_found", kind=kind, tier=tier)
        return _etagged(found, f'"{found["content_hash"]}"', if_none_match)

    @app.get(f"{api}/outlets", response_model=OutletList, tags=["pull"], responses=errors)
    def outlets(device: DeviceDep) -> OutletList:
        """Every outlet (code, name, tier, region, business unit, address, active)."""
        return OutletList(outlets=service.list_outlets(ctx))

    @app.get(f"{api}/assignments", response_model=AssignmentList, tags=["pull"],
             responses=errors)
    def assignments(device: DeviceDep) -> AssignmentList:
        """The open visits assigned to this device's inspector."""
        return service.list_assignments(ctx, device)

    @app.get(f"{api}/visits/recent", response_model=RecentVisits, tags=["pull"],
             responses=errors)
    def visits_recent(device: DeviceDep) -> RecentVisits:
        """This device's shopper's covert visits of the last three months, from every
        device (outlet and when finalised), so the device blocks a repeat visit on site."""
        return service.recent_visits(ctx, device)

    @app.post(f"{api}/photos/missing", response_model=MissingPhotosResponse, tags=["push"],
              responses=errors)
    def photos_missing(req: MissingPhotosRequest, device: DeviceDep) -> MissingPhotosResponse:
        """Which of these photo hashes the server does not hold, so nothing is sent twice."""
        return MissingPhotosResponse(missing=service.missing_photos(ctx, req.hashes))

    @app.put(
        f"{api}/photos/{{sha256}}", response_model=PhotoAck, tags=["push"],
        responses=errors,
        openapi_extra={"requestBody": {"required": True, "content": {
            MEDIA_PHOTO: {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        }}},
    )
    async def put_photo(
        request: Request,
        sha256: Annotated[str, Path(pattern=SHA256_PATTERN,
                                    description="SHA-256 of the bytes, lower-case hex")],
        device: DeviceDep,
    ) -> PhotoAck:
        """Upload a photo's raw bytes under their SHA-256. The server verifies the hash
        (422 `hash_mismatch` otherwise); the same photo again is a no-op success."""
        data = await request.body()
        return await run_in_threadpool(service.store_photo, ctx, device, sha256, data)

    @app.get(f"{api}/photos/{{sha256}}", tags=["read"],
             responses={**errors, **not_found_resp,
                        200: {"content": {MEDIA_PHOTO: {}}, "description": "the bytes"}})
    def get_photo(sha256: Annotated[str, Path(pattern=SHA256_PATTERN)],
                  device: DeviceDep) -> StreamingResponse:
        """A stored photo's bytes (managers; a device only its own uploads)."""
        photo = service.photo_owner_or_manager(ctx, device, sha256)
        return StreamingResponse(ctx.photos.open_chunks(sha256), media_type=MEDIA_PHOTO,
                                 headers={"Content-Length": str(photo.size),
                                          "ETag": f'"{sha256}"'})

    @app.put(f"{api}/inspections/{{uuid}}", response_model=InspectionAck, tags=["push"],
             responses={**errors,
                        403: {"model": ErrorBody, "description": "this token may not file "
                              "it (another inspector, a kind its role does not file, "
                              "another outlet than its kiosk's, another's amendment)"},
                        409: {"model": ConflictBody,
                              "description": "differs from what is stored; kept for "
                              "review, never overwritten"}})
    def put_inspection(uuid: UUID, upload: InspectionUpload,
                       creds: BearerDep) -> InspectionAck:
        """Store an inspection keyed by its device-made UUID, re-scored by the server
        against the checklist definition it issued (the device's score is kept as a
        claim). Refused with a reason and nothing stored (422) for a checklist never
        issued, answers to unknown items or values an item cannot take, a finalized visit
        missing required answers or veto evidence. Sending the same body again is a no-op
        success; a different body for a stored finalized inspection (or for another
        device's) is a 409 and is kept for review."""
        # the token is looked up on the connection that stores the upload (one session)
        return service.put_inspection_with_token(ctx, creds.credentials if creds else None,
                                                 uuid, upload)

    @app.get(f"{api}/inspections", response_model=InspectionPage, tags=["read"],
             responses={**errors, **forbidden_resp})
    def list_inspections(
        manager: ManagerDep,
        after: Annotated[int, Query(ge=0, le=INT32_MAX,
                                    description="cursor: seq > after")] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        outlet: Annotated[str | None, Query(max_length=64, pattern=_ID_PATTERN)] = None,
        device: Annotated[str | None, Query(max_length=64, pattern=_ID_PATTERN)] = None,
        status: Annotated[str | None, Query(pattern="^(draft|finalized)$")] = None,
        complete: Annotated[bool | None, Query(description="finalized with every photo")] = None,
    ) -> InspectionPage:
        """What arrived, in arrival order, with completeness (all photos arrived)."""
        return service.list_inspections(ctx, after=after, limit=limit, outlet=outlet,
                                        device_id=device, status=status, complete=complete)

    @app.get(f"{api}/inspections/{{uuid}}", response_model=InspectionDetail, tags=["read"],
             responses={**errors, **not_found_resp})
    def get_inspection(uuid: UUID, device: DeviceDep) -> InspectionDetail:
        """One inspection as stored, with the photos still missing (managers; a device only
        its own)."""
        return service.get_inspection(ctx, device, uuid)

    @app.get(f"{api}/conflicts", response_model=ConflictList, tags=["read"],
             responses={**errors, **forbidden_resp})
    def conflicts(manager: ManagerDep,
                  after: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> ConflictList:
        """Uploads refused with 409, kept for a person to review."""
        return ConflictList(conflicts=service.list_conflicts(ctx, after, limit))

    @app.get(f"{api}/devices", response_model=list[DeviceOut], tags=["read"],
             responses={**errors, **forbidden_resp})
    def devices(manager: ManagerDep) -> list[DeviceOut]:
        """Enrolled devices (never their tokens)."""
        return admin.list_devices(ctx)

    from app.central import review_api  # review, disputes, console sessions, /returns

    review_api.install(app, ctx)
    return app


def _etagged(payload: Any, etag: str, if_none_match: str | None) -> Response:
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    body = payload.model_dump(mode="json") if hasattr(payload, "model_dump") else payload
    return JSONResponse(body, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message(_lang(request)),
                      headers=exc.headers, **exc.extra)

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
        return _client_gone(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = _lang(request)
        errs = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errs):
            return _error(400, "malformed_json", t("sync.api.malformed_json", lang))
        details = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                    "type": str(e.get("type", ""))} for e in errs[:50]]
        plain = next((e for e in errs if e.get("type") in _PLAIN_JSON_ERRORS), None)
        if plain is not None:  # one clear sentence: a NUL, a NaN, too deep, out of range
            ctx_ = plain.get("ctx") or {}
            where = str(ctx_.get("where") or "/".join(str(p) for p in plain.get("loc", ())
                                                      if p != "body"))
            return _error(422, "invalid_request",
                          t(f"sync.api.invalid.{plain['type']}", lang, where=where,
                            limit=ctx_.get("limit", "")), details=details)
        where = "; ".join(f"{'.'.join(d['loc'])}: {d['msg']}" for d in details[:3])
        if len(details) > 3:
            where += f"; +{len(details) - 3}"
        return _error(422, "invalid_request", t("sync.api.invalid_request", lang, where=where),
                      details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = _lang(request)
        code = _STATUS_CODES.get(exc.status_code, "error")
        if isinstance(exc.__cause__, ClientDisconnect):  # the body never finished arriving
            return _client_gone(request)
        if exc.status_code == 405:
            allow = ", ".join(_allowed_methods(request))
            return _error(405, code, t("sync.api.http.405", lang), headers={"Allow": allow})
        if isinstance(exc, BodyTooLarge):
            return _error(413, code, _too_large_message(exc.limit, lang), limit=exc.limit)
        if exc.status_code == 400 and isinstance(exc.__cause__, BodyTooLarge):
            limit = exc.__cause__.limit
            return _error(413, "too_large", _too_large_message(limit, lang), limit=limit)
        key = f"sync.api.http.{exc.status_code}"
        message = t(key, lang)
        if message == key:
            message = str(exc.detail)
        return _error(exc.status_code, code, message, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path,
                  exc_info=exc)
        return _error(500, "internal", t("sync.api.internal", _lang(request)))


def _client_gone(request: Request) -> Response:
    """A client that went away mid-request (a phone losing its network): one info line, no
    traceback, and an answer nobody will read."""
    log.info("client went away during %s %s", request.method, request.url.path)
    return Response(status_code=400)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (the 405's Allow header)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        for method in getattr(route, "methods", None) or ():
            match, _ = route.matches({**request.scope, "method": method})
            if match is Match.FULL:
                methods.add(method)
    return sorted(methods)
