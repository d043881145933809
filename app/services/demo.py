"""A clearly marked demonstration set: every code starts with DEMO-, every name with 演示.

One outlet per tier the checklist file defines (so it fits whatever checklists.yaml holds),
a competitor's outlet, a demo inspector and a few visits planned for today. Loading it again
updates the same records; it never touches anything that is not DEMO-.

Today's demo visits are for the person using the app, whoever they are (issue 12: a
newcomer who typed their own staff ID saw none): planned for their staff ID, or for nobody
in particular (every person on the device) before one is given, and of the kind their
role does (an outlet agent never gets a covert visit; a competitor is only ever visited
covertly).
"""

from __future__ import annotations

from datetime import date

from app.checklists import Catalog, Kind
from app.services.assignments import Assignments
from app.services.outlets import OutletData, Outlets
from app.services.session import kind_for_role
from app.services.settings import Settings
from app.services.types import DemoReport
from app.store import Inspector, Store

DEMO_PREFIX = "DEMO-"
DEMO_INSPECTOR = "DEMO-INSPECTOR"
_STREETS = ("人民路", "解放路", "建设路", "中山路", "新华街", "长江路", "和平里", "光明村")


def load_demo(store: Store, catalog: Catalog, outlets: Outlets, assignments: Assignments,
              settings: Settings, today: date | None = None) -> DemoReport:
    today = today or date.today()
    made: list[OutletData] = []
    for n, (tier, tdef) in enumerate(catalog.tiers.items()):
        street = _STREETS[n % len(_STREETS)]
        made.append(OutletData(
            code=f"{DEMO_PREFIX}{tier.upper()}-01",
            name=f"演示 · {tdef.label.zh}（{street}）",
            tier=tier,
            business_unit="演示分公司",
            region="演示区",
            address=f"演示市{street}{10 + n}号",
            cooperation_start=date(2018 + n % 6, 1 + n % 12, 1),
            traffic="busy" if n % 2 == 0 else "quiet",
        ))
    halls = [t for t, d in catalog.tiers.items() if d.family.value == "self_run_hall"]
    comp_tier = halls[0] if halls else next(iter(catalog.tiers))
    made.append(OutletData(
        code=f"{DEMO_PREFIX}COMP-01",
        name=f"演示 · 友商{catalog.tiers[comp_tier].label.zh}（对标）",
        tier=comp_tier, business_unit="演示分公司", region="演示区",
        address="演示市人民路 12 号", competitor=True,
    ))
    for data in made:
        outlets.upsert(data)

    with store.writing() as s:
        inspector = s.get(Inspector, DEMO_INSPECTOR)
        if inspector is None:
            s.add(Inspector(id=DEMO_INSPECTOR, name="演示检查员",
                            role=settings.role or "mystery_shopper"))
    person = settings.inspector_id  # None: planned for whoever uses the device
    kind = Kind(kind_for_role(settings.role))

    planned: list[str] = []
    chosen = made[:3] + [d for d in made[3:] if d.competitor]
    for data in chosen:
        if kind not in catalog.kinds_for(data.tier):
            continue
        if data.competitor and kind is not Kind.MYSTERY_SHOP:
            continue
        assignment_id = f"{DEMO_PREFIX}A-{data.code[len(DEMO_PREFIX):]}-{today.isoformat()}"
        assignments.add(data.code, kind, today, inspector_id=person, source="demo",
                        assignment_id=assignment_id)
        planned.append(assignment_id)
    if not settings.inspector_id:
        settings.set_inspector(DEMO_INSPECTOR)
    return DemoReport(outlets=[d.code for d in made], inspector_id=DEMO_INSPECTOR,
                      assignments=planned)
