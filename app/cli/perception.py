"""`hallcheck perception ...`: customer perception imports and reports.

import-transactions FILE   keep the business system's export (customer numbers only as
                           keyed hashes), all rows or none
send-list FILE -o OUT      the rating texts for the SMS gateway, chosen by the rules from
                           the export (the numbers are read from FILE in this run only)
import-replies FILE        the gateway's replies, matched to their texts
report YYYY-MM [--tier T]  satisfaction per outlet and staff member with counts, intercept
                           coverage, the alignment of the inspections with customers, and
                           our outlets against competitors' of the same tier
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from app.i18n import t

group = typer.Typer(name="perception", no_args_is_help=True,
                    help="customer perception: SMS ratings, intercept surveys, alignment")

DataDir = typer.Option(None, "--data-dir", envvar="HALLCHECK_SERVER_DATA_DIR",
                       help="the server's data dir")
DbUrl = typer.Option(None, "--database-url", envvar="HALLCHECK_DATABASE_URL",
                     help="the server's database (default: SQLite in the data dir)")


def _ctx(data_dir: Path | None, database_url: str | None):  # type: ignore[no-untyped-def]
    from app.central.context import ServerContext
    from app.central.settings import ServerSettings

    return ServerContext(ServerSettings.from_env(data_dir, database_url))


def _month(text: str):  # type: ignore[no-untyped-def]
    from app.errors import UserError
    from app.programme.months import YearMonth

    try:
        return YearMonth.parse(text)
    except ValueError:
        raise UserError("perception.cli.bad_month", value=text) from None


def _moment(text: str | None) -> datetime | None:
    from app.errors import UserError
    from app.programme.perception.clock import local_datetime
    from app.programme.perception.transactions import parse_time

    if text is None:
        return None
    seconds = parse_time(text.strip())
    if seconds is None:
        raise UserError("perception.cli.bad_time", value=text)
    return local_datetime(seconds)


def _counts(keys: dict[str, str], counts: dict[str, int]) -> str:
    return t("perception.cli.counts_sep").join(
        t("perception.cli.count", what=t(keys[k]), n=n) for k, n in counts.items()
        if k in keys)


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def register(cli: typer.Typer) -> None:
    """Add this area's commands to the root command."""
    cli.add_typer(group, name="perception")


@group.command("import-transactions")
def import_transactions(file: Path = typer.Argument(..., help="the business system's CSV"),
                        data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Keep a transaction export: every row or none (each problem with its line)."""
    from app.central.perception.imports import import_transactions as run

    done = run(_ctx(data_dir, database_url), file)
    typer.echo(t("perception.cli.transactions_done", rows=done.rows,
                 qualifying=done.qualifying, id=done.import_id,
                 months=", ".join(f"{m}: {n}" for m, n in sorted(done.months.items()))))
    if done.unknown_types:
        typer.echo(t("perception.cli.unknown_types", types=", ".join(done.unknown_types)))


@group.command("send-list")
def send_list(file: Path = typer.Argument(..., help="the transaction export to text from"),
              output: Path = typer.Option(..., "-o", "--output",
                                          help="the gateway's CSV (send_id, mobile, "
                                          "send_at, text)"),
              at: str = typer.Option(None, "--at", help="when the batch is made "
                                     "(2025-06-03 14:05; default: now)"),
              batch: str = typer.Option(None, "--batch", help="the batch id "
                                        "(default: B<date>-<n>)"),
              data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """The rating texts for the gateway, by the rules, kept as sends (hash only)."""
    from app.central.perception.imports import make_send_list
    from app.programme.perception.clock import text
    from app.programme.perception.sendlist import OUTCOME_KEYS

    done = make_send_list(_ctx(data_dir, database_url), file, now=_moment(at),
                          batch_id=batch, output=output)
    typer.echo(t("perception.cli.sendlist_done", batch=done.batch_id, texts=done.texts,
                 file=str(done.output), at=text(done.now)))
    typer.echo(_counts(dict(OUTCOME_KEYS), done.counts))


@group.command("import-replies")
def import_replies(file: Path = typer.Argument(..., help="the gateway's reply file"),
                   data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Match the replies to their texts and keep the counted ratings."""
    from app.central.perception.imports import import_replies as run
    from app.programme.perception.replies import OUTCOME_KEYS

    done = run(_ctx(data_dir, database_url), file)
    typer.echo(t("perception.cli.replies_done", id=done.import_id))
    typer.echo(_counts(dict(OUTCOME_KEYS), dict(done.outcomes)))
    for note in done.notes[:50]:
        typer.echo("  " + note)
    if len(done.notes) > 50:
        typer.echo(t("perception.cli.more_notes", n=len(done.notes) - 50))


@group.command("report")
def report(month: str = typer.Argument(..., help="YYYY-MM"),
           tier: str = typer.Option(None, "--tier", help="one tier (alignment needs one; "
                                    "default: every tier with outlets)"),
           data_dir: Path = DataDir, database_url: str = DbUrl) -> None:
    """Satisfaction per outlet and staff member (with the replies behind each figure),
    intercept coverage per hall, and the alignment of the inspections with customers."""
    from app.central.perception import reports
    from app.central.perception.config import perception_settings
    from app.programme.perception.alignment import MEASURE_KEYS, yaml_hint
    from app.programme.perception.intercept import Period

    ym = _month(month)
    ctx = _ctx(data_dir, database_url)
    info = reports.outlets(ctx)
    needed = perception_settings(ctx).replies.min_replies
    sat = reports.satisfaction(ctx, ym, tier)
    typer.echo(t("perception.cli.h_outlets", month=str(ym)))
    if not sat.by_outlet:
        typer.echo("  " + t("perception.cli.none"))
    for s in sat.by_outlet:
        name = info[s.outlet].name if s.outlet in info else s.outlet
        typer.echo("  " + t("perception.cli.outlet_line", code=s.outlet, name=name,
                            score=_score(s.score), replies=s.replies, sends=s.sends,
                            note="" if s.sufficient else t("perception.cli.insufficient",
                                                           needed=needed)))
    typer.echo(t("perception.cli.h_staff", month=str(ym)))
    for s in sat.by_staff:
        typer.echo("  " + t("perception.cli.staff_line", staff=s.staff,
                            outlets=", ".join(s.outlets), score=_score(s.score),
                            replies=s.replies, sends=s.sends))
    typer.echo(t("perception.cli.h_coverage", period=str(ym)))
    for h in reports.coverage(ctx, Period.month(ym), tier):
        typer.echo("  " + t("perception.cli.coverage_line", code=h.outlet,
                            score=_score(h.perception_100), n=h.responses,
                            note=h.coverage()))
    tiers = [tier] if tier else sorted({o.tier for o in info.values() if not o.competitor})
    for one in tiers:
        result = reports.alignment(ctx, ym, one)
        typer.echo(t("perception.cli.h_alignment", tier=one, month=str(ym)))
        for c in result.report.correlations:
            typer.echo("  " + c.text())
        for d in result.report.disagreements:
            typer.echo("  " + t("perception.cli.disagreement", code=d.code,
                                measure=t(MEASURE_KEYS[d.measure]),
                                composite=f"{d.composite:.1f}", customer=f"{d.customer:.1f}",
                                composite_place=f"{d.composite_place:.2f}",
                                customer_place=f"{d.customer_place:.2f}"))
        for sec in result.report.sections:
            typer.echo("  " + sec.text())
        typer.echo(yaml_hint(result.report).rstrip())
    needed_outlets = perception_settings(ctx).competitors.min_outlets
    found = reports.competitors(ctx, Period.month(ym), tier)
    if not found:
        typer.echo(t("perception.competitors.none"))
    for comp in found:
        typer.echo(t("perception.cli.h_competitors", period=str(ym), tier=comp.tier))
        for row in [comp.total, *comp.sections]:
            typer.echo("  " + reports.comparison_line(row, needed_outlets))
        shown = [row for row in comp.items if row.shown]
        if shown:
            typer.echo("  " + t("perception.competitors.items_shown", n=len(shown)))
            for row in shown:
                typer.echo("    " + reports.comparison_line(row, needed_outlets))
        for o in comp.ours:
            typer.echo("  " + t("perception.competitors.ours", code=o.code,
                                total=_score(o.total), n=o.results,
                                versus="-" if o.versus is None else f"{o.versus:+.1f}"))
