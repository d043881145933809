"""The wire protocol both ends share: what a device uploads, what the server acknowledges.

Everything crossing the network is one of these pydantic models, so the client builds
exactly what the server validates and both compute the same `body_sha256` from the same
canonical JSON. Unknown keys are refused (`extra="forbid"`): the API is versioned under
`/api/v1`, a new field means a new version, never a silently dropped value.

An upload is delivered only when the server answers with an *acknowledgement*: a JSON
body of the Ack shape naming the inspection (or photo hash) and what was stored. A 200
with anything else (a captive portal's login page, a proxy's error page) is not one.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.checklists import Kind

API_VERSION = 1
API_PREFIX = "/api/v1"
MEDIA_JSON = "application/json"
MEDIA_PHOTO = "application/octet-stream"
LIMITS_HEADER = "X-Hallcheck-Max-Request-Bytes"

# Defaults the server announces at GET /api/v1/limits (and in LIMITS_HEADER).
DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024  # the largest request body of any kind
DEFAULT_MAX_JSON_BYTES = 2 * 1024 * 1024  # the largest JSON body (an inspection)
MAX_HASHES_PER_QUERY = 1000  # POST /photos/missing

# What both databases store: an INTEGER column is 32-bit on PostgreSQL, so every integer a
# device sends that may reach a column is bounded to it (a bigger one is a 422, never a 500).
INT32_MAX = 2**31 - 1
# Free-form JSON (the device's score detail) nests at most this deep, and a whole body is
# checked against it once: whatever is accepted is read back by every JSON parser in use
# (pydantic's stops at 200 levels, Python's json at about 1000).
MAX_JSON_DEPTH = 32
MAX_FREE_FORM_NODES = 100_000  # values in the score detail
# An answer's or a free-form integer stays exact in a double (what JSON readers use).
MAX_SAFE_INT = 2**53

Sha256 = Annotated[
    str, StringConstraints(pattern=r"^[0-9a-f]{64}$"),
    Field(description="lower-case hex SHA-256 of the photo's bytes"),
]
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f/\\]+$"),
    Field(description="an identifier (outlet code, inspector id): no slashes or controls"),
]
ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Note = Annotated[str, StringConstraints(max_length=20_000)]
Tier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Int32 = Annotated[int, Field(ge=0, le=INT32_MAX)]
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _sane_moment(value: datetime) -> datetime:
    """A device's clock may be wrong, but not by centuries: a time outside 1970..2200 is a
    422 (year 1 at +08:00 is not even a time in UTC, and no column needs to hold it)."""
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError("time_out_of_range", "a time between 1970 and 2200")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_sane_moment)]
SafeInt = Annotated[int, Field(ge=-MAX_SAFE_INT, le=MAX_SAFE_INT)]


class Wire(BaseModel):
    """Base of every protocol model: unknown keys are an error, not silently dropped, and
    numbers are real numbers (Infinity and NaN are not JSON, and no database stores them
    the same way)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def check_plain_json(data: Any, *, max_depth: int = MAX_JSON_DEPTH,
                     max_nodes: int | None = None, where: str = "") -> None:
    """Refuse what a database or a JSON reader cannot take back: a NUL character in any
    string or key (PostgreSQL text cannot hold one), Infinity/NaN, an integer beyond a
    double's exact range, nesting deeper than `max_depth`, more than `max_nodes` values.

    Raises PydanticCustomError (a 422 naming the place) inside a validator. Iterative, so a
    deep document cannot exhaust the stack while it is being checked.
    """
    if not _plainly_json(data, max_depth, max_nodes):
        _walk_plain_json(data, max_depth, max_nodes, where)


def _walk_plain_json(data: Any, max_depth: int, max_nodes: int | None, where: str) -> None:
    """The careful walk behind `check_plain_json`: raises naming the first place at fault."""
    stack: list[tuple[Any, int, str]] = [(data, 1, where)]
    nodes = 0
    while stack:
        value, depth, path = stack.pop()
        nodes += 1
        if max_nodes is not None and nodes > max_nodes:
            raise PydanticCustomError("json_too_big", "more than {limit} values at {where}",
                                      {"limit": max_nodes, "where": where or "/"})
        if isinstance(value, str):
            if "\x00" in value:
                raise PydanticCustomError("nul_character", "a NUL character at {where}",
                                          {"where": path or "/"})
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise PydanticCustomError("non_finite_number", "{value} at {where} is not a "
                                          "number JSON allows",
                                          {"value": str(value), "where": path or "/"})
        elif isinstance(value, int):
            if abs(value) > MAX_SAFE_INT:
                raise PydanticCustomError("number_too_big", "the integer at {where} is "
                                          "beyond ±2^53", {"where": path or "/"})
        elif isinstance(value, dict | list | tuple):
            if depth > max_depth:
                raise PydanticCustomError("json_too_deep", "nested deeper than {limit} "
                                          "levels at {where}",
                                          {"limit": max_depth, "where": path or "/"})
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, str) and "\x00" in key:
                        raise PydanticCustomError("nul_character", "a NUL character at "
                                                  "{where}", {"where": f"{path}/{key!r}"})
                    stack.append((item, depth + 1, f"{path}/{key}"))
            else:
                stack.extend((item, depth + 1, f"{path}/{i}") for i, item in enumerate(value))


def _plainly_json(data: Any, max_depth: int, max_nodes: int | None) -> bool:
    """True when `data` passes every check of `check_plain_json` (False: it may not; the
    caller walks it again to say where). One level at a time, with no paths: every upload
    pays this, only a refused one pays for the message."""
    level, depth, nodes = [data], 1, 0
    while level:
        nodes += len(level)
        if max_nodes is not None and nodes > max_nodes:
            return False
        deeper: list[Any] = []
        texts: list[str] = []  # the level's strings and keys, searched for a NUL at once
        for value in level:
            kind = type(value)
            if kind is str:
                texts.append(value)
            elif kind is dict:
                if depth > max_depth:
                    return False
                texts.extend(value)  # a key that is not a string: join fails, walk again
                deeper.extend(value.values())
            elif kind is list:
                if depth > max_depth:
                    return False
                deeper.extend(value)
            elif kind is float:
                if not math.isfinite(value):
                    return False
            elif kind is int:
                if not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
                    return False
            elif value is not None and kind is not bool:
                return False  # anything else (a tuple, a subclass): the careful walk decides
        try:
            if "\x00" in "".join(texts):
                return False
        except TypeError:
            return False
        level, depth = deeper, depth + 1
    return True


class Body(Wire):
    """A request body: checked once, as a whole, by `check_plain_json` before its fields
    are (so a NUL in any string, a NaN or a too-deep nesting is one clear 422)."""

    @model_validator(mode="before")
    @classmethod
    def _plain_json(cls, data: Any) -> Any:
        check_plain_json(data)
        return data


# --- what a device uploads ---------------------------------------------------------------


class Location(Wire):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    accuracy_m: Annotated[float, Field(ge=0)] | None = None
    at: Moment | None = None


class ScoreSnapshot(Wire):
    """The score as the device computed it at finalise: a claim, kept verbatim. The server
    scores the answers itself against the definition it issued and uses its own score; a
    claim outside 0..100 is no score at all and is refused."""

    total: Annotated[float, Field(ge=0, le=100)] | None = None
    complete: bool | None = None
    voided: bool = False
    veto_count: Int32 = 0
    detail: dict[str, Any] = Field(default={}, description="sections, items, vetoes as "
                                   f"scored on the device (JSON nested at most "
                                   f"{MAX_JSON_DEPTH} deep, at most {MAX_FREE_FORM_NODES} "
                                   "values)")

    @model_validator(mode="before")
    @classmethod
    def _bounded_detail(cls, data: Any) -> Any:
        if isinstance(data, dict) and "detail" in data:
            check_plain_json(data["detail"], max_nodes=MAX_FREE_FORM_NODES,
                             where="score/detail")
        return data


class AnswerUpload(Wire):
    item_id: ItemId
    value: bool | SafeInt | float | Note | None = Field(
        default=None, description="yes_no: true/false/\"na\"; scale: int/\"na\"; number; "
        "choice: option id/\"na\"; text: str")
    answered_at: Moment | None = None
    note: Note | None = None
    noted_at: Moment | None = None


class PhotoRef(Wire):
    sha256: Sha256
    item_id: ItemId | None = None
    size: Annotated[int, Field(gt=0, le=INT32_MAX)]
    width: Annotated[int, Field(ge=1, le=100_000)] | None = None
    height: Annotated[int, Field(ge=1, le=100_000)] | None = None
    captured_at: Moment | None = None
    source: Literal["camera", "gallery"] = "camera"
    content_type: Literal["image/jpeg", "image/png", "image/webp", "image/heic"] = "image/jpeg"


class VetoUpload(Wire):
    """一票否决 raised in this visit, with its evidence."""

    item_id: ItemId
    section_id: ItemId | None = None
    scope: Literal["section", "visit"]
    reason_zh: Annotated[str, StringConstraints(max_length=500)] | None = None
    reason_en: Annotated[str, StringConstraints(max_length=500)] | None = None
    note: Note | None = None
    photos: Annotated[list[Sha256], Field(max_length=50)] = []
    raised_at: Moment | None = None


class ActionUpload(Wire):
    """A corrective action raised in this visit (owner and due date)."""

    uuid: UUID
    item_id: ItemId | None = None
    description: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    owner: Name
    due_date: date
    raised_at: Moment


class ActionUpdate(Wire):
    """An earlier visit's corrective action followed up in this visit."""

    uuid: UUID
    change: Literal["closed", "carried"]
    note: Note | None = None
    due_date: date | None = Field(default=None, description="the new due date when carried")
    at: Moment | None = None


class Amendment(Wire):
    """A finished result is never edited: a correction is a new record naming who, when, why."""

    by: Name
    at: Moment
    reason: Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class InspectionUpload(Body):
    """One inspection as the device made it; keyed by the UUID the device generated."""

    uuid: UUID
    device_id: Code
    outlet_code: Code
    kind: Kind
    tier: Tier
    phase: Tier | None = None
    inspector_id: Code
    checklist_id: ItemId
    checklist_version: Annotated[int, Field(ge=1, le=INT32_MAX)]
    checklist_hash: Sha256
    created_seq: Annotated[int, Field(ge=0, le=INT32_MAX,
                                      description="the device's order of creation")]
    started_at: Moment
    finalized_at: Moment | None = None
    location_start: Location | None = None
    location_end: Location | None = None
    status: Literal["draft", "finalized"]
    score: ScoreSnapshot | None = None
    answers: Annotated[list[AnswerUpload], Field(max_length=2000)] = []
    photos: Annotated[list[PhotoRef], Field(max_length=500)] = []
    vetoes: Annotated[list[VetoUpload], Field(max_length=500)] = []
    actions: Annotated[list[ActionUpload], Field(max_length=500)] = []
    action_updates: Annotated[list[ActionUpdate], Field(max_length=500)] = []
    amends_uuid: UUID | None = None
    amendment: Amendment | None = None

    @model_validator(mode="after")
    def _consistent(self) -> InspectionUpload:
        if self.status == "finalized" and self.finalized_at is None:
            raise ValueError("a finalized inspection needs finalized_at")
        if (self.amends_uuid is None) != (self.amendment is None):
            raise ValueError("amends_uuid and amendment go together (who, when and why)")
        if self.amends_uuid == self.uuid:
            raise ValueError("an inspection cannot amend itself")
        sizes: dict[str, int] = {}
        for p in self.photos:
            if sizes.setdefault(p.sha256, p.size) != p.size:
                raise ValueError(f"photo {p.sha256} is listed with two different sizes")
        return self

    def photo_hashes(self) -> list[str]:
        """Each distinct photo hash, in the order first listed."""
        return list(dict.fromkeys(p.sha256 for p in self.photos))

    def body_sha256(self) -> str:
        return body_sha256(self)


def canonical_json(model: BaseModel) -> bytes:
    """The one byte form of a model both ends hash: sorted keys, no spaces, UTF-8."""
    data = model.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def body_sha256(model: BaseModel) -> str:
    return hashlib.sha256(canonical_json(model)).hexdigest()


# --- what the server answers ----------------------------------------------------------


class InspectionAck(Wire):
    """The only answer to PUT /inspections/{uuid} that counts as delivered."""

    ack: Literal["inspection"]
    uuid: UUID
    body_sha256: Sha256
    stored: Literal["created", "unchanged", "updated"]
    status: Literal["draft", "finalized"]
    complete: bool = Field(description="every photo the inspection lists has arrived")
    missing_photos: list[Sha256] = []
    received_at: AwareDatetime


class PhotoAck(Wire):
    """The only answer to PUT /photos/{sha256} that counts as delivered."""

    ack: Literal["photo"]
    sha256: Sha256
    size: Annotated[int, Field(ge=0)]
    stored: Literal["created", "unchanged"]


class MissingPhotosRequest(Body):
    hashes: Annotated[list[Sha256], Field(max_length=MAX_HASHES_PER_QUERY)]


class MissingPhotosResponse(Wire):
    missing: list[Sha256]


class ErrorBody(BaseModel):
    """Every error the server sends: a stable code for programs and a sentence for people."""

    error: str
    message: str
    details: list[dict[str, Any]] | None = None


class ConflictBody(ErrorBody):
    uuid: UUID
    conflict_id: int | None = Field(description="the kept conflict; null when the device "
                                    "already has too many kept (`conflict_limit`)")
    stored_body_sha256: Sha256 | None = None


class Limits(Wire):
    api_version: int
    max_request_bytes: int = Field(description="no request body may be larger (413 otherwise)")
    max_json_bytes: int = Field(description="no JSON body may be larger (413 otherwise)")
    max_photo_bytes: int
    max_hashes_per_query: int


class Health(Wire):
    status: Literal["ok"]
    api_version: int


class EnrolRequest(Body):
    code: Annotated[str, StringConstraints(min_length=4, max_length=64)]
    device_name: Name
    platform: Annotated[str, StringConstraints(max_length=100)] | None = None


class EnrolResponse(Wire):
    device_id: Code
    token: str = Field(description="send as 'Authorization: Bearer <token>'; shown once")
    role: Literal["device", "manager"]
    inspector_id: Code | None = None
    inspector_name: str | None = None
    inspector_role: str | None = None
    api_version: int


class Me(Wire):
    device_id: Code
    device_name: str
    role: Literal["device", "manager"]
    inspector_id: Code | None = None
    inspector_name: str | None = None


class OutletOut(Wire):
    code: Code
    name: str
    tier: Tier
    region: str | None = None
    business_unit: str | None = None
    address: str | None = None
    active: bool = True


class OutletList(Wire):
    outlets: list[OutletOut]


class AssignmentOut(Wire):
    id: int
    outlet_code: Code
    inspector_id: Code
    kind: Kind
    due_from: date | None = None
    due_by: date | None = None
    note: str | None = None


class AssignmentList(Wire):
    inspector_id: Code | None
    assignments: list[AssignmentOut]


class ChecklistBundle(Wire):
    """Every resolved checklist (kind x tier x phase) the server currently issues.

    For each kind and tier the definitions of the other phases come first and the default
    phase's last, so a device that predates phases (and takes the last one per kind and
    tier as current) keeps using the default phase.
    """

    etag: str
    checklists: list[dict[str, Any]] = Field(
        description="ResolvedChecklist documents (id, kind, version, tier, phase, sections, "
        "content_hash), every phase of every kind x tier, the default phase last within "
        "each kind x tier; a draft keeps the definition it started with"
    )
    tiers: dict[str, dict[str, Any]] = Field(
        default={}, description="tier name -> {family, label: {zh, en}}"
    )


class InspectionSummary(Wire):
    seq: int = Field(description="arrival order on the server; use as the `after` cursor")
    uuid: UUID
    device_id: str
    inspector_id: str
    outlet_code: str
    kind: str
    tier: str
    status: Literal["draft", "finalized"]
    started_at: datetime
    finalized_at: datetime | None = None
    received_at: datetime
    phase: str | None = None
    score_total: float | None = Field(default=None, description="the server's score, "
                                      "re-scored on arrival: the one that counts")
    device_score_total: float | None = Field(default=None,
                                             description="what the device claimed")
    voided: bool = Field(default=False, description="a visit-level 一票否决 voided it")
    veto_count: int = 0
    flags: list[str] = Field(default=[], description="score_disagreement, veto, rotation, "
                             "short_visit, late_upload")
    time_on_site_s: int | None = None
    amends_uuid: UUID | None = None
    photo_count: int
    photos_missing: int
    complete: bool = Field(description="finalized and every photo it lists has arrived")
    body_sha256: Sha256


class RecentVisit(Wire):
    outlet_code: str
    finalized_at: datetime


class RecentVisits(Wire):
    """The token's shopper's covert visits of the rotation window (from every device), so a
    new phone blocks a repeat visit on site too."""

    inspector_id: str | None
    since: datetime
    visits: list[RecentVisit]


class InspectionPage(Wire):
    items: list[InspectionSummary]
    next_after: int | None = Field(description="pass as ?after= for the next page; null: done")


class InspectionDetail(Wire):
    summary: InspectionSummary
    missing_photos: list[Sha256]
    body: InspectionUpload


class ConflictOut(Wire):
    id: int
    uuid: UUID
    device_id: str
    received_at: datetime
    reason: str
    body_sha256: Sha256
    stored_body_sha256: Sha256 | None = None
    body: dict[str, Any]


class ConflictList(Wire):
    conflicts: list[ConflictOut]


class DeviceOut(Wire):
    id: str
    name: str
    role: str
    inspector_id: str | None = None
    created_at: datetime
    last_seen_at: datetime | None = None
    revoked_at: datetime | None = None


class ReturnedOut(Wire):
    """A result the reviewer returned to its inspector (GET /api/v1/returns)."""

    uuid: UUID
    reason: str | None = None
    returned_at: datetime | None = None
    superseded_by: UUID | None = Field(default=None, description="an amendment of it the "
                                       "server already holds")


class ReturnList(Wire):
    returns: list[ReturnedOut]
