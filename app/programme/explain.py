"""Why a figure is what it is: a message key with its parameters, the rule it applied (a path
into programme.yaml's version, e.g. `payment_factor[5]`) and the results behind it, so a
manager can answer an outlet owner's "why" from the month card or the statement.

Explanations are data (language-neutral, stored with a closed month as JSON) and are put
into words only when shown, in the reader's language. A parameter may itself be a message
(`Msg`, e.g. a component's name) or a tuple of them, joined the way the language lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, Union

from app.i18n import normalise, t

Param = Union[str, int, "Msg", tuple["Param", ...]]


@dataclass(frozen=True)
class Msg:
    """A message key and its parameters, rendered in a language when shown."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang, **{k: _render(v, lang) for k, v in self.params.items()})

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "params": _params(self.params)}


@dataclass(frozen=True)
class Why(Msg):
    """The explanation of one figure."""

    rule: str | None = None  # path in the rules version, e.g. "payment_factor[5]"
    results: tuple[str, ...] = ()  # the counted results (uuids) behind the figure

    def to_dict(self) -> dict[str, Any]:
        out = {"key": self.key, "params": _params(self.params)}
        if self.rule is not None:
            out["rule"] = self.rule
        if self.results:
            out["results"] = list(self.results)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Why:
        """Back from a stored month (the inverse of to_dict)."""
        return cls(str(data["key"]), {k: _unplain(v) for k, v in data.get("params", {}).items()},
                   data.get("rule"), tuple(data.get("results", ())))


def list_sep(lang: str | None) -> str:
    return ", " if normalise(lang) == "en" else "、"


def label_sep(lang: str | None) -> str:
    """Between a label and its value: the full-width colon in Chinese."""
    return ": " if normalise(lang) == "en" else "："


def _render(value: Param, lang: str | None) -> str:
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, tuple):
        return list_sep(lang).join(_render(v, lang) for v in value)
    return str(value)


def _params(params: Mapping[str, Param]) -> dict[str, Any]:
    """A message's parameters as JSON-ready data (a month writes hundreds of thousands:
    plain texts and numbers, the common case, are taken as they are)."""
    if not params:
        return {}
    return {k: v if type(v) is str or type(v) is int else _plain(v) for k, v in params.items()}


def _plain(value: Param) -> Any:
    if type(value) is str or type(value) is int:
        return value
    if isinstance(value, Msg):  # a Why inside a message is said as its message alone
        return {"key": value.key, "params": _params(value.params)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _unplain(value: Any) -> Param:
    if isinstance(value, dict):
        return Msg(str(value["key"]), {k: _unplain(v) for k, v in value["params"].items()})
    if isinstance(value, list):
        return tuple(_unplain(v) for v in value)
    return value  # type: ignore[no-any-return]


def rule_text(why: Why, version: str, lang: str | None = None) -> str:
    """Which rule, as a person reads it: 规则 2025.1 › payment_factor[5]."""
    if why.rule is None:
        return ""
    return t("programme.why.rule", lang, version=version, rule=why.rule)


# --- one outlet's month in words ------------------------------------------------------------

FIGURE_LABEL = {  # the month card's figures, in the order a person reads them
    "composite": "programme.figure.composite",
    "rank_unit": "programme.figure.rank_unit",
    "rank_province": "programme.figure.rank_province",
    "years_factor": "programme.figure.years_factor",
    "payment_factor": "programme.figure.payment_factor",
    "base": "programme.figure.base",
    "commission": "programme.figure.commission",
    "staff_share": "programme.figure.staff_share",
    "refund": "programme.figure.refund",
    "adjustments": "programme.figure.adjustments",
    "exit": "programme.figure.exit",
    "tier_move": "programme.figure.tier_move",
    "reward": "programme.figure.reward",
}


def explain_outlet(outlet: OutletMonthLike, version: str, month: str,
                   lang: str | None = None) -> list[str]:
    """Every figure of one outlet's month with its reason and rule, as lines a manager reads
    out to an outlet owner (the components indented under the composite)."""
    info = outlet.outlet
    lines = [t("programme.outlet.header", lang, code=info.code, name=info.name, tier=info.tier,
               unit=info.business_unit or "-", month=month)]
    for figure, label in FIGURE_LABEL.items():
        why = outlet.why.get(figure)
        if why is None:
            continue
        lines.append("  " + t(label, lang) + label_sep(lang) + why.render(lang)
                     + rule_text(why, version, lang))
        if figure == "composite":
            for name, part in outlet.why.items():
                if name.startswith("components."):
                    lines.append("    - " + part.render(lang) + rule_text(part, version, lang))
    if outlet.flag_keys:
        lines.append("  " + t("programme.figure.flags", lang) + label_sep(lang)
                     + list_sep(lang).join(t(k, lang) for k in outlet.flag_keys))
    return lines


class _Info(Protocol):
    code: str
    name: str
    tier: str
    business_unit: str


class OutletMonthLike(Protocol):
    """What `explain_outlet` reads of an outlet's month (month.OutletMonth has it)."""

    @property
    def outlet(self) -> _Info: ...
    @property
    def why(self) -> Mapping[str, Why]: ...
    @property
    def flag_keys(self) -> tuple[str, ...]: ...
