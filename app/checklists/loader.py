"""Read `checklists.yaml` and explain every problem in it the way an author can act on.

The fast path is PyYAML's C parser (with a leaner constructor, see `reader`) plus pydantic
validation and the file-wide `cross_checks`, with the cyclic garbage collector paused
meanwhile. Only when something is wrong do we compose the YAML node tree a second time
(`locate`), to turn each error's field path into the file's line and column and to suggest
what a misspelt key or id probably meant.

The names that were defined here before the split stay importable from here.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from app.checklists import compiled
from app.checklists.cross_checks import cross_check
from app.checklists.locate import (
    duplicate_key_problems,
    encoding_problem,
    locate,
    pydantic_problems,
    yaml_problem,
)
from app.checklists.problems import ChecklistFileError, PathPart, Problem, say
from app.checklists.reader import _KeyCheckingLoader, gc_paused
from app.checklists.schema import ChecklistFile

__all__ = [
    "ChecklistFileError",
    "PathPart",
    "Problem",
    "cross_check",
    "load_checklist_file",
    "parse_checklist_text",
]


def load_checklist_file(path: str | Path) -> ChecklistFile:
    """Parse and validate a checklist file; raise ChecklistFileError with every problem.

    A file that passed before (same bytes, same code) is read from its compiled form
    (`compiled`) instead of being parsed again; a valid file is compiled once loaded.
    """
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
        key = compiled.file_key(raw)
        model = compiled.load(key)
        if model is not None:
            return model
        # as read_text would: universal newlines, so lines and columns match an editor's
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise ChecklistFileError(name, [Problem(name, (), say("not_found"))]) from None
    except UnicodeDecodeError as exc:
        raise ChecklistFileError(name, [encoding_problem(name, path, exc)]) from None
    except OSError as exc:
        # (the system's reason, never the exception's class name)
        msg = say("unreadable", reason=exc.strerror or str(exc))
        raise ChecklistFileError(name, [Problem(name, (), msg)]) from None
    model = parse_checklist_text(text, name)
    compiled.store(key, model)
    return model


def parse_checklist_text(text: str, name: str = "<checklists>") -> ChecklistFile:
    """Like load_checklist_file, for text already in memory."""
    with gc_paused():
        return _parse(text, name)


def _parse(text: str, name: str) -> ChecklistFile:
    loader = _KeyCheckingLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ChecklistFileError(name, [yaml_problem(name, exc)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        msg = say("not_a_mapping")
        raise ChecklistFileError(name, [Problem(name, (), msg, line=1, column=1)])
    doubled = duplicate_key_problems(name, text, loader.duplicate_keys)
    try:
        model = ChecklistFile.model_validate(data)
    except ValidationError as exc:
        problems = pydantic_problems(name, exc.errors())
        raise ChecklistFileError(name, locate(text, problems, doubled)) from None
    problems = list(cross_check(model, name))
    if problems or doubled:
        raise ChecklistFileError(name, locate(text, problems, doubled))
    return model
