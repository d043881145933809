"""`hallcheck checklists ...`: check the rulebook, read a checklist, score a set of answers.

    hallcheck checklists validate [PATH]
    hallcheck checklists show --kind K --tier T [--phase P] [--lang zh|en] [--file PATH]
    hallcheck checklists score --kind K --tier T [--phase P] [--lang] [--file PATH] ANSWERS.json

Exit codes: 0 fine; 1 the checklist file has problems (every one is listed, with its line
and column); 2 a bad argument or a bad answers file (a UserError: kind, tier, phase, JSON,
answers), explained in the chosen language.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from app.checklists import (
    Catalog,
    ChecklistFileError,
    Item,
    ItemType,
    Kind,
    PhotoRule,
    ResolvedChecklist,
    default_checklists_path,
    load_checklist_file,
)
from app.checklists.schema import Condition, PhotoSource, VetoScope
from app.checklists.scoring import NA, format_score, list_sep, score, validate_answers
from app.errors import UserError
from app.i18n import get_language, set_language, t

group = typer.Typer(
    name="checklists",
    help="Check, read and try out the checklists (checklists.yaml). 检查表：校验、查看、试算。",
    no_args_is_help=True,
)

FILE_HELP = "checklists.yaml to use (default: the one shipped with the app)"
LANG_HELP = "zh (default) or en"

# The options `show` and `score` share: which checklist, in which language.
KindOption = Annotated[str, typer.Option(..., "--kind",
                                         help="mystery_shop, open_inspection or self_check")]
TierOption = Annotated[str, typer.Option(..., "--tier", help="an outlet tier, e.g. flagship")]
PhaseOption = Annotated[str, typer.Option("--phase",
                                          help="a phase (default: the file's default)")]
LangOption = Annotated[str, typer.Option("--lang", help=LANG_HELP)]
FileOption = Annotated[Path, typer.Option("--file", help=FILE_HELP, show_default=False)]


def register(cli: typer.Typer) -> None:
    """Add this area's commands to the root command."""
    cli.add_typer(group, name="checklists")


# --- validate -----------------------------------------------------------------------------


@group.command("validate")
def validate_cmd(
    path: Path = typer.Argument(None, help=FILE_HELP, show_default=False),
    lang: str = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Check a checklists.yaml: a summary when it is valid, every problem when it is not."""
    lang = _language(lang)
    path = path or default_checklists_path()
    catalog = _load(path, lang, err=False)  # here the problems are the output
    _print_summary(catalog, path, lang)


def _print_summary(catalog: Catalog, path: Path, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    rows = []
    items_total = sum(len(s.items) for cl in catalog.source.checklists for s in cl.sections)
    for kind, tier in catalog.combinations():
        resolved = catalog.resolve(kind, tier)
        vetoes = [it.veto.scope for s in resolved.sections for it in s.items if it.veto]
        rows.append((
            t(f"kind.{kind.value}", lang),
            f"{catalog.tiers[tier].label.get(lang)} ({tier})",
            f"{resolved.id} v{resolved.version}",
            str(len(resolved.sections)),
            str(resolved.item_count()),
            f"{vetoes.count(VetoScope.SECTION)} / {vetoes.count(VetoScope.VISIT)}",
        ))
    typer.echo(t("checklists.validate.ok", lang, file=str(path),
                 checklists=len(catalog.source.checklists), items=items_total))
    table = Table(show_edge=False, pad_edge=False)
    for key in ("kind", "tier", "checklist", "sections", "items", "vetoes"):
        table.add_column(t(f"checklists.col.{key}", lang),
                         justify="right" if key in ("sections", "items", "vetoes") else "left")
    for row in rows:
        table.add_row(*row)
    Console(file=sys.stdout, width=120, highlight=False, soft_wrap=False).print(table)


# --- show ---------------------------------------------------------------------------------


@group.command("show")
def show_cmd(
    kind: KindOption,
    tier: TierOption,
    phase: PhaseOption = None,  # type: ignore[assignment]
    lang: LangOption = None,  # type: ignore[assignment]
    file: FileOption = None,  # type: ignore[assignment]
) -> None:
    """Print the checklist one kind x tier (x phase) resolves to, as an inspector reads it."""
    lang = _language(lang)
    catalog = _load(file or default_checklists_path(), lang)
    resolved = _resolve(catalog, kind, tier, phase)
    for line in describe(resolved, catalog, lang):
        typer.echo(line)


def describe(resolved: ResolvedChecklist, catalog: Catalog, lang: str) -> list[str]:
    """The resolved checklist in words: header, sections with weights, numbered items."""
    tiers = catalog.source.tiers
    phases = catalog.source.phases
    out = [
        t("checklists.show.header", lang, title=resolved.title.get(lang),
          kind=t(f"kind.{resolved.kind.value}", lang),
          tier=f"{tiers[resolved.tier].label.get(lang)} ({resolved.tier})"),
    ]
    if resolved.phase is not None:
        out.append(t("checklists.show.phase", lang,
                     phase=f"{phases[resolved.phase].label.get(lang)} ({resolved.phase})"))
    out.append(t("checklists.show.meta", lang, id=resolved.id, version=resolved.version,
                 hash=resolved.content_hash))
    if resolved.description is not None:
        out.append(resolved.description.get(lang))
    total_weight = sum(s.weight for s in resolved.sections)
    for si, sec in enumerate(resolved.sections, 1):
        out.append("")
        out.append(t("checklists.show.section", lang, n=si, title=sec.title.get(lang),
                     id=sec.id, weight=_num(sec.weight),
                     share=format_score(100 * sec.weight / total_weight)))
        if sec.description is not None:
            out.append("   " + sec.description.get(lang))
        for ii, item in enumerate(sec.items, 1):
            out.extend(_describe_item(f"{si}.{ii}", item, resolved, lang))
    return out


def _describe_item(n: str, item: Item, resolved: ResolvedChecklist, lang: str) -> list[str]:
    pad = " " * 7
    head = t("checklists.show.item", lang, n=n, label=item.label.get(lang), id=item.id,
             type=_type_words(item, lang))
    if item.scored:
        head += t("checklists.show.weight", lang, weight=_num(item.weight))
    if not item.is_required:
        head += t("checklists.show.optional", lang)
    elif not item.scored:
        head += t("checklists.show.required", lang)
    lines = ["   " + head]
    if item.veto is not None:
        lines.append(pad + t("checklists.show.veto", lang,
                             scope=t(f"veto.scope.{item.veto.scope.value}", lang),
                             reason=item.veto.reason.get(lang)))
    rule = _scoring_words(item, lang)
    if rule:
        lines.append(pad + rule)
    if item.photo is not PhotoRule.NONE or (item.type is ItemType.PHOTO):
        key = "always" if item.type is ItemType.PHOTO else item.photo.value
        text = t(f"checklists.show.photo.{key}", lang)
        if item.photo_source is PhotoSource.CAMERA:
            text += t("checklists.show.photo.camera", lang)
        lines.append(pad + text)
    if item.note_on_fail:
        lines.append(pad + t("checklists.show.note_on_fail", lang))
    if item.conditions:
        joined = t("checklists.show.and", lang).join(
            _condition_words(c, resolved, lang) for c in item.conditions)
        lines.append(pad + t("checklists.show.show_if", lang, conditions=joined))
    if item.help is not None:
        lines.append(pad + t("checklists.show.help", lang, text=item.help.get(lang)))
    return lines


def _type_words(item: Item, lang: str) -> str:
    kind = item.type
    if kind is ItemType.YES_NO:
        text = t("checklists.type.yes_no" if item.pass_if else "checklists.type.yes_no_reversed",
                 lang)
    elif kind is ItemType.SCALE:
        text = t("checklists.type.scale", lang, min=item.min, max=item.max)
    elif kind is ItemType.NUMBER:
        if item.unit is not None:
            text = t("checklists.type.number_unit", lang, unit=item.unit.get(lang))
        else:
            text = t("checklists.type.number", lang)
    else:
        text = t(f"checklists.type.{kind.value}", lang)
    if item.allow_na:
        text += t("checklists.show.na_allowed", lang)
    return text


def _scoring_words(item: Item, lang: str) -> str | None:
    sep = list_sep(lang)
    if item.type is ItemType.SCALE:
        if item.fail_below is None:
            return t("checklists.show.fails_at_min", lang, min=item.min)
        return t("checklists.show.fail_below", lang, value=_num(item.fail_below))
    if item.type is ItemType.NUMBER:
        unit = item.unit.get(lang) if item.unit else ""
        if unit and lang == "en":
            unit = " " + unit
        parts = []
        for band in item.bands or []:
            if band.min is None and band.max is None:
                where = t("checklists.band.any", lang)
            elif band.min is None:
                where = f"≤ {_num(band.max)}{unit}"  # type: ignore[arg-type]
            elif band.max is None:
                where = f"≥ {_num(band.min)}{unit}"
            else:
                where = f"{_num(band.min)}–{_num(band.max)}{unit}"
            parts.append(f"{where} → {format_score(100 * band.score)}%")
        return t("checklists.show.bands", lang, bands=sep.join(parts))
    if item.type is ItemType.CHOICE:
        parts = []
        for o in item.options or []:
            text = f"{o.label.get(lang)} ({o.id}) {format_score(100 * o.score)}%"
            if o.fails:
                text += t("checklists.show.option_fails", lang)
            parts.append(text)
        return t("checklists.show.options", lang, options=sep.join(parts))
    return None


def _condition_words(cond: Condition, resolved: ResolvedChecklist, lang: str) -> str:
    target = resolved.items.get(cond.item)
    label = target.label.get(lang) if target is not None else cond.item
    if cond.answered is not None:
        key = "answered" if cond.answered else "not_answered"
        return t(f"checklists.cond.{key}", lang, label=label)
    if cond.fails is not None:
        return t(f"checklists.cond.{'fails' if cond.fails else 'passes'}", lang, label=label)
    if cond.in_ is not None:
        values = t("checklists.cond.or", lang).join(_value_words(v, target, lang)
                                                   for v in cond.in_)
        return t("checklists.cond.in", lang, label=label, values=values)
    return t("checklists.cond.equals", lang, label=label,
             value=_value_words(cond.equals, target, lang))


def _value_words(value: object, target: Item | None, lang: str) -> str:
    if isinstance(value, bool):
        return t("answer.yes" if value else "answer.no", lang)
    if value == NA:
        return t("answer.na", lang)
    if target is not None and target.type is ItemType.CHOICE:
        for o in target.options or []:
            if o.id == value:
                return o.label.get(lang)
    if isinstance(value, float):
        return _num(value)
    return str(value)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- score --------------------------------------------------------------------------------


@group.command("score")
def score_cmd(
    answers_file: Annotated[Path, typer.Argument(
        metavar="ANSWERS.json", help="a JSON object: item id -> answer ('-': stdin)")],
    kind: KindOption,
    tier: TierOption,
    phase: PhaseOption = None,  # type: ignore[assignment]
    lang: LangOption = None,  # type: ignore[assignment]
    file: FileOption = None,  # type: ignore[assignment]
) -> None:
    """Score a set of answers and print the breakdown as JSON (ScoreResult.to_dict)."""
    lang = _language(lang)
    catalog = _load(file or default_checklists_path(), lang)
    resolved = _resolve(catalog, kind, tier, phase)
    answers = validate_answers(resolved, _read_answers(answers_file))
    result = score(resolved, answers)
    typer.echo(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2))


def _read_answers(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        text = sys.stdin.read() if name == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError("checklists.answers.unreadable", file=name, error=reason) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError("checklists.answers.bad_json", file=name, line=exc.lineno,
                        column=exc.colno, error=exc.msg) from None
    if not isinstance(data, dict):
        raise UserError("checklists.answers.not_object", file=name)
    return data


# --- shared -------------------------------------------------------------------------------


def _language(lang: str | None) -> str:
    if lang:
        set_language(lang)
    return get_language()


def _load(path: Path, lang: str, err: bool = True) -> Catalog:
    """The catalogue, or every problem of the file (on stderr unless `err` is false) and
    exit code 1. SystemExit, not typer.Exit: app.cli.main passes its code on."""
    try:
        return Catalog(load_checklist_file(path))
    except ChecklistFileError as exc:
        typer.echo(t("checklists.validate.failed", lang, file=exc.file,
                     count=len(exc.problems)), err=err)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=err)
        raise SystemExit(1) from None


def _resolve(catalog: Catalog, kind: str, tier: str, phase: str | None) -> ResolvedChecklist:
    """Resolve, turning an unknown kind, tier or phase into a message listing valid ones."""
    source = catalog.source
    none = t("checklists.none", get_language())
    try:
        kind_ = Kind(kind)
    except ValueError:
        raise UserError("checklists.unknown_kind", kind=kind,
                        valid=", ".join(k.value for k in Kind)) from None
    if tier not in source.tiers:
        raise UserError("checklists.unknown_tier", tier=tier,
                        valid=", ".join(source.tiers) or none)
    if phase is not None and phase not in source.phases:
        raise UserError("checklists.unknown_phase", phase=phase,
                        valid=", ".join(source.phases) or none)
    covered = [tr for k, tr in catalog.combinations() if k is kind_]
    if tier not in covered:
        raise UserError("checklists.no_checklist", kind=kind_.value, tier=tier,
                        valid=", ".join(covered) or none)
    return catalog.resolve(kind_, tier, phase)
