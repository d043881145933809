"""The server's check of an intercept record on arrival (issue 11): what the pure rules
refuse (`check_response`: no perception at all, an answer off the scale) is refused with
422 and nothing stored, as any other invalid result."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.central.errors import ApiError
from app.i18n import t
from app.programme.perception.intercept import check_response
from app.programme.perception.settings import InterceptRules


def check_intercept(answers: Mapping[str, object], rules: InterceptRules | None = None) -> None:
    """Raise a 422 ApiError when a finalised intercept record's answers are not a usable
    response."""
    from app.central.perception.intercept import response_of

    rules = rules or InterceptRules()
    response = response_of("", "", date.min, answers, rules)
    problems = check_response(response, rules)
    if problems:
        first = problems[0]
        raise ApiError(422, "invalid_intercept", "perception.ingest.refused",
                       problem=lambda lang: t(first.key, lang, **first.params),
                       extra={"details": [{"part": p.part, "reason": p.key}
                                          for p in problems[:50]]})
