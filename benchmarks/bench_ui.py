"""UI latency in a real browser (Debian Chromium via Playwright), against `hallcheck app`.

Measures, N repetitions each, median and p90:

(a) tap an outlet in the outlet picker -> its checklist is usable (the first item's answer
    buttons exist in the accessibility tree, i.e. a frame with them has been drawn);
      - "shipped": the shipped flagship mystery-shop checklist (57 items);
      - "150 in sections": the shipped checklist plus generated sections, >= 150 items;
      - "150 in one section": one generated section of 150 items first (worst case: the
        whole checklist drawn at once);
(b) tap an answer (是) -> the answer row is committed in SQLite (polled from this process
    through a separate read-only connection; page and Python clocks aligned per tap);
baseline: a bare Flet page in the same browser: tap a button -> its handler's new text is
    in the accessibility tree (tests/e2e/trivial_app.py, served the same way).

Targets: (a) < 1 s, (b) < 100 ms.

The 150-item checklists are written from the shipped checklists.yaml (generated items of
mixed types appended / prepended to the mystery_shop checklist) and used through
`Workspace.open(data_dir, checklists_path=...)`: a draft started that way stores its
checklist in the database by content hash, and the app - serving the same data directory
with its default catalogue - opens that draft with that checklist when the outlet is
tapped (the picker resumes an outlet's draft). The shipped checklist is measured the same
way (a draft resumed), so all rows compare.

Run:  .venv/bin/python benchmarks/bench_ui.py [--reps 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import yaml  # noqa: E402
from e2e.browser import (  # noqa: E402
    PHONE,
    FletPage,
    OutsideGuard,
    free_port,
    hallcheck_app,
    launch_chromium,
    trivial_app,
)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

TARGET_A_MS = 1000.0
TARGET_B_MS = 100.0

# In the page: when did the finger go down, and when did a selector / text first appear.
PAGE_JS = """
() => {
  if (window.__bench) return;
  window.__bench = {down: null, ready: null};
  window.addEventListener('pointerdown', () => { window.__bench.down = performance.now(); },
                          true);
  window.__benchWait = (selector, text) => {
    window.__bench.ready = null;
    const found = () => {
      for (const el of document.querySelectorAll(selector)) {
        if (text === null || (el.textContent || '').includes(text)
            || (el.getAttribute('aria-label') || '').includes(text)) return true;
      }
      return false;
    };
    const done = () => { window.__bench.ready = performance.now(); };
    if (found()) { done(); return; }
    const obs = new MutationObserver(() => { if (found()) { obs.disconnect(); done(); } });
    obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                                characterData: true});
  };
}
"""


def stats(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    p90 = s[min(len(s) - 1, max(0, round(0.9 * len(s)) - 1))]
    return {"n": len(s), "median_ms": round(statistics.median(s), 1), "p90_ms": round(p90, 1),
            "min_ms": round(s[0], 1), "max_ms": round(s[-1], 1)}


# ----------------------------------------------------------------------------- checklists


def big_checklists(dest: Path, *, items: int, per_section: int, first: bool) -> Path:
    """The shipped checklists.yaml with `items` generated items added to mystery_shop."""
    from app.checklists import default_checklists_path

    doc = yaml.safe_load(default_checklists_path().read_text(encoding="utf-8"))
    ms = next(c for c in doc["checklists"] if c["kind"] == "mystery_shop")
    kinds = ["yes_no", "yes_no", "scale", "yes_no", "number", "choice"]
    sections = []
    n = 0
    while n < items:
        sid = f"bench_{len(sections) + 1}"
        sec_items = []
        for _ in range(min(per_section, items - n)):
            n += 1
            kind = kinds[n % len(kinds)]
            item: dict[str, Any] = {
                "id": f"b{n:03d}", "type": kind,
                "label": {"zh": f"测试项目 {n}：服务细节检查", "en": f"Bench item {n}"},
            }
            if kind == "scale":
                item.update(min=0, max=5)
            elif kind == "number":
                item.update(unit={"zh": "分钟", "en": "min"},
                            bands=[{"max": 5, "score": 1}, {"max": 15, "score": 0.5},
                                   {"score": 0}])
            elif kind == "choice":
                item["options"] = [
                    {"id": "good", "label": {"zh": "好", "en": "Good"}, "score": 1},
                    {"id": "fair", "label": {"zh": "一般", "en": "Fair"}, "score": 0.5},
                    {"id": "poor", "label": {"zh": "差", "en": "Poor"}, "score": 0,
                     "fails": True},
                ]
            sec_items.append(item)
        sections.append({"id": sid, "title": {"zh": f"测试部分 {len(sections) + 1}",
                                              "en": f"Bench part {len(sections) + 1}"},
                         "weight": 5, "items": sec_items})
    ms["sections"] = sections + ms["sections"] if first else ms["sections"] + sections
    ms["version"] = int(ms.get("version", 1)) + 100
    dest.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return dest


def seed(data_dir: Path, work: Path) -> dict[str, dict[str, Any]]:
    """A shopper's device with the demo set and one draft per measured checklist."""
    from app.services import Workspace

    variants = {
        "shipped": ("DEMO-COMP-01", None),
        "150 in sections": ("DEMO-FLAGSHIP-01",
                            big_checklists(work / "sections.yaml", items=100,
                                           per_section=25, first=False)),
        "150 in one section": ("DEMO-LEVEL2-01",
                               big_checklists(work / "one.yaml", items=150,
                                              per_section=150, first=True)),
    }
    out: dict[str, dict[str, Any]] = {}
    with Workspace.open(data_dir) as ws:
        ws.settings.set_role("mystery_shopper")
        ws.load_demo()
    for name, (code, path) in variants.items():
        with Workspace.open(data_dir, checklists_path=path) as ws:
            uuid = ws.inspections.start("mystery_shop", code)
            state = ws.inspections.state(uuid)
            first = state.checklist.sections[0]
            out[name] = {
                "code": code, "uuid": uuid, "outlet": ws.outlets.get(code).name,
                "items": len(state.checklist.items), "visible": len(state.visible),
                "first_section_items": len([i for i in first.items
                                            if i.id in state.visible]),
                "first_item": next(i.id for i in first.items if i.id in state.visible),
                "sections": [(s.id, s.title.zh) for s in state.checklist.sections],
            }
    return out


# ----------------------------------------------------------------------------- browser


def open_ui(browser: Any, url: str) -> FletPage:
    ctx = browser.new_context(viewport=PHONE)
    guard = OutsideGuard()
    ctx.route("**/*", guard)
    ui = FletPage(ctx.new_page())
    ui.open(url)
    ui.page.evaluate(PAGE_JS)
    return ui


def _scroll_to(ui: FletPage, locator: Any) -> None:
    """Bring the target on screen once the screen has stopped changing (a list being
    redrawn replaces its nodes under a locator)."""
    for attempt in range(3):
        ui.settle()
        try:
            locator.scroll_into_view_if_needed(timeout=10_000)
            return
        except Exception:
            if attempt == 2:
                raise


def timed_tap(ui: FletPage, locator: Any, selector: str, text: str | None,
              timeout_ms: int = 30_000) -> float:
    """ms from the pointerdown on `locator` to `selector` (with `text`) in the DOM."""
    page = ui.page
    _scroll_to(ui, locator)
    page.evaluate("([s, t]) => window.__benchWait(s, t)", [selector, text])
    page.evaluate("() => { window.__bench.down = null; }")
    locator.click()
    page.wait_for_function("() => window.__bench.ready !== null && window.__bench.down "
                           "!== null", timeout=timeout_ms, polling=5)
    b = page.evaluate("() => window.__bench")
    return b["ready"] - b["down"]


def baseline(browser: Any, reps: int, logs: Path) -> list[float]:
    port = free_port()
    server = trivial_app(port, logs / "trivial.log").start()
    try:
        ui = open_ui(browser, f"http://127.0.0.1:{port}/")
        button = ui.page.get_by_role("button", name="Tap me")
        expect(button).to_be_visible()
        out = []
        for k in range(1, reps + 2):
            ms = timed_tap(ui, button, "flt-semantics, span", f"count {k}")
            if k > 1:  # the first tap warms up
                out.append(ms)
        ui.page.context.close()
        return out
    finally:
        server.stop()


def outlet_to_checklist(ui: FletPage, v: dict[str, Any], reps: int) -> list[float]:
    from app.i18n import t

    page = ui.page
    start = page.get_by_role("button", name=t("views.home.start_discreet", "zh"),
                             exact=True)
    card_name = t("views.outlets.pick", "zh", name=v["outlet"], code=v["code"])
    import re

    card = page.get_by_role("button", name=re.compile("^" + re.escape(card_name)))
    back = page.get_by_role("button", name=re.compile(r"^返回(\s+返回)?$")).first
    ready = f'[flt-semantics-identifier="item-{v["first_item"]}"] [role="button"]'
    out = []
    for k in range(reps + 1):
        expect(start).to_be_visible(timeout=30_000)
        start.click()
        expect(card).to_be_visible(timeout=30_000)
        ms = timed_tap(ui, card, ready, None)
        if k > 0:
            out.append(ms)
        back.click()
    return out


class RowWatcher(threading.Thread):
    """Polls SQLite (its own read-only connection) until the answer row is there."""

    def __init__(self, db: Path, uuid: str, item_id: str, timeout: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.db, self.uuid, self.item_id, self.timeout = db, uuid, item_id, timeout
        self.seen_at: float | None = None
        self.ready = threading.Event()

    def run(self) -> None:
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            self.ready.set()
            deadline = time.time() + self.timeout
            while time.time() < deadline:
                row = con.execute("select 1 from answer where inspection_uuid=? and "
                                  "item_id=? and value_json is not null",
                                  (self.uuid, self.item_id)).fetchone()
                if row:
                    self.seen_at = time.time()
                    return
                time.sleep(0.0005)
        finally:
            con.close()


def page_clock_offset_ms(ui: FletPage) -> float:
    """python_epoch_ms - page_epoch_ms, from the tightest of a few round trips."""
    best = None
    for _ in range(5):
        t0 = time.time()
        page_ms = ui.page.evaluate("() => performance.timeOrigin + performance.now()")
        t1 = time.time()
        if best is None or (t1 - t0) < best[0]:
            best = ((t1 - t0), (t0 + t1) / 2 * 1000 - page_ms)
    assert best is not None
    return best[1]


def answer_to_disk(ui: FletPage, data_dir: Path, v: dict[str, Any], reps: int
                   ) -> list[float]:
    """On the 150-item visit: tap 是 on successive yes/no items of a generated section."""
    import re

    from app.services import Workspace

    page = ui.page
    with Workspace.open(data_dir) as ws:
        state = ws.inspections.state(v["uuid"])
    sec_index, (sec_id, title) = next((n, s) for n, s in enumerate(v["sections"], start=1)
                                      if s[0].startswith("bench_"))
    items = [i.id for i in next(s for s in state.checklist.sections if s.id == sec_id).items
             if i.type.value == "yes_no" and i.id in state.visible]
    # (a covert visit's chips read just the title: no "n." and no counts)
    page.get_by_role("checkbox", name=re.compile(
        rf"^({sec_index}\. )?{re.escape(title)}( \d+\/\d+)?$")).first.click()
    expect(page.locator(f'[flt-semantics-identifier="item-{items[0]}"]')).to_be_attached(
        timeout=30_000)
    out = []
    db = data_dir / "hallcheck.db"
    for k, item_id in enumerate(items[: reps + 1]):
        button = page.locator(f'[flt-semantics-identifier="item-{item_id}"]').get_by_role(
            "button", name="是", exact=True)
        _scroll_to(ui, button)
        offset = page_clock_offset_ms(ui)
        watcher = RowWatcher(db, v["uuid"], item_id)
        watcher.start()
        watcher.ready.wait()
        page.evaluate("() => { window.__bench.down = null; }")
        button.click()
        watcher.join()
        down = page.evaluate("() => performance.timeOrigin + window.__bench.down")
        if watcher.seen_at is None:
            raise RuntimeError(f"answer {item_id} never reached the database")
        if k > 0:
            out.append(watcher.seen_at * 1000 - (down + offset))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    data_dir = work / "device"
    variants = seed(data_dir, work)
    results: dict[str, Any] = {"reps": args.reps, "variants": {
        k: {kk: vv for kk, vv in v.items() if kk != "sections"} for k, v in variants.items()}}
    app = hallcheck_app(data_dir, free_port(), work / "app.log").start()
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            results["baseline_round_trip"] = stats(baseline(browser, args.reps, work))
            ui = open_ui(browser, f"http://127.0.0.1:{app.port}/")
            for name, v in variants.items():
                results[f"a_outlet_to_checklist[{name}]"] = stats(
                    outlet_to_checklist(ui, v, args.reps))
            # (b) on the 150-item visit
            v = variants["150 in sections"]
            start = ui.page.get_by_role("button", name="新建记录", exact=True)
            start.click()
            import re

            from app.i18n import t

            ui.page.get_by_role("button", name=re.compile("^" + re.escape(
                t("views.outlets.pick", "zh", name=v["outlet"], code=v["code"])))).click()
            results["b_answer_to_disk[150 in sections]"] = stats(
                answer_to_disk(ui, data_dir, v, args.reps))
            browser.close()
    finally:
        app.stop()

    print(f"\nhallcheck UI latency, Chromium {PHONE['width']}x{PHONE['height']}, "
          f"{args.reps} reps each (first, warm-up, excluded)")
    for name, v in variants.items():
        print(f"  checklist '{name}': {v['items']} items ({v['visible']} shown at start, "
              f"{v['first_section_items']} in the first section)")
    print(f"{'measurement':48} {'median':>8} {'p90':>8} {'min':>8} {'max':>8}  target")
    for key, row in results.items():
        if not isinstance(row, dict) or "median_ms" not in row:
            continue
        target = TARGET_A_MS if key.startswith("a_") else TARGET_B_MS if key.startswith(
            "b_") else None
        verdict = "" if target is None else (
            f"< {target:.0f} ms: {'ok' if row['p90_ms'] < target else 'MISSED'} (p90)")
        print(f"{key:48} {row['median_ms']:8.1f} {row['p90_ms']:8.1f} {row['min_ms']:8.1f} "
              f"{row['max_ms']:8.1f}  {verdict}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
