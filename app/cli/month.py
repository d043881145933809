"""`hallcheck month close|show|export|list`: close a month on the server's database, print
its ranking as a person reads it, or write it for finance (run where the server's database
is reachable, like `hallcheck admin`)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

import typer

from app.cli.admin import DataDir, DbUrl, _ctx
from app.i18n import get_language, t

group = typer.Typer(name="month", no_args_is_help=True,
                    help="month close: composite, ranking, commission (服务佣金)")

FAMILIES = ("self_run_hall", "agent_channel")


def register(cli: typer.Typer) -> None:
    """Add this area's commands to the root command."""
    cli.add_typer(group, name="month")


def _user() -> str:
    try:
        return getpass.getuser()[:64] or "cli"
    except Exception:  # no login name (a container): still say who in the audit line
        return "cli"


@group.command("close")
def close_cmd(month: str = typer.Argument(..., help="YYYY-MM"),
              by: str = typer.Option(None, "--by", help="who closes it (default: login name)"),
              data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Close a month: freeze its figures (immutable; late results become adjustment lines of
    the next month)."""
    from app.central.month import read
    from app.central.month.errors import parse_month

    m = parse_month(month)
    ctx = _ctx(data_dir, database_url)
    try:
        closed = read.close_month(ctx, m, by=by or _user())
    finally:
        ctx.close()
    totals = closed.totals()
    typer.echo(t("month.cli.closed", month=str(m), outlets=totals["outlets"],
                 ranked=totals["ranked"], results=len(closed.result_uuids),
                 payable=_money(totals["payable"]), rules=closed.rules_version))


@group.command("list")
def list_cmd(data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Months open and closed, newest first."""
    from app.central.month import read

    ctx = _ctx(data_dir, database_url)
    try:
        states = read.list_months(ctx)
    finally:
        ctx.close()
    for st in states:
        if st.closed:
            typer.echo(t("month.cli.list.closed", month=str(st.month),
                         at=st.closed_at.strftime("%Y-%m-%d %H:%M") if st.closed_at else "-",
                         by=st.closed_by or "-", rules=st.rules_version or "-",
                         outlets=st.outlets or 0))
        else:
            typer.echo(t("month.cli.list.open", month=str(st.month),
                         rules=st.rules_version or "-"))


def _money(text: str | None) -> str:
    if text is None:
        return "-"
    sign = "-" if text.startswith("-") else ""
    whole, _, cents = text.lstrip("-").partition(".")
    return f"{sign}¥{int(whole):,}.{cents or '00'}"


def _score(value: Any) -> str:
    return "-" if value is None else f"{float(value):.2f}"


def _ranking_lines(closed: Any, unit_filter: str | None, lang: str) -> list[str]:
    from app.central.month.export import flag_text
    from app.programme.month import FAMILY_KEY

    lines: list[str] = []
    units = closed.units()
    if unit_filter is not None:
        units = [u for u in units if u == unit_filter]
    for family in FAMILIES:
        for unit in units:
            rows = closed.ranking(family, unit)
            if not rows:
                continue
            lines.append("")
            lines.append(t("month.cli.show.unit", lang, unit=unit,
                           family=t(FAMILY_KEY[family], lang), count=len(rows)))
            lines.append(t("month.cli.show.header", lang))
            ranks = [r["rank_unit"] for r in rows]
            for r in rows:
                tied = ranks.count(r["rank_unit"]) > 1
                rank = t("month.cli.show.tied", lang, rank=r["rank_unit"]) if tied \
                    else str(r["rank_unit"])
                flags = t("month.export.list_sep", lang).join(
                    flag_text(f, lang) for f in r["flags"])
                lines.append(t("month.cli.show.row", lang, rank=rank, code=r["outlet_code"],
                               name=r.get("name") or "", score=_score(r.get("composite")),
                               province=r.get("rank_province") or "-",
                               commission=_money(r.get("commission")),
                               payable=_money(r.get("payable")), flags=flags))
    unranked = [r for r in closed.outlets() if r.get("rank_province") is None
                and (unit_filter is None or r.get("business_unit") == unit_filter)]
    if unranked:
        lines.append("")
        lines.append(t("month.cli.show.unranked", lang, count=len(unranked)))
        for r in unranked:
            lines.append(t("month.cli.show.unranked_row", lang, code=r["outlet_code"],
                           name=r.get("name") or "", score=_score(r.get("composite")),
                           flags=t("month.export.list_sep", lang).join(
                               flag_text(f, lang) for f in r["flags"])))
    return lines


@group.command("show")
def show_cmd(month: str = typer.Argument(..., help="YYYY-MM"),
             unit: str = typer.Option(None, "--unit", help="only this business unit (营业部)"),
             data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """The closed month's ranking per business unit, commission and candidates."""
    from app.central.month import read
    from app.central.month.errors import MonthNotClosed, parse_month

    m = parse_month(month)
    ctx = _ctx(data_dir, database_url)
    try:
        closed = read.closed_month(ctx, m)
    finally:
        ctx.close()
    if closed is None:
        raise MonthNotClosed(m)
    lang = get_language()
    totals = closed.totals()
    out = [t("month.cli.show.title", lang, month=str(m), rules=closed.rules_version,
             at=closed.closed_at.strftime("%Y-%m-%d %H:%M"), by=closed.closed_by),
           t("month.cli.show.totals", lang, outlets=totals["outlets"], ranked=totals["ranked"],
             commission=_money(totals["commission"]),
             staff_share=_money(totals["staff_share"]), refund=_money(totals["refund"]),
             adjustments=_money(totals["adjustments"]), payable=_money(totals["payable"]))]
    out += _ranking_lines(closed, unit, lang)
    for key, rows in (("month.cli.show.exit", closed.exit_candidates()),
                      ("month.cli.show.tier_moves", closed.tier_moves()),
                      ("month.cli.show.rewards", closed.rewards())):
        rows = [r for r in rows if unit is None or r.get("business_unit") == unit]
        if rows:
            out.append("")
            out.append(t(key, lang, count=len(rows),
                         codes=", ".join(r["outlet_code"] for r in rows)))
    typer.echo("\n".join(out))


@group.command("export")
def export_cmd(month: str = typer.Argument(..., help="YYYY-MM"),
               fmt: str = typer.Option("json", "--format", "-f", help="json, csv or xlsx"),
               output: Path = typer.Option(None, "--output", "-o",
                                           help="file to write (json/csv: default stdout)"),
               data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Write the closed month for finance."""
    from app.central.month import export, read
    from app.central.month.errors import MonthNotClosed, parse_month
    from app.errors import UserError

    m = parse_month(month)
    if fmt not in export.FORMATS:
        raise UserError("month.error.bad_format", value=fmt, formats=", ".join(export.FORMATS))
    if fmt == "xlsx" and output is None:
        output = Path(f"month-{m}.xlsx")
    ctx = _ctx(data_dir, database_url)
    try:
        closed = read.closed_month(ctx, m)
        tiers = ctx.checklists.bundle().tiers
    finally:
        ctx.close()
    if closed is None:
        raise MonthNotClosed(m)
    lang = get_language()
    if output is None:
        data = export.to_json(closed) if fmt == "json" else export.to_csv(closed, lang, tiers)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        export.export_month(closed, fmt, output, lang, tiers)  # type: ignore[arg-type]
    except OSError as exc:
        raise UserError("month.error.cannot_write", file=str(output),
                        reason=exc.strerror or str(exc)) from None
    typer.echo(t("month.cli.exported", month=str(m), file=str(output),
                 outlets=len(closed.outlets())), err=True)
