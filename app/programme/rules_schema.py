"""The shape of `programme.yaml`, the programme's money rulebook, as pydantic models.

The file holds versions, each applying from the first day of a month: the composite score
(components and weights), the payment-factor table, the cooperation-years factors, the staff
share, the rolling refund, the exit rule, tier moves, the area-manager reward and the outlet
classes. Everything is declarative; `rules_loader` adds error locations and the checks that
span a table (bands without gaps, ascending dates), and the month (`month.py`) applies it.

Numbers that reach money (factors, percentages, thresholds) are Decimal: YAML's 1.1 is read
as Decimal("1.1"), never as the float 1.1000000000000000888.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)]
VersionId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
Score = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
PaymentFactor = Annotated[Decimal, Field(ge=Decimal("-1.0"), le=Decimal("1.5"), decimal_places=4)]
YearsFactor = Annotated[Decimal, Field(gt=0, le=3, decimal_places=4)]
Weight = Annotated[Decimal, Field(ge=0, decimal_places=4)]
Family = Literal["agent_channel", "self_run_hall"]  # the families of checklists.yaml's tiers

PAYMENT_FACTOR_MIN = Decimal("-1.0")
PAYMENT_FACTOR_MAX = Decimal("1.5")


class Strict(BaseModel):
    """Base for every model: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Strict):
    """A text a manager reads, in both languages (Simplified Chinese first)."""

    zh: Annotated[str, Field(min_length=1, pattern=r"\S")]
    en: Annotated[str, Field(min_length=1, pattern=r"\S")]

    def get(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh


class Component(StrEnum):
    """The parts the composite can be made of."""

    MYSTERY_SHOP = "mystery_shop"  # 暗访 (counted results of that kind)
    OPEN_INSPECTION = "open_inspection"  # 明查 (counted results of that kind)
    SELF_CHECK = "self_check"  # 自查 (counted results of that kind)
    SMS_SATISFACTION = "sms_satisfaction"  # 客户感知短信测评 (per-outlet aggregate)
    INTERCEPT = "intercept"  # 拦截调查 (per-outlet perception aggregate)


INSPECTION_COMPONENTS = (Component.MYSTERY_SHOP, Component.OPEN_INSPECTION,
                         Component.SELF_CHECK)
PERCEPTION_COMPONENTS = (Component.SMS_SATISFACTION, Component.INTERCEPT)


class ComponentRule(Strict):
    weight: Weight
    counted: bool = True  # false: shown on the month card, not part of the composite
    required: bool = False  # true: no composite at all when this component has no data
    # the evidence needed for the component to count: visits (inspection components),
    # SMS replies or intercept responses (perception components); None: any
    min_count: Annotated[int, Field(ge=1)] | None = None


class Components(Strict):
    mystery_shop: ComponentRule | None = None
    open_inspection: ComponentRule | None = None
    self_check: ComponentRule | None = None
    sms_satisfaction: ComponentRule | None = None
    intercept: ComponentRule | None = None

    def listed(self) -> list[tuple[Component, ComponentRule]]:
        """The components the file lists, in the fixed order above."""
        out = []
        for c in Component:
            rule = getattr(self, c.value)
            if rule is not None:
                out.append((c, rule))
        return out


class CompositeRule(Strict):
    components: Components
    visits: Literal["mean", "median", "lowest", "latest"] = "mean"
    voided_visit: Literal["zero", "excluded"] = "zero"
    min_components: Annotated[int, Field(ge=1)] = 1
    decimals: Annotated[int, Field(ge=0, le=4)] = 2


class PaymentBand(Strict):
    """Composite scores from `from` (included) below `to` (excluded; 100 is included in the
    band that ends at 100) pay `factor`."""

    from_: Annotated[Score, Field(alias="from")]
    to: Score
    factor: PaymentFactor


class YearsBand(Strict):
    """From `from` whole years of cooperation (included) up to the next band's `from`."""

    from_: Annotated[int, Field(alias="from", ge=0, le=100)]
    factor: YearsFactor


class CooperationYears(Strict):
    bands: Annotated[list[YearsBand], Field(min_length=1)]


class StaffShare(Strict):
    percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
    of_deductions: bool = False  # false: staff carry no part of a deduction (share 0)


class RefundRule(Strict):
    min_score: Score
    months: Annotated[int, Field(ge=1, le=12)]
    expires_after_months: Annotated[int, Field(ge=1, le=120)] | None = None


class ExitRule(Strict):
    year: Literal["rolling_12_months", "calendar_year"] = "rolling_12_months"
    year_bottom: Annotated[int, Field(ge=1)] = 5
    year_ranked_in: Literal["province", "business_unit"] = "province"
    unit_bottom: Annotated[int, Field(ge=1)] = 3
    unit_months_more_than: Annotated[int, Field(ge=0, le=11)] = 6


class MoveRule(Strict):
    score: Score
    months: Annotated[int, Field(ge=1, le=24)]


class TierMoves(Strict):
    up: MoveRule  # composite >= score in each of `months` consecutive months at the tier
    down: MoveRule  # composite < score in each of `months` consecutive months at the tier
    ladders: dict[Family, Annotated[list[Identifier], Field(min_length=1)]]  # lowest first


class RewardRule(Strict):
    min_places: Annotated[int, Field(ge=1)] = 10
    baseline: Literal["quarter_start", "previous_quarter_end"] = "quarter_start"
    owner_rewarded: bool = True


class OutletClass(Strict):
    class_: Annotated[str, Field(alias="class", pattern=r"^[A-Z]$")]
    min_customers: Annotated[int, Field(ge=0)]


class Version(Strict):
    """One version of the rules, in force from `applies_from` (the first day of a month)
    until the next version's."""

    version: VersionId
    applies_from: date
    title: Text | None = None
    composite: CompositeRule
    payment_factor: Annotated[list[PaymentBand], Field(min_length=1)]
    cooperation_years: CooperationYears
    staff_share: StaffShare
    refund: RefundRule
    exit: ExitRule
    tier_moves: TierMoves
    area_manager_reward: RewardRule
    outlet_classes: Annotated[list[OutletClass], Field(min_length=1)]


# --- visit planning (issue 10): the `planning:` section, one for the whole file ----------
# (not per version: a plan is a proposal a manager reviews, not a figure a closed month
# keeps; app.central.plans turns it into the planner's CovertRules and coaching settings)


class CovertPlanRules(Strict):
    default_visits: Annotated[int, Field(ge=0, le=4)] = 1
    important_visits: Annotated[int, Field(ge=0, le=4)] = 2
    window_minutes: Annotated[int, Field(ge=15, le=720)] = 120
    step_minutes: Annotated[int, Field(ge=5, le=120)] = 15
    recent_visits: Annotated[int, Field(ge=0, le=12)] = 3
    default_hours: Annotated[str, Field(min_length=1, max_length=200)] = "09:00-18:00"
    default_max_per_day: Annotated[int, Field(ge=1, le=10)] = 2


class CoachingPlanRules(Strict):
    bottom_n: Annotated[int, Field(ge=0, le=100)] = 10
    visits_per_day: Annotated[int, Field(ge=1, le=20)] = 4
    holidays: list[date] = []
    workdays: list[date] = []  # weekend days that are working days (调休)


class PlanningRules(Strict):
    covert: CovertPlanRules = CovertPlanRules()
    coaching: CoachingPlanRules = CoachingPlanRules()


# --- end visit planning ---


# --- customer perception (issue 11): the `perception:` section, one for the whole file ----
# (app/programme/perception/settings.py's dataclasses check every value when
# rules_loader.perception_settings_of builds them; here only the shapes)


class SmsSection(Strict):
    business_types: dict[Annotated[str, Field(min_length=1, max_length=64)],
                         Literal["new_line", "change_details", "business_handled",
                                 "points_redeemed"]] | None = None  # None: the defaults
    windows: Annotated[list[Annotated[str, Field(max_length=20)]],
                       Field(min_length=1, max_length=8)] = ["09:00-12:30", "15:00-21:00"]
    within_hours: Annotated[int, Field(ge=1, le=168)] = 24
    repeat_days: Annotated[int, Field(ge=1, le=366)] = 62


class ReplyOptionRule(Strict):
    value: Annotated[str, Field(pattern=r"^[0-9]{1,2}$")]
    label: Text
    points: Annotated[float, Field(ge=0, le=100)]
    satisfied: bool


class RepliesSection(Strict):
    options: Annotated[list[ReplyOptionRule], Field(min_length=2, max_length=10)] | None = None
    method: Literal["satisfied_share", "mean_points"] = "satisfied_share"
    reply_window_hours: Annotated[int, Field(ge=1, le=720)] = 72
    min_replies: Annotated[int, Field(ge=1)] = 30


class InterceptSection(Strict):
    scale_min: int = 1
    scale_max: int = 7
    min_responses: Annotated[int, Field(ge=1)] = 30
    importance: Literal["expectation", "derived"] = "expectation"


class PerceptionRules(Strict):
    sms: SmsSection = SmsSection()
    replies: RepliesSection = RepliesSection()
    intercept: InterceptSection = InterceptSection()


# --- end customer perception ---


class ProgrammeFile(Strict):
    """The whole `programme.yaml`."""

    schema_version: Literal[1]
    versions: Annotated[list[Version], Field(min_length=1)]
    planning: PlanningRules = PlanningRules()  # visit planning (issue 10)
    perception: PerceptionRules = PerceptionRules()  # customer perception (issue 11)
