"""Money as the programme pays it: whole cents (integers) everywhere, computed with Decimal
and rounded half up (0.5 cent -> 1 cent away from zero) at each figure the finance office
sees, so a figure recomputed by hand from the statement gives the same cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round_cents(amount_cents: Decimal) -> int:
    """An amount in (fractional) cents -> whole cents, half up (away from zero)."""
    return int(amount_cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(cents: int) -> str:
    """12345 -> '123.45', -5 -> '-0.05': the export's and the statement's money text."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def parse_yuan(text: str) -> int:
    """'123.45' -> 12345 (the inverse of `yuan`); ValueError for more than two decimals."""
    value = Decimal(text)
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"more than two decimals: {text!r}")
    return int(cents)


def quantize(value: Decimal, decimals: int) -> Decimal:
    """A score or factor to `decimals` places, half up."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# A month converts the same few hundred scores, weights and factors tens of thousands of
# times (420,000 conversions for 20,000 outlets): each distinct value is converted once.
# Keyed by the value and its sign (equal Decimals such as 1.10 and 1.1 read the same;
# 0 and -0 are equal but do not print the same).
_PLAIN: dict[tuple[Decimal, bool], str] = {}
_NUMBER: dict[tuple[Decimal, bool], int | float] = {}
_CACHE_MAX = 100_000


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 1.10 -> '1.1', 90.00 -> '90'."""
    if not value.is_finite():
        return _plain(value)
    key = (value, value.is_signed())
    found = _PLAIN.get(key)
    if found is None:
        found = _plain(value)
        if len(_PLAIN) < _CACHE_MAX:
            _PLAIN[key] = found
    return found


def factor_text(value: Decimal) -> str:
    """A factor as the tables write it, with at least one decimal: 1 -> '1.0', 1.25 -> '1.25'."""
    text = plain(value)
    return text if "." in text else f"{text}.0"


def _to_number(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(_plain(value))


def to_number(value: Decimal) -> int | float:
    """A Decimal for JSON: an int when whole, else the float it reads as (scores, factors)."""
    if not value.is_finite():
        return _to_number(value)
    key = (value, value.is_signed())
    found = _NUMBER.get(key)
    if found is None:
        found = _to_number(value)
        if len(_NUMBER) < _CACHE_MAX:
            _NUMBER[key] = found
    return found
