"""Set-up shared by the plan tests: outlets and shoppers loaded the way a manager loads them
(the outlet CSV and the shopper CSV through the real importers), and covert results stored
as the ingest stores them (tests/central/review_support.store_result)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.central import admin
from app.central.context import ServerContext
from app.central.plans.shoppers import import_shoppers_csv
from app.programme.planning.timing import CHINA

from ..review_support import store_result

HEADER = ("code,name,tier,region,business_unit,opening_hours,city_class,important,"
          "area_manager,class,competitor,every_months")
OUTLETS_CSV = HEADER + """
H1,城东旗舰厅,flagship,东区,东区营业部,09:00-21:00,central,是,am1,A,,
H2,城西二级厅,level2,东区,东区营业部,mon-fri 09:00-18:00; sat 10:00-16:00,county,,am1,B,,
H3,南门三级厅,level3,东区,东区营业部,09:00-12:00,14:00-17:30,town,,am1,B,,
A1,幸福路代理店,agent,东区,东区营业部,,town,,am2,C,,
A2,和平村服务站,village,东区,东区营业部,08:30-17:00,village,,am2,C,,
C1,同业旗舰店,flagship,东区,东区营业部,09:00-21:00,central,,,,是,2
"""
# H3's hours hold a comma inside one cell: quoted below
OUTLETS_CSV = OUTLETS_CSV.replace("09:00-12:00,14:00-17:30", '"09:00-12:00,14:00-17:30"')

SHOPPERS_CSV = """id,home_region,regions,weekdays,dates,unavailable,max_per_day,excluded
ms1,东区,,mon-fri,,,2,
ms2,东区,西区,1-7,,,1,H2
ms3,东区,,"sat,sun",2025-06-11,2025-06-14,2,A1
"""
SHOPPERS = ("ms1", "ms2", "ms3")


def load_master_data(ctx: ServerContext, tmp: Path) -> None:
    tmp.mkdir(parents=True, exist_ok=True)
    outlets = tmp / "outlets.csv"
    outlets.write_text(OUTLETS_CSV, encoding="utf-8")
    admin.import_outlets_csv(ctx, outlets)
    for sid in SHOPPERS:
        admin.add_inspector(ctx, sid, f"暗访员 {sid}")
    for mid in ("am1", "am2"):
        admin.add_inspector(ctx, mid, f"片区经理 {mid}", role="area_manager")
    shoppers = tmp / "shoppers.csv"
    shoppers.write_text(SHOPPERS_CSV, encoding="utf-8")
    import_shoppers_csv(ctx, shoppers)


def covert_result(ctx: ServerContext, inspector: str, outlet: str, local: datetime) -> str:
    """A finalised mystery shop by `inspector` at `outlet`, finalised at `local` (China
    time), from another device than any the plan knows."""
    # the database holds UTC, as the ingest writes it
    started = (local.replace(tzinfo=CHINA) - timedelta(minutes=25)).astimezone(UTC)
    return store_result(ctx, inspector=inspector, outlet_code=outlet, unit="东区营业部",
                        started_at=started)
