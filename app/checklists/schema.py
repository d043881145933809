"""The shape of `checklists.yaml`, as pydantic models.

The file is the programme's rulebook: tiers, checklist kinds, sections and items with
their weights, veto rules and evidence requirements. Everything here is declarative; the
loader (`loader.py`) adds locations to errors and the cross-checks that span the file,
`resolve.py` turns a kind x tier into a concrete checklist, `scoring.py` scores answers.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)]
PositiveWeight = Annotated[float, Field(gt=0)]


class Strict(BaseModel):
    """Base for every model: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A user-visible text in both languages the app ships (Simplified Chinese first)."""

    zh: Annotated[str, Field(min_length=1, pattern=r"\S")]  # not blank
    en: Annotated[str, Field(min_length=1, pattern=r"\S")]

    def get(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh


class Family(StrEnum):
    AGENT = "agent_channel"  # 代办渠道
    HALL = "self_run_hall"  # 自营厅


class Kind(StrEnum):
    MYSTERY_SHOP = "mystery_shop"  # 暗访
    OPEN_INSPECTION = "open_inspection"  # 明查 / 走访指导
    SELF_CHECK = "self_check"  # 自查
    INTERCEPT = "intercept"  # 拦截调查: a customer's expectation and perception (issue 11)


class ItemType(StrEnum):
    YES_NO = "yes_no"
    SCALE = "scale"
    NUMBER = "number"
    CHOICE = "choice"
    TEXT = "text"
    PHOTO = "photo"


class VetoScope(StrEnum):
    SECTION = "section"  # forfeits the whole section (indicator)
    VISIT = "visit"  # voids the whole visit score


class PhotoRule(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    ALWAYS = "always"
    ON_FAIL = "on_fail"


class PhotoSource(StrEnum):
    CAMERA = "camera"  # fresh evidence: taken now with the camera
    ANY = "any"  # camera or gallery


class TierDef(Strict):
    family: Family
    label: Text
    description: Text | None = None


class PhaseDef(Strict):
    label: Text
    description: Text | None = None


class Veto(Strict):
    """一票否决: a failed answer forfeits the section (or the whole visit)."""

    scope: VetoScope
    reason: Text


class Band(Strict):
    """A scoring band for a measured number: the first band whose range holds the value wins."""

    min: float | None = None  # inclusive lower bound; None = unbounded
    max: float | None = None  # inclusive upper bound; None = unbounded
    score: Annotated[float, Field(ge=0, le=1)]

    def holds(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Option(Strict):
    id: Identifier
    label: Text
    score: Annotated[float, Field(ge=0, le=1)] = 0.0
    fails: bool = False


class Condition(Strict):
    """`show_if`: the item is shown only when an earlier answer satisfies this."""

    item: Identifier
    equals: bool | float | str | None = None
    in_: Annotated[list[bool | float | str] | None, Field(alias="in")] = None
    fails: bool | None = None  # true: shown when that item failed; false: when it passed
    answered: bool | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [
            n
            for n, v in (
                ("equals", self.equals),
                ("in", self.in_),
                ("fails", self.fails),
                ("answered", self.answered),
            )
            if v is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "show_if needs exactly one test of: equals, in, fails, answered "
                f"(got {', '.join(given) or 'none'})"
            )
        return self


class Item(Strict):
    id: Identifier
    type: ItemType
    label: Text
    help: Text | None = None
    tiers: list[Identifier] | None = None  # tier or tier-group names; None = every tier
    weight: PositiveWeight = 1.0
    tier_weights: dict[Identifier, PositiveWeight] = Field(default_factory=dict)
    required: bool | None = None  # default: scored items required, text/photo not
    veto: Veto | None = None
    photo: PhotoRule = PhotoRule.NONE
    photo_source: PhotoSource = PhotoSource.ANY
    note_on_fail: bool = False
    show_if: list[Condition] | None = None  # all must hold; a single mapping is accepted
    allow_na: bool = False  # yes/no(/not applicable), scale and choice may allow N/A
    pass_if: bool = True  # yes_no: the good answer (`pass_if: no` when "no" is the good answer)
    # scale
    min: int | None = None
    max: int | None = None
    fail_below: float | None = None  # scale: a value below this is a failure
    # number
    unit: Text | None = None
    bands: list[Band] | None = None
    # choice
    options: list[Option] | None = None

    @field_validator("show_if", mode="before")
    @classmethod
    def _one_condition_is_a_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _type_fields(self) -> Item:
        t = self.type
        if t is ItemType.SCALE:
            if self.min is None or self.max is None:
                raise ValueError("a scale item needs min and max (e.g. min: 0, max: 5)")
            if self.max <= self.min:
                raise ValueError(f"scale max ({self.max}) must be greater than min ({self.min})")
            if self.fail_below is not None and not self.min < self.fail_below <= self.max:
                raise ValueError(
                    f"fail_below ({self.fail_below:g}) must be above min ({self.min}) and at "
                    f"most max ({self.max}), or no answer (or every answer) would fail"
                )
        elif (self.min is not None or self.max is not None) and t is not ItemType.NUMBER:
            raise ValueError(f"min/max apply to scale and number items, not {t.value}")
        if self.fail_below is not None and t is not ItemType.SCALE:
            raise ValueError(f"fail_below applies to scale items, not {t.value}")
        if t is ItemType.NUMBER and not self.bands:
            raise ValueError("a number item needs scoring bands (bands: [{max: 5, score: 1}, ...])")
        if t is not ItemType.NUMBER and (self.bands or self.unit):
            raise ValueError(f"bands/unit apply to number items, not {t.value}")
        if t is ItemType.CHOICE and (not self.options or len(self.options) < 2):
            raise ValueError("a choice item needs at least two options")
        if t is not ItemType.CHOICE and self.options:
            raise ValueError(f"options apply to choice items, not {t.value}")
        if self.options and len({o.id for o in self.options}) != len(self.options):
            raise ValueError("option ids must be unique within an item")
        if self.veto is not None and not self.can_fail:
            raise ValueError(f"a {t.value} item cannot fail, so it cannot carry a veto")
        if self.photo is PhotoRule.ON_FAIL and not self.can_fail:
            raise ValueError(f"photo: on_fail needs an item that can fail, not {t.value}")
        if self.note_on_fail and not self.can_fail:
            raise ValueError(f"note_on_fail needs an item that can fail, not {t.value}")
        return self

    # cached: an item is frozen, and scoring asks these of every item of every result
    @cached_property
    def scored(self) -> bool:
        return self.type not in (ItemType.TEXT, ItemType.PHOTO)

    @cached_property
    def can_fail(self) -> bool:
        if self.type is ItemType.YES_NO or self.type is ItemType.SCALE:
            return True
        if self.type is ItemType.NUMBER:
            return any(b.score == 0 for b in self.bands or [])
        if self.type is ItemType.CHOICE:
            return any(o.fails for o in self.options or [])
        return False

    @cached_property
    def is_required(self) -> bool:
        if self.required is not None:
            return self.required
        return self.scored or self.type is ItemType.PHOTO

    @property
    def conditions(self) -> list[Condition]:
        return self.show_if or []


class Section(Strict):
    id: Identifier
    title: Text
    description: Text | None = None
    tiers: list[Identifier] | None = None
    weight: PositiveWeight = 1.0
    tier_weights: dict[Identifier, PositiveWeight] = Field(default_factory=dict)
    phase_factors: dict[Identifier, PositiveWeight] = Field(default_factory=dict)
    items: Annotated[list[Item], Field(min_length=1)]


class Checklist(Strict):
    id: Identifier
    kind: Kind
    version: Annotated[int, Field(ge=1)]
    title: Text
    description: Text | None = None
    tiers: Annotated[list[Identifier], Field(min_length=1)]
    sections: Annotated[list[Section], Field(min_length=1)]


class ChecklistFile(Strict):
    """The whole `checklists.yaml`."""

    schema_version: Literal[1]
    tiers: dict[Identifier, TierDef]
    tier_groups: dict[Identifier, list[Identifier]] = Field(default_factory=dict)
    phases: dict[Identifier, PhaseDef] = Field(default_factory=dict)
    default_phase: Identifier | None = None
    checklists: Annotated[list[Checklist], Field(min_length=1)]

    def expand_tiers(self, names: list[str] | None) -> set[str]:
        """Tier and tier-group names -> the set of tier names (None = every tier)."""
        if names is None:
            return set(self.tiers)
        out: set[str] = set()
        for n in names:
            out.update(self.tier_groups.get(n, [n]))
        return out


def to_plain(model: BaseModel) -> Any:
    """JSON-ready dict with aliases and no defaults noise, for hashing and export."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)
