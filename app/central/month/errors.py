"""Why a month operation is refused: a UserError (CLI: exit 2) with the HTTP status an API
answer would carry (the console shows the message)."""

from __future__ import annotations

from app.errors import UserError
from app.programme.months import YearMonth


class MonthError(UserError):
    status = 400


class BadMonth(MonthError):
    status = 400

    def __init__(self, text: str) -> None:
        super().__init__("month.error.bad_month", value=text)


class MonthClosed(MonthError):
    status = 409

    def __init__(self, month: YearMonth) -> None:
        super().__init__("month.error.already_closed", month=str(month))


class MonthNotClosed(MonthError):
    status = 409

    def __init__(self, month: YearMonth) -> None:
        super().__init__("month.error.not_closed", month=str(month))


class MonthInFuture(MonthError):
    status = 400

    def __init__(self, month: YearMonth) -> None:
        super().__init__("month.error.not_ended", month=str(month))


class MonthOutOfOrder(MonthError):
    status = 409

    def __init__(self, key: str, month: YearMonth, other: YearMonth) -> None:
        super().__init__(key, month=str(month), other=str(other))


def parse_month(text: str) -> YearMonth:
    """'2025-03' -> YearMonth; BadMonth (a clear message) for anything else."""
    try:
        return YearMonth.parse(text)
    except ValueError:
        raise BadMonth(text) from None
