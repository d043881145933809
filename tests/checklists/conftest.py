"""Fixtures for the checklist tests: the small rulebooks under fixtures/ and, as the `build`
fixture, helpers that make items, sections and resolved checklists directly."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.checklists import Catalog, Item, Kind, ResolvedChecklist, ResolvedSection
from app.checklists.schema import Text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal.yaml"
HALL = FIXTURES / "hall.yaml"
BROKEN = FIXTURES / "broken.yaml"


def text(s: str) -> Text:
    return Text(zh=f"{s}（中）", en=s)


def item(id: str, type: str = "yes_no", **kw: Any) -> Item:
    """An Item with a label made from its id; any other field by keyword."""
    return Item.model_validate({"id": id, "type": type, "label": text(id), **kw})


def section(id: str, items: list[Item], weight: float = 1.0) -> ResolvedSection:
    return ResolvedSection(id=id, title=text(id), weight=weight, items=items)


def checklist(*sections: ResolvedSection) -> ResolvedChecklist:
    cl = ResolvedChecklist(id="c", kind=Kind.MYSTERY_SHOP, version=1, tier="t",
                           title=text("c"), sections=list(sections))
    return cl.model_copy(update={"content_hash": cl.compute_hash()})


@pytest.fixture(scope="session")
def build() -> SimpleNamespace:
    return SimpleNamespace(text=text, item=item, section=section, checklist=checklist)


@pytest.fixture(scope="session")
def minimal() -> Catalog:
    return Catalog.from_file(MINIMAL)


@pytest.fixture(scope="session")
def hall() -> Catalog:
    return Catalog.from_file(HALL)
