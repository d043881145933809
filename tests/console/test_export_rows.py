"""`review.queue_rows` (what an export reads: every row of a filter in one ordered query,
handed out in chunks) says exactly what the queue's pages say, on SQLite and PostgreSQL,
and `review.sections_of` exactly what each result's own view says. (`ctx` is the
central tests' fixture: a real SQLite file, or a throwaway PostgreSQL database.)"""

from __future__ import annotations

from dataclasses import asdict

import pytest
from central.review_support import account, store_result

from app.central import review
from app.central.context import ServerContext


def _pages(ctx: ServerContext, viewer: object, flt: review.QueueFilter) -> list[dict]:
    out: list[dict] = []
    offset: int | None = 0
    while offset is not None:
        page = review.queue(ctx, viewer, flt, offset=offset, limit=4)  # type: ignore[arg-type]
        out += [asdict(r) for r in page.rows]
        offset = page.next_offset
    return out


@pytest.fixture
def results(ctx: ServerContext) -> list[str]:
    uuids = []
    for k in range(11):
        uuids.append(store_result(
            ctx, inspector=f"ms-{k % 3:03d}", outlet_code=f"HALL-{k % 4}",
            unit="东区" if k % 4 < 2 else "西区",
            answers={"uniform": k % 3 != 0, "greet_seconds": 5 + k},
            notes={"uniform": "未穿工装"} if k % 3 == 0 else None,
            flags=["short_visit"] if k % 5 == 0 else [],
            photos=[(f"{k:064x}", "storefront")]))
    amendment = store_result(ctx, inspector="ms-001", outlet_code="HALL-1", unit="东区",
                             amends=uuids[1])
    return [*uuids, amendment]


@pytest.mark.parametrize("flt", [
    review.QueueFilter(state=None), review.QueueFilter(), review.QueueFilter(flag="veto"),
    review.QueueFilter(state=None, flag="short_visit"), review.QueueFilter(outlet="HALL-2"),
    review.QueueFilter(state="approved"), review.QueueFilter(business_unit="西区"),
], ids=["all", "received", "veto", "short", "outlet", "approved-none", "unit"])
def test_queue_rows_are_the_queue_pages(ctx: ServerContext, results: list[str],
                                        flt: review.QueueFilter) -> None:
    everyone = account(ctx, "zhou.manager", "manager")
    east = account(ctx, "east.manager", "manager", unit="东区")
    for viewer in (everyone, east):
        streamed = [asdict(r) for part in review.queue_rows(ctx, viewer, flt, chunk=3)
                    for r in part]
        assert streamed == _pages(ctx, viewer, flt)
        for part in review.queue_rows(ctx, viewer, flt, chunk=3):
            assert 1 <= len(part) <= 3
    if flt.state is None and flt.flag is None and flt.outlet is None and not flt.business_unit:
        assert [r["uuid"] for r in _pages(ctx, everyone, flt)] == results  # oldest first
        assert next(r for r in _pages(ctx, everyone, flt)
                    if r["uuid"] == results[1])["superseded_by"] == results[-1]


def test_sections_of_is_each_views_sections(ctx: ServerContext, results: list[str]) -> None:
    everyone = account(ctx, "zhou.manager", "manager")
    east = account(ctx, "east.manager", "manager", unit="东区")
    for lang in ("zh", "en"):
        batch = review.sections_of(ctx, everyone, results, lang)
        assert set(batch) == set(results)
        for uid in results:
            assert batch[uid] == review.result_view(ctx, everyone, uid, lang).sections
    mine = review.sections_of(ctx, east, results)
    assert set(mine) == {r.uuid for r in review.queue(ctx, east, review.QueueFilter(state=None),
                                                      limit=50).rows}
    assert 0 < len(mine) < len(results)
    assert review.sections_of(ctx, everyone, []) == {}
