"""`hallcheck plan covert|coaching|show|move|publish|status`: visit plans on the server's
database (run where it is reachable, like `hallcheck admin`)."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import typer

from app.cli.admin import DataDir, DbUrl, _ctx, _table
from app.i18n import t

group = typer.Typer(name="plan", no_args_is_help=True,
                    help="visit plans: covert visits (暗访) and coaching visits (明查)")


def register(cli: typer.Typer) -> None:
    """Add this area's commands to the root command."""
    cli.add_typer(group, name="plan")


def _user() -> str:
    try:
        return getpass.getuser()[:64] or "cli"
    except Exception:  # no login name (a container): still say who
        return "cli"


def _sep() -> str:
    """Between reasons: a Chinese semicolon in Chinese, "; " in English."""
    from app.i18n import get_language

    return "; " if get_language() == "en" else "；"


def store_keys() -> Any:
    from app.central.plans import store

    return store


def _month(text: str) -> Any:
    from app.programme.planning.timing import parse_month

    return parse_month(text)


def _print_covert(stored: Any) -> None:
    from app.programme.planning.model import PRIORITY_KEYS

    plan = stored.covert
    typer.echo(t("planning.cli.plan_head", kind=t("planning.kind.covert"), plan=stored.id,
                 month=str(stored.month), state=t(store_keys().STATE_KEYS[stored.state]),
                 seed=stored.seed))
    _table([t("planning.col.visit"), t("planning.col.day"), t("planning.col.window"),
            t("planning.col.outlet"), t("planning.col.shopper"), t("planning.col.why")],
           [[v.id, v.day.isoformat(), str(v.window), v.outlet, v.shopper,
             _sep().join(r.text() for r in v.reasons[:2])] for v in plan.visits])
    st = plan.stats
    typer.echo(t("planning.cli.stats", planned=st.planned, wanted=st.wanted,
                 covered=st.outlets_covered, due=st.outlets_due,
                 important=st.important_covered, important_due=st.important_due))
    if plan.shortfall:
        typer.echo(t("planning.cli.shortfall_head", count=sum(s.missing for s in
                                                               plan.shortfall)))
        _table([t("planning.col.outlet"), t("planning.col.class"), t("planning.col.missing"),
                t("planning.col.why")],
               [[s.outlet, t(PRIORITY_KEYS[s.priority]), f"{s.missing}/{s.wanted}",
                 _sep().join(r.text() for r in s.reasons)] for s in plan.shortfall])
    else:
        typer.echo(t("planning.cli.no_shortfall"))


def _print_coaching(stored: Any) -> None:
    from app.programme.planning.model import CADENCE_KEYS

    plan = stored.coaching
    typer.echo(t("planning.cli.plan_head_coaching", plan=stored.id, month=str(stored.month),
                 state=t(store_keys().STATE_KEYS[stored.state]), ranking=str(plan.ranking_month)))
    if plan.note is not None:
        typer.echo(plan.note.text())
    _table([t("planning.col.visit"), t("planning.col.day"), t("planning.col.outlet"),
            t("planning.col.manager"), t("planning.col.cadence")],
           [[v.id, v.day.isoformat(), v.outlet, v.manager, t(CADENCE_KEYS[v.cadence])]
            for v in plan.visits])
    if plan.shortfall:
        typer.echo(t("planning.cli.shortfall_head", count=sum(s.missing for s in
                                                               plan.shortfall)))
        _table([t("planning.col.outlet"), t("planning.col.manager"), t("planning.col.missing"),
                t("planning.col.why")],
               [[s.outlet, s.manager, str(s.missing), s.reason.text()] for s in plan.shortfall])
    else:
        typer.echo(t("planning.cli.no_shortfall"))


@group.command("covert")
def covert_cmd(month: str = typer.Argument(..., help="YYYY-MM"),
               seed: int = typer.Option(None, "--seed", help="the same seed and inputs give "
                                        "the same plan (default: a new random seed)"),
               by: str = typer.Option(None, "--by", help="who proposes it (default: login)"),
               data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Propose the month's covert visits (kept as a draft) and print them with the
    shortfall."""
    from app.central.plans import store

    m = _month(month)
    ctx = _ctx(data_dir, database_url)
    try:
        _print_covert(store.propose_covert(ctx, m, seed=seed, by=by or _user()))
    finally:
        ctx.close()


@group.command("coaching")
def coaching_cmd(month: str = typer.Argument(..., help="YYYY-MM"),
                 by: str = typer.Option(None, "--by", help="who proposes it"),
                 data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Propose the area managers' coaching visits from the latest closed month's ranking."""
    from app.central.plans import store

    m = _month(month)
    ctx = _ctx(data_dir, database_url)
    try:
        _print_coaching(store.propose_coaching(ctx, m, by=by or _user()))
    finally:
        ctx.close()


@group.command("show")
def show_cmd(month: str = typer.Argument(..., help="YYYY-MM"),
             kind: str = typer.Option("covert", "--kind", help="covert or coaching"),
             data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """The month's plan in force (published, else the latest draft)."""
    from app.central.plans import store

    m = _month(month)
    if kind not in store.KINDS:
        raise store.PlanError("planning.store.bad_kind", status=400, value=kind)
    ctx = _ctx(data_dir, database_url)
    try:
        stored = store.current_plan(ctx, kind, m)
    finally:
        ctx.close()
    if stored is None:
        raise store.PlanError("planning.store.no_plan", status=404, month=str(m),
                              kind=t(store.KIND_KEYS[kind]))
    (_print_covert if kind == "covert" else _print_coaching)(stored)


@group.command("move")
def move_cmd(plan: int = typer.Argument(..., help="the plan's number"),
             visit: str = typer.Argument(..., help="the visit, e.g. 2025-06/HALL-1/1"),
             shopper: str | None = typer.Option(None, "--shopper",
                                                help="give it to this shopper"),
             day: str | None = typer.Option(None, "--day", help="YYYY-MM-DD"),
             window: str | None = typer.Option(None, "--window", help="HH:MM-HH:MM"),
             by: str = typer.Option(None, "--by", help="who moves it"),
             data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Move or reassign one covert visit; a move that breaks a rule is refused with why."""
    from app.central.plans import store
    from app.errors import UserError
    from app.programme.planning.timing import Window

    try:
        new_day = date.fromisoformat(day) if day else None
    except ValueError:
        raise UserError("planning.cli.bad_day", value=day) from None
    new_window = Window.parse(window) if window else None
    if shopper is None and new_day is None and new_window is None:
        raise UserError("planning.cli.nothing_to_move")
    ctx = _ctx(data_dir, database_url)
    try:
        stored = store.move_visit(ctx, plan, visit, by=by or _user(), shopper=shopper,
                                  day=new_day, window=new_window)
    finally:
        ctx.close()
    v = stored.covert.visit(visit)
    assert v is not None
    typer.echo(t("planning.cli.moved", visit=visit, shopper=v.shopper, day=v.day.isoformat(),
                 window=str(v.window)))


@group.command("publish")
def publish_cmd(plan: int = typer.Argument(..., help="the plan's number"),
                yes: bool = typer.Option(False, "--yes", help="do not ask to confirm"),
                by: str = typer.Option(None, "--by", help="who publishes it"),
                data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Publish a draft: its visits become assignments the devices receive on their next
    sync."""
    from app.central.plans import store

    ctx = _ctx(data_dir, database_url)
    try:
        stored = store.get_plan(ctx, plan)
        if not yes and not typer.confirm(t("planning.cli.confirm_publish", plan=plan,
                                           month=str(stored.month)), default=False):
            raise typer.Exit(1)
        done = store.publish(ctx, plan, by=by or _user())
    finally:
        ctx.close()
    typer.echo(t("planning.cli.published", plan=plan, count=done.created))
    if done.without_account:
        typer.echo(t("planning.cli.without_account", people=", ".join(done.without_account)))


def _counts_rows(table: dict[str, Any]) -> Iterable[list[str]]:
    for key, c in table.items():
        yield [key, str(c.planned), str(c.done), str(c.late), str(c.missed)]


@group.command("status")
def status_cmd(month: str = typer.Argument(..., help="YYYY-MM"),
               data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Planned, done, late and missed visits per outlet, person and area manager; missed
    coaching visits to the bottom outlets first."""
    from app.central.plans import store

    m = _month(month)
    ctx = _ctx(data_dir, database_url)
    try:
        ms = store.month_status(ctx, m)
    finally:
        ctx.close()
    if not ms.plans:
        raise store.PlanError("planning.store.no_plans", status=404, month=str(m))
    s = ms.status
    typer.echo(t("planning.cli.status_head", month=str(m), planned=s.totals.planned,
                 done=s.totals.done, late=s.totals.late, missed=s.totals.missed))
    if s.attention:
        typer.echo(t("planning.cli.attention"))
        _table([t("planning.col.visit"), t("planning.col.day"), t("planning.col.outlet"),
                t("planning.col.person"), t("planning.col.state")],
               [[v.visit_id, v.day.isoformat(), v.outlet, v.person,
                 ("⚑ " if v.flagged and v.state == "missed" else "")
                 + t(store.STATUS_KEYS[v.state])] for v in s.attention])
    heads = [t("planning.status.planned"), t("planning.status.done"),
             t("planning.status.late"), t("planning.status.missed")]
    for title, table in ((t("planning.col.outlet"), s.by_outlet),
                         (t("planning.col.person"), s.by_person),
                         (t("planning.col.manager"), s.by_manager)):
        _table([title, *heads], list(_counts_rows(dict(table))))
