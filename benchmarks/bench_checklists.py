"""How much does loading the rulebook cost over parsing the YAML alone?

    .venv/bin/python benchmarks/bench_checklists.py [--runs 20] [--items 2000] [--cpu] [--profile]

For the shipped `checklists.yaml` (when present) and a generated file of about 2,000 items
(every item type, vetoes, show_if, tier lists, tier weights, phase factors), it times the
median of N runs of

  * the baseline, a bare parse: `yaml.load(text, Loader=CSafeLoader)` (the C loader when
    PyYAML has it);
  * a cold load: `load_checklist_file(path)` with no compiled entry (parse, validate,
    cross-check, write the compiled form; the first start after the file or the app
    changed), then resolving every kind x tier on a fresh `Catalog`;
  * a warm load: the same with the compiled entry present (every later start);

and prints them, the ratios, and whether the targets hold: the cold load within 3x of the
bare parse, and the warm load under 150 ms for the generated file. The compiled entries
go to a temporary HALLCHECK_CACHE_DIR, never the user's cache. The runs of both are interleaved so a
change in the machine's load touches both alike; `--cpu` times this process's CPU time
instead of the wall clock (steadier on a shared machine). `--profile` prints a cProfile of
one whole load of the generated file.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.checklists import Catalog, compiled, default_checklists_path, load_checklist_file

try:
    from yaml import CSafeLoader as BareLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as BareLoader  # type: ignore[assignment]

RATIO_TARGET = 3.0
CLOCK: Callable[[], float] = time.perf_counter
GENERATED_MS_TARGET = 150.0

AGENT_TIERS = ["partner_operated", "exclusive", "agent", "village"]
HALL_TIERS = ["flagship", "level2", "level3"]

TOPICS = [
    ("着装规范", "Staff in uniform"),
    ("主动问候", "Greeted proactively"),
    ("等候时长", "Queue waiting time"),
    ("业务办理熟练", "Handles business competently"),
    ("自助设备引导", "Guided to self-service"),
    ("环境整洁", "Clean environment"),
    ("宣传资料一致", "Promotions consistent"),
    ("问题解决", "Problem solved"),
    ("客户挽留", "Customer retention attempted"),
    ("微笑服务", "Smiled"),
]


def _text(zh: str, en: str, n: int) -> dict[str, str]:
    return {"zh": f"{zh}{n}", "en": f"{en} {n}"}


def generate(n_items: int = 2000) -> dict[str, Any]:
    """A valid rulebook of about `n_items` items, shaped like the real one."""
    tiers = {
        **{t: {"family": "agent_channel", "label": _text("代办", t, 0)} for t in AGENT_TIERS},
        **{t: {"family": "self_run_hall", "label": _text("自营厅", t, 0)} for t in HALL_TIERS},
    }
    plans = [  # (id, kind, tiers) - two checklists of one kind split the tiers
        ("ms_halls", "mystery_shop", ["halls"]),
        ("ms_agents", "mystery_shop", ["agents"]),
        ("open", "open_inspection", ["halls", "agents"]),
        ("self", "self_check", ["agents", "halls"]),
    ]
    sections_per = 10
    per_section = max(1, n_items // (len(plans) * sections_per))
    checklists = []
    n = 0
    for cid, kind, cl_tiers in plans:
        pool = HALL_TIERS if cl_tiers == ["halls"] else (
            AGENT_TIERS if cl_tiers == ["agents"] else AGENT_TIERS + HALL_TIERS)
        sections = []
        referable: list[tuple[str, str]] = []  # (id, type) of earlier all-tier items
        for s in range(sections_per):
            items = []
            for _ in range(per_section):
                n += 1
                zh, en = TOPICS[n % len(TOPICS)]
                item: dict[str, Any] = {"id": f"i{n}", "label": _text(zh, en, n)}
                kind_of = ("yes_no", "yes_no", "yes_no", "scale", "number", "choice", "text",
                           "photo")[n % 8]
                item["type"] = kind_of
                if kind_of == "yes_no":
                    if n % 15 == 0:
                        scope = "visit" if n % 45 == 0 else "section"
                        item["veto"] = {"scope": scope, "reason": _text("违规", "Violation", n)}
                        item["photo"] = "on_fail"
                        item["photo_source"] = "camera"
                        item["note_on_fail"] = True
                    if n % 11 == 0:
                        item["pass_if"] = False
                    if n % 9 == 0:
                        item["allow_na"] = True
                elif kind_of == "scale":
                    item.update(min=1, max=5, fail_below=2)
                elif kind_of == "number":
                    item["unit"] = {"zh": "分钟", "en": "min"}
                    item["bands"] = [{"max": 5, "score": 1}, {"max": 15, "score": 0.5},
                                     {"score": 0}]
                elif kind_of == "choice":
                    item["options"] = [
                        {"id": "fully", "label": _text("完全", "Fully", n), "score": 1},
                        {"id": "partly", "label": _text("部分", "Partly", n), "score": 0.5},
                        {"id": "not", "label": _text("未", "Not", n), "fails": True},
                    ]
                elif kind_of == "photo":
                    item["photo_source"] = "camera"
                if n % 4 == 0:
                    item["help"] = _text("说明", "How to judge", n)
                if n % 5 == 0:
                    item["weight"] = 2
                if n % 6 == 0:
                    item["tier_weights"] = {pool[0]: 3}
                if n % 10 == 3 and len(pool) > 1:
                    item["tiers"] = pool[: len(pool) - 1]
                elif n % 7 == 0 and referable:
                    ref, ref_type = referable[-1]
                    if ref_type == "yes_no":
                        item["show_if"] = {"item": ref, "equals": False}
                    elif ref_type == "choice":
                        item["show_if"] = {"item": ref, "in": ["partly", "not"]}
                    else:
                        item["show_if"] = {"item": ref, "answered": True}
                if "tiers" not in item and "show_if" not in item and kind_of in (
                        "yes_no", "choice", "scale"):
                    referable.append((item["id"], kind_of))
                items.append(item)
            section: dict[str, Any] = {
                "id": f"s{s}",
                "title": _text("指标", "Indicator", s),
                "weight": 10 + s,
                "items": items,
            }
            if s % 2 == 0:
                section["tier_weights"] = {pool[-1]: 5}
                section["phase_factors"] = {"new": 1.5, "established": 1}
            sections.append(section)
        checklists.append({
            "id": cid,
            "kind": kind,
            "version": 1,
            "title": _text("检查表", cid, 0),
            "tiers": cl_tiers,
            "sections": sections,
        })
    return {
        "schema_version": 1,
        "tiers": tiers,
        "tier_groups": {"agents": AGENT_TIERS, "halls": HALL_TIERS},
        "phases": {
            "new": {"label": _text("新入网", "New", 0)},
            "established": {"label": _text("常态", "Established", 0)},
        },
        "default_phase": "established",
        "checklists": checklists,
    }


def whole_load(path: Path) -> int:
    catalog = Catalog(load_checklist_file(path))
    resolved = [catalog.resolve(kind, tier) for kind, tier in catalog.combinations()]
    return sum(r.item_count() for r in resolved)


def cold_load(path: Path) -> int:
    """A load with no compiled entry for the file (it is written again by the load)."""
    entry = compiled.entry_path(compiled.file_key(path.read_bytes()))
    if entry is not None:
        entry.unlink(missing_ok=True)
    return whole_load(path)


def medians_ms(fns: list[Callable[[], object]], runs: int) -> list[float]:
    """Median wall time of each function, the runs interleaved (a, b, a, b, ...) so that a
    change in the machine's load touches both alike and the ratio stays fair."""
    for fn in fns:
        fn()  # warm-up: imports, pydantic's first-use costs
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, out in zip(fns, times, strict=True):
            start = CLOCK()
            fn()
            out.append((CLOCK() - start) * 1000)
    return [statistics.median(t) for t in times]


def bench(label: str, path: Path, runs: int, ms_target: float | None) -> bool:
    text = path.read_text(encoding="utf-8")
    bare, cold, warm, warm_alone = medians_ms(
        [lambda: yaml.load(text, Loader=BareLoader), lambda: cold_load(path),
         lambda: whole_load(path), lambda: load_checklist_file(path)], runs)
    items = sum(len(s["items"]) for c in yaml.load(text, Loader=BareLoader)["checklists"]
                for s in c["sections"])
    ratio = cold / bare
    ok_ratio = ratio <= RATIO_TARGET
    print(f"{label}: {path} ({items} items, {len(text) // 1024} KiB)")
    print(f"  baseline: bare yaml.load ({BareLoader.__name__}): {bare:8.1f} ms")
    print(f"  cold: load + compile + resolve all:     {cold:8.1f} ms   ({whole_load(path)} "
          "resolved items)")
    print(f"  warm: compiled load + resolve all:      {warm:8.1f} ms   "
          f"({warm / bare:.2f}x the baseline, {cold / warm:.1f}x quicker than cold)")
    print(f"  warm: compiled load alone (no resolve): {warm_alone:8.1f} ms")
    print(f"  cold ratio: {ratio:.2f}x  (target <= {RATIO_TARGET:g}x: "
          f"{'OK' if ok_ratio else 'MISSED'})")
    ok = ok_ratio
    if ms_target is not None:
        ok_ms = warm < ms_target
        print(f"  warm load under {ms_target:g} ms: {'OK' if ok_ms else 'MISSED'}")
        ok = ok and ok_ms
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--cpu", action="store_true", help="time CPU, not the wall clock")
    ap.add_argument("--profile", action="store_true", help="cProfile one whole load")
    args = ap.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    print(f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}, "
          f"median of {args.runs} runs, {'CPU' if args.cpu else 'wall-clock'} time\n")
    ok = True
    cache = tempfile.TemporaryDirectory()
    os.environ[compiled.ENV_CACHE_DIR] = cache.name  # the compiled entries: never the user's
    shipped = default_checklists_path()
    if shipped.exists():
        ok = bench("shipped", shipped, args.runs, None) and ok
    else:
        print(f"shipped: {shipped} not found, skipped")
    print()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(yaml.safe_dump(generate(args.items), allow_unicode=True,
                                       sort_keys=False), encoding="utf-8")
        ok = bench("generated", path, args.runs, GENERATED_MS_TARGET) and ok
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(whole_load, path)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    print("\nall targets hold" if ok else "\nsome target MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
