"""Pure domain: the checklist rulebook, its resolution per tier, and scoring. No I/O but
reading the YAML file; nothing here imports the store, the sync or Flet."""

from app.checklists.loader import ChecklistFileError, Problem, load_checklist_file
from app.checklists.resolve import (
    Catalog,
    ResolvedChecklist,
    ResolvedSection,
    UnknownChecklist,
    default_checklists_path,
    resolve,
)
from app.checklists.schema import ChecklistFile, Item, ItemType, Kind, PhotoRule, VetoScope

__all__ = [
    "Catalog",
    "ChecklistFile",
    "ChecklistFileError",
    "Item",
    "ItemType",
    "Kind",
    "PhotoRule",
    "Problem",
    "ResolvedChecklist",
    "ResolvedSection",
    "UnknownChecklist",
    "VetoScope",
    "default_checklists_path",
    "load_checklist_file",
    "resolve",
]
