"""Read `programme.yaml`, report every problem in it the way a manager can act on
(`file:line:column: path: message`, translated, with a did-you-mean), and pick the version
of the rules a month is computed under.

A month is computed under the version whose `applies_from` is the latest on or before the
month's first day; a closed month keeps that version's id and content hash for good.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from app.errors import UserError
from app.programme.located import (
    PathPart,
    Problem,
    RuleFileError,
    close_match,
    locate,
    read_text,
    read_yaml,
    validation_problems,
)
from app.programme.months import YearMonth
from app.programme.rules_schema import ProgrammeFile, Version

if TYPE_CHECKING:  # customer perception (issue 11)
    from app.programme.perception.settings import PerceptionSettings

__all__ = [
    "Problem",
    "RuleBook",
    "RuleFileError",
    "RulesVersion",
    "default_programme_path",
    "load_rules_file",
    "parse_rules_text",
]

HUNDRED = Decimal(100)


def default_programme_path() -> Path:
    """The `programme.yaml` shipped with the app (repo root, or bundled beside `app/`),
    found the way `checklists.yaml` is."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "programme.yaml", here.parents[1] / "programme.yaml"):
        if candidate.exists():
            return candidate
    return here.parents[2] / "programme.yaml"


@dataclass(frozen=True)
class RulesVersion:
    """One version of the rules, as a month is computed under it."""

    rules: Version
    index: int  # position in the file (for `versions[i]...` in messages)
    source: str  # the file it came from

    @property
    def id(self) -> str:
        return self.rules.version

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the version's content: a closed month keeps it, so a version edited in
        place after the close is noticed instead of silently re-read."""
        plain = self.rules.model_dump(mode="json", by_alias=True)
        text = json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RuleBook:
    """Every version of the file, oldest first."""

    source: ProgrammeFile
    file: str

    @cached_property
    def versions(self) -> list[RulesVersion]:
        return [RulesVersion(v, i, self.file) for i, v in enumerate(self.source.versions)]

    def for_month(self, month: YearMonth) -> RulesVersion:
        """The version in force on the month's first day; UserError before the first one."""
        found = None
        for v in self.versions:
            if v.rules.applies_from <= month.first_day:
                found = v
        if found is None:
            raise UserError("programme.rules.no_version", month=str(month),
                            first=self.versions[0].rules.applies_from.isoformat())
        return found

    def by_id(self, version: str) -> RulesVersion:
        """The version a closed month names; UserError when the file no longer has it."""
        for v in self.versions:
            if v.id == version:
                return v
        raise UserError("programme.rules.unknown_version", version=version,
                        known=", ".join(v.id for v in self.versions))


def load_rules_file(path: str | Path, known_tiers: Mapping[str, str] | None = None) -> RuleBook:
    """Parse and check a programme file; RuleFileError with every problem.

    `known_tiers` (tier -> family, from checklists.yaml) also checks the tier ladders name
    real tiers of the right family; the caller that has both files passes it."""
    path = Path(path)
    return parse_rules_text(read_text(path), str(path), known_tiers)


def parse_rules_text(text: str, name: str = "programme.yaml",
                     known_tiers: Mapping[str, str] | None = None) -> RuleBook:
    """Like load_rules_file, for text already in memory."""
    data, doubled = read_yaml(text, name)
    if not isinstance(data, dict):
        raise RuleFileError(name, [Problem(name, (), "programme.rules.not_a_file", line=1,
                                           column=1)])
    try:
        model = ProgrammeFile.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(name, ProgrammeFile, exc.errors())
        raise RuleFileError(name, locate(text, problems, doubled)) from None
    problems = list(cross_check(model, name, known_tiers))
    if problems or doubled:
        raise RuleFileError(name, locate(text, problems, doubled))
    return RuleBook(model, name)


# --- checks that span a table or the file ---------------------------------------------------


def cross_check(model: ProgrammeFile, name: str,
                known_tiers: Mapping[str, str] | None = None) -> Iterator[Problem]:
    """What pydantic cannot see one field at a time: dates in order, tables without gaps,
    factors that never pay less for a better score, tiers that exist."""

    def problem(path: tuple[PathPart, ...], key: str, suggestion: str | None = None,
                **params: object) -> Problem:
        return Problem(name, path, key, params, suggestion=suggestion)

    seen_ids: dict[str, int] = {}
    previous = None
    for i, v in enumerate(model.versions):
        here: tuple[PathPart, ...] = ("versions", i)
        if v.version in seen_ids:
            yield problem((*here, "version"), "programme.rules.version_twice",
                          version=v.version, first=seen_ids[v.version])
        seen_ids.setdefault(v.version, i)
        if v.applies_from.day != 1:
            yield problem((*here, "applies_from"), "programme.rules.not_first_day",
                          date=v.applies_from.isoformat(),
                          first=v.applies_from.replace(day=1).isoformat())
        if previous is not None and v.applies_from <= previous:
            yield problem((*here, "applies_from"), "programme.rules.dates_not_ascending",
                          date=v.applies_from.isoformat(), previous=previous.isoformat())
        previous = v.applies_from
        yield from _composite(v, here, problem)
        yield from _payment_bands(v, here, problem)
        yield from _years_bands(v, here, problem)
        yield from _tiers(v, here, problem, known_tiers)
        yield from _classes(v, here, problem)
    yield from _planning(model, problem)  # visit planning (issue 10)
    yield from _perception(model, problem)  # customer perception (issue 11)


# --- visit planning (issue 10) ------------------------------------------------------------


def _planning(model: ProgrammeFile, problem: _Make) -> Iterator[Problem]:
    """The planning section's opening hours must read as the outlet list's do."""
    from app.errors import UserError
    from app.programme.planning.timing import parse_hours

    hours = model.planning.covert.default_hours
    try:
        parse_hours(hours)
    except UserError:
        yield problem(("planning", "covert", "default_hours"),
                      "planning.rules.default_hours", value=hours)


# --- end visit planning ---


# --- customer perception (issue 11) -------------------------------------------------------


def perception_settings_of(model: ProgrammeFile) -> PerceptionSettings:
    """The `perception:` section as the rules' settings (their constructors check every
    value: a UserError naming it)."""
    from app.programme.perception.settings import (
        DEFAULT_OPTIONS,
        InterceptRules,
        PerceptionSettings,
        ReplyOption,
        ReplyRules,
        SmsRules,
        Window,
    )

    p = model.perception
    sms = SmsRules(windows=tuple(Window.parse(w) for w in p.sms.windows),
                   within_hours=p.sms.within_hours, repeat_days=p.sms.repeat_days,
                   **({"business_types": dict(p.sms.business_types)}
                      if p.sms.business_types is not None else {}))
    options = DEFAULT_OPTIONS if p.replies.options is None else tuple(
        ReplyOption(o.value, (o.label.zh, o.label.en), o.points, o.satisfied)
        for o in p.replies.options)
    replies = ReplyRules(options=options, method=p.replies.method,
                         reply_window_hours=p.replies.reply_window_hours,
                         min_replies=p.replies.min_replies)
    intercept = InterceptRules(scale_min=p.intercept.scale_min,
                               scale_max=p.intercept.scale_max,
                               min_responses=p.intercept.min_responses,
                               importance=p.intercept.importance)
    return PerceptionSettings(sms=sms, replies=replies, intercept=intercept)


def _perception(model: ProgrammeFile, problem: _Make) -> Iterator[Problem]:
    """The section builds (windows read, no overlap, options distinct ...), and its minimums
    are the month close's (composite min_count of sms_satisfaction / intercept), so there
    is one number for each."""
    try:
        perception_settings_of(model)
    except UserError as exc:
        yield problem(("perception",), "perception.rules.invalid", reason=exc.message())
        return
    p = model.perception
    for i, v in enumerate(model.versions):
        comps = v.composite.components
        for name, rule, mine, where in (
                ("sms_satisfaction", comps.sms_satisfaction, p.replies.min_replies,
                 ("perception", "replies", "min_replies")),
                ("intercept", comps.intercept, p.intercept.min_responses,
                 ("perception", "intercept", "min_responses"))):
            if rule is not None and rule.min_count is not None and rule.min_count != mine:
                yield problem(where, "perception.rules.min_differs", component=name,
                              ours=mine, version=v.version, theirs=rule.min_count,
                              index=i)


# --- end customer perception ---


def _composite(v: Version, here: tuple[PathPart, ...], problem: _Make) -> Iterator[Problem]:
    comp = v.composite
    at = (*here, "composite")
    listed = comp.components.listed()
    counted = [(c, r) for c, r in listed if r.counted]
    if not counted:
        yield problem((*at, "components"), "programme.rules.nothing_counted")
        return
    for c, r in counted:
        if r.weight == 0:
            yield problem((*at, "components", c.value, "weight"), "programme.rules.zero_weight",
                          component=c.value)
    if comp.min_components > len(counted):
        yield problem((*at, "min_components"), "programme.rules.min_components_too_many",
                      value=comp.min_components, counted=len(counted))
    for c, r in listed:
        if r.required and not r.counted:
            yield problem((*at, "components", c.value, "required"),
                          "programme.rules.required_not_counted", component=c.value)


def _payment_bands(v: Version, here: tuple[PathPart, ...], problem: _Make
                   ) -> Iterator[Problem]:
    bands = v.payment_factor
    at = (*here, "payment_factor")
    if bands[0].from_ != 0:
        yield problem((*at, 0, "from"), "programme.rules.bands_start", start=_n(bands[0].from_))
    for j, band in enumerate(bands):
        if band.to <= band.from_:
            yield problem((*at, j, "to"), "programme.rules.band_empty", start=_n(band.from_),
                          end=_n(band.to))
        if j == 0:
            continue
        before = bands[j - 1]
        if band.from_ > before.to:
            yield problem((*at, j, "from"), "programme.rules.bands_gap", end=_n(before.to),
                          start=_n(band.from_))
        elif band.from_ < before.to:
            yield problem((*at, j, "from"), "programme.rules.bands_overlap",
                          start=_n(band.from_), end=_n(before.to))
        if band.factor < before.factor:
            yield problem((*at, j, "factor"), "programme.rules.factor_decreases",
                          factor=_n(band.factor), previous=_n(before.factor))
    if bands[-1].to != HUNDRED:
        yield problem((*at, len(bands) - 1, "to"), "programme.rules.bands_end",
                      end=_n(bands[-1].to))


def _years_bands(v: Version, here: tuple[PathPart, ...], problem: _Make) -> Iterator[Problem]:
    bands = v.cooperation_years.bands
    at = (*here, "cooperation_years", "bands")
    if bands[0].from_ != 0:
        yield problem((*at, 0, "from"), "programme.rules.years_start", start=bands[0].from_)
    for j in range(1, len(bands)):
        if bands[j].from_ <= bands[j - 1].from_:
            yield problem((*at, j, "from"), "programme.rules.years_not_ascending",
                          start=bands[j].from_, previous=bands[j - 1].from_)
        elif bands[j].factor < bands[j - 1].factor:
            yield problem((*at, j, "factor"), "programme.rules.years_factor_decreases",
                          factor=_n(bands[j].factor), previous=_n(bands[j - 1].factor))


def _tiers(v: Version, here: tuple[PathPart, ...], problem: _Make,
           known: Mapping[str, str] | None) -> Iterator[Problem]:
    moves = v.tier_moves
    at = (*here, "tier_moves")
    if moves.up.score <= moves.down.score:
        yield problem((*at, "up", "score"), "programme.rules.up_not_above_down",
                      up=_n(moves.up.score), down=_n(moves.down.score))
    seen: dict[str, str] = {}
    for family, ladder in moves.ladders.items():
        for k, tier in enumerate(ladder):
            path = (*at, "ladders", family, k)
            if tier in seen:
                yield problem(path, "programme.rules.tier_twice", tier=tier,
                              family=seen[tier])
                continue
            seen[tier] = family
            if known is None:
                continue
            if tier not in known:
                yield problem(path, "programme.rules.tier_unknown",
                              close_match(tier, known), tier=tier,
                              tiers=", ".join(known) or "-")
            elif known[tier] != family:
                yield problem(path, "programme.rules.tier_wrong_family", tier=tier,
                              family=family, actual=known[tier])


def _classes(v: Version, here: tuple[PathPart, ...], problem: _Make) -> Iterator[Problem]:
    classes = v.outlet_classes
    at = (*here, "outlet_classes")
    seen: set[str] = set()
    for k, cls in enumerate(classes):
        if cls.class_ in seen:
            yield problem((*at, k, "class"), "programme.rules.class_twice", name=cls.class_)
        seen.add(cls.class_)
        if k and cls.min_customers >= classes[k - 1].min_customers:
            yield problem((*at, k, "min_customers"), "programme.rules.classes_not_descending",
                          value=cls.min_customers, previous=classes[k - 1].min_customers)
    if classes[-1].min_customers != 0:
        yield problem((*at, len(classes) - 1, "min_customers"),
                      "programme.rules.classes_end", value=classes[-1].min_customers)


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


class _Make(Protocol):  # the shape of `problem` in cross_check, for the helpers' hints
    def __call__(self, path: tuple[PathPart, ...], key: str, suggestion: str | None = None,
                 **params: object) -> Problem: ...
