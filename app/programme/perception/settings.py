"""The customer-perception rules as settings: one frozen dataclass per part, every default
the programme's (docs/perception.md says where each comes from), to be read from
programme.yaml later. Constructing one checks it, so a bad value is refused where it is
given (a UserError naming the value), never half-applied by a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Literal

from app.errors import UserError
from app.i18n import messages
from app.programme.perception.clock import DAY, HOUR, clock_seconds, clock_text

# --- SMS ratings ------------------------------------------------------------------------------

Category = Literal["new_line", "change_details", "business_handled", "points_redeemed"]
CATEGORIES: tuple[Category, ...] = ("new_line", "change_details", "business_handled",
                                    "points_redeemed")

# The business system's codes for the qualifying business (domain: "customers who opened a
# line, changed details, handled business or redeemed points"). The real export's codes are
# the programme's setting; these defaults take the category ids and the plain Chinese names.
DEFAULT_BUSINESS_TYPES: Mapping[str, Category] = {
    "new_line": "new_line", "开户": "new_line", "新装入网": "new_line",
    "change_details": "change_details", "资料变更": "change_details",
    "business_handled": "business_handled", "业务办理": "business_handled",
    "points_redeemed": "points_redeemed", "积分兑换": "points_redeemed",
}


@dataclass(frozen=True)
class Window:
    """A span of the day in which texts may go out, in seconds after midnight: the start is
    allowed, the end is not ([start, end)), so 12:30:00 is outside 09:00-12:30 and a
    window ending 24:00 runs to the last second of the day."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY:
            raise UserError("perception.settings.window", value=str(self))

    @classmethod
    def parse(cls, value: str) -> Window:
        """'09:00-12:30' -> Window(32400, 45000)."""
        start, sep, end = value.partition("-")
        if not sep:
            raise UserError("perception.settings.window", value=value)
        return cls(clock_seconds(start), clock_seconds(end, end=True))

    def __str__(self) -> str:
        return f"{clock_text(self.start)}-{clock_text(self.end)}"


DEFAULT_WINDOWS = (Window.parse("09:00-12:30"), Window.parse("15:00-21:00"))


@dataclass(frozen=True)
class SmsRules:
    """Which transactions get a text, and when (domain, "Customer perception data")."""

    business_types: Mapping[str, Category] = field(
        default_factory=lambda: dict(DEFAULT_BUSINESS_TYPES))
    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    within_hours: int = 24  # the text goes out at most this long after the transaction
    # "Never the same customer twice within two months": two sends less than this many days
    # apart are refused. 62 days is the longest two consecutive calendar months (Jul+Aug,
    # Dec+Jan), so no reading of "two months" is ever broken (as rotation's 92 days).
    repeat_days: int = 62

    def __post_init__(self) -> None:
        if not self.windows:
            raise UserError("perception.settings.no_windows")
        ordered = sorted(self.windows, key=lambda w: w.start)
        for a, b in pairwise(ordered):
            if b.start < a.end:
                raise UserError("perception.settings.windows_overlap", first=str(a),
                                second=str(b))
        object.__setattr__(self, "windows", tuple(ordered))
        # a copy: the caller's dict changing later must not change the rules under a batch
        object.__setattr__(self, "business_types", dict(self.business_types))
        if not 1 <= self.within_hours <= 24 * 7:
            raise UserError("perception.settings.range", name="within_hours",
                            value=self.within_hours, low=1, high=24 * 7)
        if not 1 <= self.repeat_days <= 366:
            raise UserError("perception.settings.range", name="repeat_days",
                            value=self.repeat_days, low=1, high=366)
        for code, category in self.business_types.items():
            if category not in CATEGORIES:
                raise UserError("perception.settings.category", code=code, value=category,
                                categories=", ".join(CATEGORIES))

    @property
    def within_s(self) -> int:
        return self.within_hours * HOUR

    @property
    def repeat_s(self) -> int:
        return self.repeat_days * DAY

    @cached_property
    def delay_table(self) -> list[int]:
        """For every second of the day, how long until texting is allowed (0 inside a
        window): the send list's whole window rule is one list look-up per transaction."""
        inside = bytearray(DAY)
        for w in self.windows:
            inside[w.start:w.end] = b"\x01" * (w.end - w.start)
        table = [0] * DAY
        nxt = self.windows[0].start + DAY  # after the last window: the first one tomorrow
        for second in range(DAY - 1, -1, -1):  # backwards: each second sees the next start
            if inside[second]:
                nxt = second
            else:
                table[second] = nxt - second
        return table

    def allowed(self, seconds_of_day: int) -> bool:
        return any(w.start <= seconds_of_day < w.end for w in self.windows)


# --- replies ----------------------------------------------------------------------------------


def _pair(key: str) -> tuple[str, str]:
    return messages()[key]


@dataclass(frozen=True)
class ReplyOption:
    """One answer a customer can text back: its value ('1'), its words in both languages,
    the points it is worth (0..100, for the mean method) and whether it counts as
    satisfied (for the share method)."""

    value: str
    label: tuple[str, str]  # (zh, en), e.g. ('很满意', 'very satisfied')
    points: float
    satisfied: bool

    def text(self, lang: str | None = None) -> str:
        return self.label[1] if (lang or "").lower().startswith("en") else self.label[0]


DEFAULT_OPTIONS = (
    ReplyOption("1", _pair("perception.reply.very_satisfied"), 100.0, True),
    ReplyOption("2", _pair("perception.reply.satisfied"), 80.0, True),
    ReplyOption("3", _pair("perception.reply.dissatisfied"), 0.0, False),
)
SatisfactionMethod = Literal["satisfied_share", "mean_points"]


@dataclass(frozen=True)
class ReplyRules:
    """How replies read and count. Satisfaction (0..100) is by default the share of replies
    that are satisfied (1 很满意 or 2 满意), the operator's usual 满意率; `mean_points`
    averages the options' points instead."""

    options: tuple[ReplyOption, ...] = DEFAULT_OPTIONS
    method: SatisfactionMethod = "satisfied_share"
    # A reply that carries no send id is matched by the customer's hash to the latest send
    # to them at most this long before it (the two-month rule leaves at most one).
    reply_window_hours: int = 72
    # Below this many replies an outlet's (or staff member's) figure is shown with its count
    # but marked insufficient: programme.yaml's composite.components.sms_satisfaction
    # min_count (30), the one number the month close applies too.
    min_replies: int = 30

    def __post_init__(self) -> None:
        values = [o.value for o in self.options]
        if len(values) < 2 or len(set(values)) != len(values) or not all(
                v.isdigit() for v in values):
            raise UserError("perception.settings.options")
        for o in self.options:
            if not 0 <= o.points <= 100:
                raise UserError("perception.settings.range", name=f"points {o.value}",
                                value=o.points, low=0, high=100)
        if self.method not in ("satisfied_share", "mean_points"):
            raise UserError("perception.settings.method", value=self.method)
        if not 1 <= self.reply_window_hours <= 24 * 30:
            raise UserError("perception.settings.range", name="reply_window_hours",
                            value=self.reply_window_hours, low=1, high=24 * 30)
        if self.min_replies < 1:
            raise UserError("perception.settings.range", name="min_replies",
                            value=self.min_replies, low=1, high="-")

    @cached_property
    def by_value(self) -> dict[str, ReplyOption]:
        return {o.value: o for o in self.options}

    @cached_property
    def by_label(self) -> dict[str, ReplyOption]:
        return {label: o for o in self.options for label in o.label}


# --- intercept surveys --------------------------------------------------------------------------

# The SERVQUAL dimensions of the domain brief ("Visit planning": intercept surveys), in its
# order; each has a message perception.dimension.<id>.
DIMENSIONS = ("proactiveness", "customer_orientation", "attitude", "appearance",
              "staff_competence", "service_display", "process", "floor_management",
              "environment", "facilities", "efficiency", "problem_solving")
ImportanceMethod = Literal["expectation", "derived"]


@dataclass(frozen=True)
class InterceptRules:
    """The intercept survey's scale and the minimum per hall (domain: at least 30)."""

    dimensions: tuple[str, ...] = DIMENSIONS
    scale_min: int = 1
    scale_max: int = 7
    min_responses: int = 30
    # How much customers care about a dimension: "expectation" (the mean stated
    # expectation, always available) or "derived" (how strongly the dimension's perception
    # moves with the overall rating, where the records carry one).
    importance: ImportanceMethod = "expectation"

    def __post_init__(self) -> None:
        if not self.dimensions or len(set(self.dimensions)) != len(self.dimensions):
            raise UserError("perception.settings.dimensions")
        if not self.scale_min < self.scale_max:
            raise UserError("perception.settings.scale", low=self.scale_min,
                            high=self.scale_max)
        if self.min_responses < 1:
            raise UserError("perception.settings.range", name="min_responses",
                            value=self.min_responses, low=1, high="-")
        if self.importance not in ("expectation", "derived"):
            raise UserError("perception.settings.method", value=self.importance)

    def to_100(self, mean: float) -> float:
        """A mean on the scale -> 0..100 (scale_min -> 0, scale_max -> 100)."""
        return (mean - self.scale_min) * 100.0 / (self.scale_max - self.scale_min)


# --- alignment and competitors --------------------------------------------------------------------

# Which SERVQUAL dimensions a checklist section is about, for the sections of the shipped
# checklists.yaml that customers can judge (a section not listed, such as selling or the
# real-name checks, is reported as not compared: customers are not asked about it).
DEFAULT_SECTION_DIMENSIONS: Mapping[str, tuple[str, ...]] = {
    # 暗访, self-run halls
    "awareness": ("proactiveness", "customer_orientation"),
    "staff_quality": ("attitude", "appearance", "staff_competence"),
    "process": ("process", "floor_management", "efficiency"),
    "environment": ("environment", "facilities", "service_display"),
    "result": ("problem_solving",),
    "promo_consistency": ("service_display",),
    "retention": ("customer_orientation",),
    # 暗访, agent channels
    "a_environment": ("environment", "facilities"),
    "a_function": ("service_display", "problem_solving"),
    "a_service_conduct": ("attitude", "appearance", "proactiveness", "customer_orientation"),
    "a_business_conduct": ("staff_competence", "process", "efficiency"),
    # 明查 and 自查
    "oi_facilities": ("environment", "facilities"),
    "oi_floor": ("floor_management",),
    "oi_conduct": ("attitude", "appearance"),
    "oi_business": ("process", "efficiency"),
    "oi_capability": ("staff_competence",),
    "sc_environment": ("environment", "facilities"),
    "sc_floor": ("floor_management",),
    "sc_conduct": ("attitude", "appearance"),
    "sc_business": ("process", "efficiency"),
}


@dataclass(frozen=True)
class AlignmentRules:
    """How inspections are held against customer perception."""

    min_outlets: int = 5  # fewer outlets with both figures: no rank correlation is given
    disagreeing: int = 5  # how many of the most-disagreeing outlets are named
    section_dimensions: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_SECTION_DIMENSIONS))
    # A section is named heavy-but-ignored (or light-but-cared-for) when its share of the
    # weight and its share of customer importance differ by at least this much (0.05 = 5
    # points of 100).
    threshold: float = 0.05
    # The suggested weight moves this far from the current share towards the importance
    # share (1.0 = all the way), rounded to `step`; the total weight stays the same.
    blend: float = 0.5
    step: float = 0.5

    def __post_init__(self) -> None:
        if self.min_outlets < 3:
            raise UserError("perception.settings.range", name="min_outlets",
                            value=self.min_outlets, low=3, high="-")
        if not 0 < self.blend <= 1 or not 0 < self.threshold < 1 or self.step <= 0:
            raise UserError("perception.settings.alignment")
        if self.disagreeing < 0:
            raise UserError("perception.settings.range", name="disagreeing",
                            value=self.disagreeing, low=0, high="-")


@dataclass(frozen=True)
class CompetitorRules:
    """When a comparison with competitors is shown: each side needs results from at least
    `min_outlets` outlets (so no single competitor outlet's figure can be read off it),
    and an item also at least `min_results` answered results on each side."""

    min_outlets: int = 3
    min_results: int = 5

    def __post_init__(self) -> None:
        if self.min_outlets < 2 or self.min_results < 1:
            raise UserError("perception.settings.competitors")


@dataclass(frozen=True)
class PerceptionSettings:
    sms: SmsRules = field(default_factory=SmsRules)
    replies: ReplyRules = field(default_factory=ReplyRules)
    intercept: InterceptRules = field(default_factory=InterceptRules)
    alignment: AlignmentRules = field(default_factory=AlignmentRules)
    competitors: CompetitorRules = field(default_factory=CompetitorRules)
