"""`hallcheck programme ...`: check the programme's money rules and read them in words.

    hallcheck programme validate [PATH] [--checklists FILE] [--lang zh|en]
    hallcheck programme show [--month YYYY-MM | --version ID] [--file PATH] [--lang zh|en]

Exit codes: 0 fine; 1 the rules file has problems (every one is listed as
`file:line:column: path: message`); 2 a bad argument (a UserError), explained in the chosen
language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from app.errors import UserError
from app.i18n import get_language, set_language, t
from app.programme.explain import list_sep
from app.programme.money import factor_text, plain, quantize
from app.programme.months import YearMonth
from app.programme.rules_loader import (
    RuleBook,
    RuleFileError,
    RulesVersion,
    default_programme_path,
    load_rules_file,
)
from app.programme.rules_schema import Component, Version

group = typer.Typer(
    name="programme",
    help="Check and read the programme's money rules (programme.yaml). "
         "考核与佣金规则：校验、查看。",
    no_args_is_help=True,
)

FILE_HELP = "programme.yaml to use (default: the one shipped with the app)"
CHECKLISTS_HELP = ("checklists.yaml whose tiers the tier ladders must name (default: the one "
                   "shipped with the app)")
LANG_HELP = "zh (default) or en"

LangOption = Annotated[str, typer.Option("--lang", help=LANG_HELP)]
FileOption = Annotated[Path, typer.Option("--file", help=FILE_HELP, show_default=False)]
MonthOption = Annotated[str, typer.Option("--month", help="YYYY-MM (default: this month)")]
VersionOption = Annotated[str, typer.Option("--version", help="a version id, not a month")]


def register(cli: typer.Typer) -> None:
    """Add this area's commands to the root command."""
    cli.add_typer(group, name="programme")


# --- validate -----------------------------------------------------------------------------


@group.command("validate")
def validate_cmd(
    path: Path = typer.Argument(None, help=FILE_HELP, show_default=False),
    checklists: Path = typer.Option(None, "--checklists", help=CHECKLISTS_HELP,
                                    show_default=False),
    lang: LangOption = None,  # type: ignore[assignment]
) -> None:
    """Check a programme.yaml: its versions when it is valid, every problem when it is not."""
    lang = _language(lang)
    path = path or default_programme_path()
    book = _load(path, lang, checklists, err=False, check_tiers=True)  # problems: the output
    typer.echo(t("programme.cli.validate.ok", lang, file=str(path),
                 versions=len(book.versions)))
    for v in book.versions:
        typer.echo("  " + t("programme.cli.validate.version", lang, version=v.id,
                            applies_from=v.rules.applies_from.isoformat(),
                            title=v.rules.title.get(lang) if v.rules.title else "",
                            hash=v.content_hash[:12]))


# --- show ---------------------------------------------------------------------------------


@group.command("show")
def show_cmd(
    month: MonthOption = None,  # type: ignore[assignment]
    version: VersionOption = None,  # type: ignore[assignment]
    file: FileOption = None,  # type: ignore[assignment]
    lang: LangOption = None,  # type: ignore[assignment]
) -> None:
    """Print the rules a month is computed under, as a channel manager reads them."""
    lang = _language(lang)
    book = _load(file or default_programme_path(), lang, None)
    if version is not None:
        chosen = book.by_id(version)
    else:
        chosen = book.for_month(_month(month) if month else YearMonth.of(date.today()))
    for line in describe(chosen, lang):
        typer.echo(line)


_VISITS = {
    "mean": "programme.method.mean",
    "median": "programme.method.median",
    "lowest": "programme.method.lowest",
    "latest": "programme.method.latest",
}
_VOIDED = {"zero": "programme.cli.show.voided.zero",
           "excluded": "programme.cli.show.voided.excluded"}
_WINDOW = {"rolling_12_months": "programme.cli.show.window.rolling",
           "calendar_year": "programme.cli.show.window.calendar"}
_RANKED_IN = {"province": "programme.cli.show.ranked_in.province",
              "business_unit": "programme.cli.show.ranked_in.business_unit"}
_BASELINE = {"quarter_start": "programme.cli.show.baseline.quarter_start",
             "previous_quarter_end": "programme.cli.show.baseline.previous_quarter_end"}
_FAMILY = {"agent_channel": "programme.family.agent_channel",
           "self_run_hall": "programme.family.self_run_hall"}
_COMPONENT = {
    Component.MYSTERY_SHOP: "programme.component.mystery_shop",
    Component.OPEN_INSPECTION: "programme.component.open_inspection",
    Component.SELF_CHECK: "programme.component.self_check",
    Component.SMS_SATISFACTION: "programme.component.sms_satisfaction",
    Component.INTERCEPT: "programme.component.intercept",
}


def describe(chosen: RulesVersion, lang: str) -> list[str]:
    """One version of the rules in words: every table row and threshold."""
    r: Version = chosen.rules
    out = [t("programme.cli.show.header", lang, version=chosen.id,
             applies_from=r.applies_from.isoformat(),
             title=r.title.get(lang) if r.title else "", hash=chosen.content_hash[:12]), ""]
    comp = r.composite
    out.append(t("programme.cli.show.composite", lang, method=t(_VISITS[comp.visits], lang),
                 voided=t(_VOIDED[comp.voided_visit], lang), decimals=comp.decimals,
                 min=comp.min_components))
    listed = comp.components.listed()
    total = sum((cr.weight for _, cr in listed if cr.counted), Decimal(0))
    for c, cr in listed:
        if cr.counted:
            share = quantize(100 * cr.weight / total, 1) if total else Decimal(0)
            text = t("programme.cli.show.component", lang, name=t(_COMPONENT[c], lang),
                     weight=plain(cr.weight), share=plain(share))
        else:
            text = t("programme.cli.show.component_shown", lang, name=t(_COMPONENT[c], lang),
                     weight=plain(cr.weight))
        if cr.min_count:
            text += t("programme.cli.show.min_count", lang, count=cr.min_count)
        if cr.required:
            text += t("programme.cli.show.required", lang)
        out.append("  " + text)
    out.append("  " + t("programme.cli.show.renormalise", lang))
    out += ["", t("programme.cli.show.payment_header", lang)]
    bands = r.payment_factor
    for i, b in enumerate(bands):
        key = ("programme.cli.show.band_last" if i == len(bands) - 1
               else "programme.cli.show.band")
        text = t(key, lang, start=plain(b.from_), end=plain(b.to), factor=factor_text(b.factor))
        if b.factor < 0:
            text += t("programme.cli.show.deduction", lang)
        out.append("  " + text)
    out += ["", t("programme.cli.show.years_header", lang)]
    ybands = r.cooperation_years.bands
    for i, yb in enumerate(ybands):
        if i == 0 and yb.from_ == 0 and len(ybands) > 1:
            out.append("  " + t("programme.cli.show.years_first", lang, end=ybands[1].from_,
                                factor=factor_text(yb.factor)))
        elif i + 1 < len(ybands):
            out.append("  " + t("programme.cli.show.years_band", lang, start=yb.from_,
                                end=ybands[i + 1].from_, factor=factor_text(yb.factor)))
        else:
            out.append("  " + t("programme.cli.show.years_top", lang, start=yb.from_,
                                factor=factor_text(yb.factor)))
    staff = r.staff_share
    out += ["", t("programme.cli.show.commission", lang, percent=plain(staff.percent)) + t(
        "programme.cli.show.staff.of_deductions" if staff.of_deductions
        else "programme.cli.show.staff.not_of_deductions", lang)]
    refund = r.refund
    expiry = (t("programme.cli.show.refund.expires", lang, months=refund.expires_after_months)
              if refund.expires_after_months else t("programme.cli.show.refund.never", lang))
    out.append(t("programme.cli.show.refund", lang, count=refund.months,
                 min_score=plain(refund.min_score), expiry=expiry))
    ex = r.exit
    out.append(t("programme.cli.show.exit", lang, window=t(_WINDOW[ex.year], lang),
                 ranked_in=t(_RANKED_IN[ex.year_ranked_in], lang), year_bottom=ex.year_bottom,
                 unit_bottom=ex.unit_bottom, more_than=ex.unit_months_more_than))
    moves = r.tier_moves
    out.append(t("programme.cli.show.tiers", lang, up_months=moves.up.months,
                 up_score=plain(moves.up.score), down_months=moves.down.months,
                 down_score=plain(moves.down.score)))
    for family, ladder in moves.ladders.items():
        out.append("  " + t("programme.cli.show.ladder", lang, family=t(_FAMILY[family], lang),
                            tiers=" → ".join(ladder)))
    rw = r.area_manager_reward
    out.append(t("programme.cli.show.reward", lang, min_places=rw.min_places,
                 baseline=t(_BASELINE[rw.baseline], lang)) + (
        t("programme.cli.show.reward.owner", lang) if rw.owner_rewarded else ""))
    classes = list_sep(lang).join(
        t("programme.cli.show.class", lang, cls=c.class_, min=c.min_customers)
        for c in r.outlet_classes)
    out.append(t("programme.cli.show.classes", lang, classes=classes))
    out.append(t("programme.cli.show.money", lang))
    return out


# --- shared -------------------------------------------------------------------------------


def _language(lang: str | None) -> str:
    if lang:
        set_language(lang)
    return get_language()


def _month(text: str) -> YearMonth:
    try:
        return YearMonth.parse(text)
    except ValueError:
        raise UserError("programme.cli.bad_month", value=text) from None


def _known_tiers(checklists: Path | None, lang: str) -> dict[str, str] | None:
    """Tier -> family from checklists.yaml, so the ladders can be checked; None (and a
    note) when that file cannot be read: its own `checklists validate` says why."""
    from app.checklists import ChecklistFileError, default_checklists_path, load_checklist_file

    path = checklists or default_checklists_path()
    try:
        source = load_checklist_file(path)
    except ChecklistFileError:
        typer.echo(t("programme.cli.no_checklists", lang, file=str(path)), err=True)
        return None
    return {tier: d.family.value for tier, d in source.tiers.items()}


def _load(path: Path, lang: str, checklists: Path | None, err: bool = True,
          check_tiers: bool = False) -> RuleBook:
    """The rules, or every problem of the file (on stderr unless `err` is false) and exit
    code 1. SystemExit, not typer.Exit: app.cli.main passes its code on. `check_tiers`:
    also check the tier ladders against checklists.yaml's tiers."""
    try:
        return load_rules_file(path, _known_tiers(checklists, lang) if check_tiers else None)
    except RuleFileError as exc:
        typer.echo(exc.message(lang), err=err)
        raise SystemExit(1) from None
