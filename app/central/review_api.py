"""HTTP routes of review, disputes and console accounts (mounted by `create_app` through
`install`), and the periodic auto-approval run inside the server process.

Who may call what:
- `POST /api/v1/session` trades a console username and password for a session token;
  every other route here takes `Authorization: Bearer <token>`;
- read routes (queue, a result, its audit trail, rejection reasons) take a console session
  token or a manager *device* token (which reads like a viewer, all business units);
- actions take a console session of the right role: 403 for a viewer or a device token;
- `GET /api/v1/returns` takes a device token: that inspector's returned results.

Errors: 401 no/unknown/expired token or a failed login, 403 not allowed, 404 unknown,
409 wrong state, 422 bad input, 429 locked account (with Retry-After); every message in
the caller's language (Accept-Language), never a traceback.
"""

from __future__ import annotations

import logging
import threading
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.central import accounts, review, service
from app.central.accounts import ConsoleError, ManagerInfo
from app.central.context import ServerContext
from app.central.errors import ApiError, forbidden, unauthorized
from app.sync.protocol import API_PREFIX, ErrorBody, ReturnedOut, ReturnList

log = logging.getLogger("hallcheck.review")

_bearer = HTTPBearer(auto_error=False,
                     description="a console session token (POST /api/v1/session) or a "
                     "device token")
Reason = Annotated[str, StringConstraints(max_length=review.MAX_REASON)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class LoginRequest(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=accounts.MAX_PASSWORD)]


class LoginResponse(BaseModel):
    token: str = Field(description="send as 'Authorization: Bearer <token>'; shown once")
    manager: ManagerInfo
    idle_minutes: float
    absolute_hours: float


class NoteRequest(Body):
    note: Reason | None = None


class ReturnRequest(Body):
    reason: Reason


class RejectRequest(Body):
    reason_code: Annotated[str, StringConstraints(max_length=64)]
    note: Reason | None = None


class DisputeRequest(Body):
    statement: Reason


class DisputeCreated(BaseModel):
    id: int


class DecisionRequest(Body):
    outcome: Literal["upheld", "overturned"]
    reason: Reason


AnswerValue = bool | int | float | Annotated[str, StringConstraints(max_length=20_000)] | None


class AmendRequest(Body):
    changes: Annotated[dict[Annotated[str, StringConstraints(max_length=64)], AnswerValue],
                       Field(max_length=2000)] = {}
    notes: Annotated[dict[Annotated[str, StringConstraints(max_length=64)],
                          Annotated[str, StringConstraints(max_length=20_000)] | None],
                     Field(max_length=2000)] = {}
    reason: Reason


class Amended(BaseModel):
    uuid: str


class Reason_(BaseModel):
    code: str
    label: str


def _ctx(request: Request) -> ServerContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


def _lang(request: Request) -> str:
    return request.headers.get("accept-language", "zh")[:2]


def reader(request: Request,
           creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
           ) -> ManagerInfo:
    """A console session's account, or a manager device token reading like a viewer."""
    token = creds.credentials if creds else None
    if not token:
        raise unauthorized("sync.api.no_token")
    ctx = _ctx(request)
    info = accounts.session_manager(ctx, token)
    if info is not None:
        return info
    try:
        device = service.authenticate(ctx, token)
    except ApiError:
        raise unauthorized("accounts.session_needed") from None
    if device.role != "manager":
        raise forbidden()
    return ManagerInfo(username=device.id, display_name=device.name, role="viewer",
                       business_unit=None, active=True, kind="device")


def actor(info: Annotated[ManagerInfo, Depends(reader)]) -> ManagerInfo:
    """Actions need a console account (a device token only reads)."""
    if info.kind != "account":
        raise ApiError(403, "forbidden", "accounts.console_account_needed")
    return info


Reader = Annotated[ManagerInfo, Depends(reader)]
Actor = Annotated[ManagerInfo, Depends(actor)]
ResultId = Annotated[UUID, Path(description="the result's uuid")]

_errors: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": what} for code, what in (
        (400, "malformed request: bad JSON or NUL characters"),
        (401, "no token, an unknown or expired one"), (403, "not allowed for this account"),
        (404, "unknown result or dispute"), (409, "not in a state that allows this"),
        (422, "invalid request"))}

router = APIRouter(prefix=API_PREFIX, responses=_errors)


@router.post("/session", response_model=LoginResponse, tags=["console"],
             responses={429: {"model": ErrorBody, "description": "account locked"}})
def login(request: Request, body: LoginRequest) -> LoginResponse:
    """Log in to the console: a session token (stored hashed) that expires when idle and
    after a fixed time. Repeated wrong passwords lock the account for a while."""
    ctx = _ctx(request)
    client = request.client.host if request.client else ""
    token, info = accounts.login(ctx, body.username, body.password, client=client)
    return LoginResponse(token=token, manager=info,
                         idle_minutes=ctx.settings.session_idle_minutes,
                         absolute_hours=ctx.settings.session_absolute_hours)


@router.get("/session", response_model=ManagerInfo, tags=["console"])
def who(info: Reader) -> ManagerInfo:
    """Who the token belongs to (a device token reads as a viewer)."""
    return info


@router.delete("/session", status_code=204, tags=["console"])
def logout(request: Request,
           creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Response:
    """End this console session (the token stops working)."""
    if not creds or accounts.session_manager(_ctx(request), creds.credentials) is None:
        raise unauthorized("accounts.session_needed")
    accounts.logout(_ctx(request), creds.credentials)
    return Response(status_code=204)


@router.get("/review/queue", response_model=review.QueuePage, tags=["review"])
def review_queue(
    request: Request, info: Reader,
    state: Annotated[str, Query(pattern="^(received|approved|returned|rejected|all)$",
                                description="review state, or all")] = "received",
    kind: Annotated[str | None, Query(max_length=32)] = None,
    tier: Annotated[str | None, Query(max_length=64)] = None,
    business_unit: Annotated[str | None, Query(max_length=200)] = None,
    flag: Annotated[str | None, Query(pattern="^(" + "|".join(review.FLAGS) + ")$")] = None,
    outlet: Annotated[str | None, Query(max_length=64)] = None,
    inspector: Annotated[str | None, Query(max_length=64)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=review.MAX_PAGE)] = 50,
) -> review.QueuePage:
    """Finalised results, oldest arrival first, with counts by state and by flag. An
    account limited to a business unit sees only that unit's outlets."""
    flt = review.QueueFilter(kind=kind, tier=tier, business_unit=business_unit,
                             state=None if state == "all" else state,  # type: ignore[arg-type]
                             flag=flag, outlet=outlet, inspector=inspector)
    return review.queue(_ctx(request), info, flt, offset=offset, limit=limit)


@router.get("/review/rejection-reasons", response_model=list[Reason_], tags=["review"])
def reasons(request: Request, info: Reader) -> list[Reason_]:
    """The configured reasons a result may be rejected for, labelled in the caller's
    language."""
    return [Reason_(code=c, label=label)
            for c, label in review.rejection_reasons(_ctx(request), _lang(request))]


@router.get("/results/{uuid}", response_model=review.ResultView, tags=["review"])
def result(request: Request, uuid: ResultId, info: Reader) -> review.ResultView:
    """One result in full: outlet, inspector, times and places, answers by section, the
    server's score with vetoes and evidence, photos, amendment chain, audit trail,
    disputes, and the actions this account may take now."""
    return review.result_view(_ctx(request), info, str(uuid), lang=_lang(request))


@router.get("/results/{uuid}/audit", response_model=list[review.AuditLine], tags=["review"])
def audit_trail(request: Request, uuid: ResultId, info: Reader) -> list[review.AuditLine]:
    """Every transition of the result, oldest first (appended, never edited)."""
    return review.audit_trail(_ctx(request), info, str(uuid))


@router.post("/results/{uuid}/approve", status_code=204, tags=["review"])
def approve(request: Request, uuid: ResultId, body: NoteRequest, who: Actor) -> Response:
    """received -> approved (reviewer or manager; never the result's inspector)."""
    review.approve(_ctx(request), who, str(uuid), note=body.note)
    return Response(status_code=204)


@router.post("/results/{uuid}/return", status_code=204, tags=["review"])
def return_result(request: Request, uuid: ResultId, body: ReturnRequest,
                  who: Actor) -> Response:
    """received -> returned, with the reason the inspector's device shows."""
    review.return_result(_ctx(request), who, str(uuid), body.reason)
    return Response(status_code=204)


@router.post("/results/{uuid}/reject", status_code=204, tags=["review"])
def reject(request: Request, uuid: ResultId, body: RejectRequest, who: Actor) -> Response:
    """received -> rejected, with a code from /review/rejection-reasons (never counted)."""
    review.reject(_ctx(request), who, str(uuid), body.reason_code, note=body.note)
    return Response(status_code=204)


@router.post("/results/{uuid}/disputes", response_model=DisputeCreated, status_code=201,
             tags=["disputes"])
def open_dispute(request: Request, uuid: ResultId, body: DisputeRequest,
                 who: Actor) -> DisputeCreated:
    """Record an outlet's dispute of an approved result (managers, within the window)."""
    return DisputeCreated(id=review.open_dispute(_ctx(request), who, str(uuid),
                                                 body.statement))


@router.post("/disputes/{dispute_id}/decision", status_code=204, tags=["disputes"])
def decide(request: Request, dispute_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
           body: DecisionRequest, who: Actor) -> Response:
    """Upheld (the result stands) or overturned (the result returns for correction)."""
    review.decide_dispute(_ctx(request), who, dispute_id, body.outcome, body.reason)
    return Response(status_code=204)


@router.post("/results/{uuid}/amend", response_model=Amended, status_code=201,
             tags=["disputes"])
def amend(request: Request, uuid: ResultId, body: AmendRequest, who: Actor) -> Amended:
    """Correct a returned result in the console: a new result (received), re-scored by
    the server against the same issued definition."""
    return Amended(uuid=review.amend_by_manager(_ctx(request), who, str(uuid), body.changes,
                                                body.reason, notes_changes=body.notes))


@router.get("/returns", response_model=ReturnList, tags=["pull"])
def returns(request: Request,
            creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
            ) -> ReturnList:
    """This device's inspector's results returned by a reviewer, with the reason (the
    device shows them; the inspector answers with an amendment)."""
    device = service.authenticate(_ctx(request), creds.credentials if creds else None)
    if not device.inspector_id:
        return ReturnList(returns=[])
    rows = review.returned_for(_ctx(request), device.inspector_id)
    return ReturnList(returns=[ReturnedOut(uuid=UUID(r.uuid), reason=r.reason,
                                           returned_at=r.returned_at,
                                           superseded_by=UUID(r.superseded_by)
                                           if r.superseded_by else None) for r in rows])


# --- mounting ------------------------------------------------------------------------------


def _console_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConsoleError)
    codes = {401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "wrong_state",
             422: "invalid_request", 429: "locked"}
    headers: dict[str, str] = {}
    if isinstance(exc, accounts.AccountLocked):
        headers["Retry-After"] = str(exc.retry_after_s)
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    body = {"error": codes.get(exc.status, "error"), "message": exc.message(_lang(request))}
    return JSONResponse(jsonable_encoder(body), status_code=exc.status, headers=headers)


class AutoApprover:
    """Runs `review.auto_approve_due` at start and then every `auto_approve_every_s` in a
    daemon thread of the server process (only when auto-approval is configured)."""

    def __init__(self, ctx: ServerContext) -> None:
        self.ctx = ctx
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if not self.ctx.settings.auto_approve_hours or self.thread is not None:
            return
        self.thread = threading.Thread(target=self._run, name="hallcheck-auto-approve",
                                       daemon=True)
        self.thread.start()

    def _run(self) -> None:
        every = max(1.0, float(self.ctx.settings.auto_approve_every_s))
        wait = 0.0
        while not self.stop.wait(wait):
            wait = every
            try:
                done = review.auto_approve_due(self.ctx)
            except Exception as exc:  # the database away for a moment: try next round
                log.warning("auto-approval did not run: %s", type(exc).__name__)
                continue
            if done:
                log.info("auto-approved %d unflagged result(s)", len(done))

    def close(self) -> None:
        self.stop.set()


def install(app: FastAPI, ctx: ServerContext) -> None:
    """Mount the routes, their error mapping and the auto-approval run on `app`."""
    app.include_router(router)
    app.add_exception_handler(ConsoleError, _console_error)
    runner = AutoApprover(ctx)
    app.state.auto_approver = runner
    app.router.on_startup.append(runner.start)
    app.router.on_shutdown.append(runner.close)

