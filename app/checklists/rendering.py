"""A score as people read it: numbers rounded for reading, the breakdown lines, the JSON the
CLI and the office show. Pure. Kept apart from the scoring rules so that the numbers are
computed exactly in one place and rounded only here, where a person reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.checklists.schema import Text, VetoScope
from app.i18n import DEFAULT_LANGUAGE, normalise, t

if TYPE_CHECKING:
    from app.checklists.scoring import ScoreResult

NO_SCORE = "—"  # no score (yet): shown the same in both languages


def format_score(value: float | None) -> str:
    """A score as people read it: one decimal, none when whole (72.5, 100, 66.7); a dash
    for no score."""
    if value is None:
        return NO_SCORE
    rounded = round(float(value), 1)  # float: an int has no is_integer() before 3.12
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"


def list_sep(lang: str | None) -> str:
    """How a list of labels is joined: 、 in Chinese, a comma in English."""
    return ", " if normalise(lang) == "en" else "、"


def _reason(reason: Text, lang: str) -> str:
    """A veto reason inside a sentence ("veto: staff not in uniform"); acronyms stay."""
    text = reason.get(lang)
    if lang == "en" and len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def breakdown(result: ScoreResult, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Lines a person reads: the total first, then each section, vetoes spelt out."""
    lang = normalise(lang)
    items = result.checklist.items
    sep = list_sep(lang)
    lines: list[str] = []
    if result.total is None:
        head = t("score.total_none", lang)
    else:
        head = t("score.total", lang, score=format_score(result.total))
    if result.voided:
        reasons = sep.join(_reason(v.reason, lang) for v in result.vetoes
                           if v.scope is VetoScope.VISIT)
        head += t("score.voided", lang, reasons=reasons)
    if not result.complete:
        head += t("score.incomplete", lang, count=len(result.missing))
    lines.append(head)
    for s in result.sections:
        title = s.title.get(lang)
        if s.score is None:
            lines.append(t("score.section_none", lang, title=title))
            continue
        line = t("score.section", lang, title=title, score=format_score(s.score))
        if s.vetoed:
            reasons = sep.join(
                _reason(v.reason, lang) for v in result.vetoes
                if v.section_id == s.section_id and v.scope is VetoScope.SECTION
            )
            line += t("score.section_vetoed", lang, reasons=reasons)
        lines.append(line)
        failed = [items[i.item_id].label.get(lang) for i in s.items if i.failed]
        if failed:
            lines.append("  " + t("score.failed_items", lang, items=sep.join(failed)))
    if result.missing:
        labels = sep.join(items[i].label.get(lang) for i in result.missing)
        lines.append(t("score.missing_items", lang, items=labels))
    if result.ignored:
        lines.append(t("score.ignored_items", lang, items=", ".join(result.ignored)))
    return lines


def to_dict(result: ScoreResult, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """JSON-ready: the numbers exact, the words in `lang`, plus the readable breakdown."""
    lang = normalise(lang)
    cl = result.checklist
    return {
        "checklist": {
            "id": cl.id,
            "kind": cl.kind.value,
            "version": cl.version,
            "tier": cl.tier,
            "phase": cl.phase,
            "content_hash": cl.content_hash,
        },
        "total": result.total,
        "complete": result.complete,
        "voided": result.voided,
        "missing": list(result.missing),
        "ignored": list(result.ignored),
        "sections": [
            {
                "id": s.section_id,
                "title": s.title.get(lang),
                "weight": s.weight,
                "score": s.score,
                "raw_score": s.raw_score,
                "vetoed": s.vetoed,
                "items": [
                    {
                        "id": i.item_id,
                        "status": i.status,
                        "score": i.score,
                        "weight": i.weight,
                        "failed": i.failed,
                    }
                    for i in s.items
                ],
            }
            for s in result.sections
        ],
        "vetoes": [
            {
                "item": v.item_id,
                "section": v.section_id,
                "scope": v.scope.value,
                "label": v.label.get(lang),
                "reason": v.reason.get(lang),
            }
            for v in result.vetoes
        ],
        "breakdown": breakdown(result, lang),
    }
