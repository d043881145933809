"""A programme office with months of results, made the way the office gets them: outlets
and commission bases imported from CSV files, a shopper's enrolled device uploading
finalised visits through the service the API calls (re-scored by the server), and a
reviewer approving them. On a real SQLite file or a real throwaway PostgreSQL.

Scores are whatever the server's scoring gives for the answers; the tests work their
expected figures out by hand from those scores and the shipped programme.yaml.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from app.central import admin, review, service
from app.central.accounts import ManagerInfo
from app.central.context import ServerContext
from app.central.models import Device
from app.central.month.masterdata import import_bases_csv
from app.checklists import Catalog, ItemType, ResolvedChecklist, default_checklists_path
from app.checklists.scoring import score, visibility
from app.sync.protocol import EnrolRequest, InspectionUpload

from ..review_support import account

CHECKLISTS = default_checklists_path()  # the shipped rulebook: every tier programme.yaml names

CHINA_OFFSET = timedelta(hours=8)

OUTLETS_CSV = (
    "code,name,tier,business_unit,region,cooperation_start,competitor,class,area_manager,owner\n"
    """A1,东区代理一店,agent,东区营业部,西湖,2019-01-15,否,A,am.zhao,王老板
A2,东区代理二店,agent,东区营业部,西湖,2024-06-01,否,B,am.zhao,李老板
A3,东区代理三店,agent,东区营业部,西湖,2021-09-01,否,A,am.zhao,
H1,东区旗舰厅,flagship,东区营业部,西湖,2015-03-01,否,A,am.qian,
C1,同业某店,agent,东区营业部,西湖,,是,,,
""")
BASES_CSV = """class,region,period,amount
A,西湖,2025-H1,"1,000.00"
B,西湖,2025-H1,800
A,西湖,2025-Q3,1200.50
B,西湖,2025-Q3,800
"""


def cents(value: Decimal) -> int:
    """Money to the cent, half up, as finance rounds it."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def payment_factor(score_value: Decimal) -> Decimal:
    """The shipped table, written out by hand (programme.yaml 2025.1)."""
    bands = [(60, "-1.0"), (70, "-0.5"), (75, "0.0"), (80, "0.5"), (85, "0.8"), (90, "1.0"),
             (95, "1.2")]
    for upper, factor in bands:
        if score_value < upper:
            return Decimal(factor)
    return Decimal("1.5")


def years_factor(years: int) -> Decimal:
    return Decimal("1.0") if years < 2 else Decimal("1.1") if years < 4 else (
        Decimal("1.2") if years < 6 else Decimal("1.3"))


def month_start_utc(year: int, month: int, day: int = 10, hour: int = 10) -> datetime:
    """A visit time in that China month (10:00 local on the day)."""
    return datetime(year, month, day, hour, tzinfo=UTC) - CHINA_OFFSET


def answers_for(checklist: ResolvedChecklist, rng: random.Random, fail_rate: float
                ) -> tuple[dict[str, Any], dict[str, str], dict[str, int]]:
    """Answers a careful inspector gives (some failed), with the notes and photo counts
    finalising asks for."""
    from app.checklists.evaluation import finalise_problems

    answers: dict[str, Any] = {}
    for item_id, item in checklist.items.items():
        if not visibility(checklist, answers)[item_id]:
            continue
        kind = item.type
        if kind is ItemType.YES_NO:
            answers[item_id] = item.pass_if if rng.random() >= fail_rate else not item.pass_if
        elif kind is ItemType.SCALE:
            answers[item_id] = item.max if rng.random() >= fail_rate else item.min
        elif kind is ItemType.NUMBER:
            lo = item.min if item.min is not None else 0
            answers[item_id] = lo
        elif kind is ItemType.CHOICE:
            answers[item_id] = (item.options or [])[0].id
        elif kind is ItemType.TEXT:
            answers[item_id] = "店员很热情"
    notes: dict[str, str] = {}
    photos: dict[str, int] = {}
    for _ in range(5):  # add what finalising still asks for, until it asks for nothing
        shown = visibility(checklist, answers)
        from app.checklists.evaluation import Photo

        missing = finalise_problems(
            checklist, answers, notes,
            {i: [Photo(source="camera")] * n for i, n in photos.items()}, shown=shown)
        if not missing:
            break
        for m in missing:
            if "photo" in m.reason:
                photos[m.item_id] = photos.get(m.item_id, 0) + 1
            else:
                notes[m.item_id] = "现场记录：见照片"
    return answers, notes, photos


@dataclass
class Office:
    """The office under test: its context, one shopper device, one reviewer."""

    ctx: ServerContext
    tmp: Path
    device: Device = field(init=False)
    reviewer: ManagerInfo = field(init=False)
    catalog: Catalog = field(init=False)
    seed: int = 0

    def __post_init__(self) -> None:
        self.catalog = Catalog.from_file(CHECKLISTS)
        admin.add_inspector(self.ctx, "ms-001", "暗访员 张三")
        admin.add_inspector(self.ctx, "am-001", "片区经理 赵", role="area_manager")
        self.device = self._enrol("ms-001")
        self.manager_device = self._enrol("am-001")
        self.reviewer = account(self.ctx, "rev.li", "reviewer")
        self.manager = account(self.ctx, "mgr.wang", "manager")

    def _enrol(self, inspector: str) -> Device:
        code, _ = admin.create_enrol_code(self.ctx, inspector)
        token = service.enrol(self.ctx, EnrolRequest(code=code, device_name=f"{inspector}"),
                              client="127.0.0.1").token
        return service.authenticate(self.ctx, token)

    def import_master_data(self, outlets: str = OUTLETS_CSV, bases: str = BASES_CSV) -> None:
        (self.tmp / "outlets.csv").write_text(outlets, encoding="utf-8-sig")
        admin.import_outlets_csv(self.ctx, self.tmp / "outlets.csv")
        (self.tmp / "bases.csv").write_text(bases, encoding="utf-8")
        import_bases_csv(self.ctx, self.tmp / "bases.csv")

    def visit(self, outlet: str, tier: str, at: datetime, *, fail_rate: float = 0.0,
              kind: str = "mystery_shop", approve: bool = True, seed: int | None = None
              ) -> tuple[str, float | None]:
        """One finalised visit uploaded by the device and (by default) approved.
        -> (uuid, the server's score)."""
        checklist = self.catalog.resolve(kind, tier)
        self.seed += 1
        rng = random.Random(self.seed if seed is None else seed)
        answers, notes, photos = answers_for(checklist, rng, fail_rate)
        result = score(checklist, answers)
        import uuid as uuidlib

        uid = str(uuidlib.uuid4())
        device = self.device if kind == "mystery_shop" else self.manager_device
        inspector = "ms-001" if kind == "mystery_shop" else "am-001"
        body = {
            "uuid": uid, "device_id": device.id, "outlet_code": outlet, "kind": kind,
            "tier": tier, "phase": checklist.phase, "inspector_id": inspector,
            "checklist_id": checklist.id, "checklist_version": checklist.version,
            "checklist_hash": checklist.content_hash, "created_seq": self.seed,
            "started_at": at.isoformat(),
            "finalized_at": (at + timedelta(minutes=30)).isoformat(), "status": "finalized",
            "score": {"total": result.total, "complete": result.complete,
                      "voided": result.voided, "veto_count": len(result.vetoes),
                      "detail": {}},
            "answers": [{"item_id": i, "value": v, "note": notes.get(i)}
                        for i, v in answers.items()]
            + [{"item_id": i, "value": None, "note": n} for i, n in notes.items()
               if i not in answers],
            "photos": [{"sha256": f"{hash((uid, i, n)) & (2**256 - 1):064x}",
                        "size": 1000, "item_id": i, "source": "camera"}
                       for i, c in photos.items() for n in range(c)],
            "vetoes": [{"item_id": v.item_id, "section_id": v.section_id,
                        "scope": v.scope.value, "note": notes.get(v.item_id)}
                       for v in result.vetoes],
        }
        upload = InspectionUpload.model_validate(body)
        service.put_inspection(self.ctx, device, UUID(uid), upload)
        if approve:
            review.approve(self.ctx, self.reviewer, uid)
        return uid, result.total

    def visit_scoring(self, outlet: str, tier: str, at: datetime, *, low: float, high: float,
                      kind: str = "mystery_shop", approve: bool = True
                      ) -> tuple[str, float]:
        """A visit whose server score lies in [low, high): tries fail rates until one does
        (the checklist decides the score; the test only steers towards a band)."""
        checklist = self.catalog.resolve(kind, tier)
        for attempt in range(400):
            rate = (attempt % 40) / 40
            seed = 10_000 + attempt * 7919 + self.seed
            answers, _, _ = answers_for(checklist, random.Random(seed), rate)
            total = score(checklist, answers).total
            if total is not None and low <= total < high:
                uid, got = self.visit(outlet, tier, at, fail_rate=rate, kind=kind,
                                      approve=approve, seed=seed)
                assert got is not None
                return uid, got
        raise AssertionError(f"no {kind} answers score in [{low}, {high}) on {tier}")
