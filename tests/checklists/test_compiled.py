"""The compiled checklist cache: a valid file is parsed once and read back from its
compiled form; changed bytes, changed code, and damaged or stale entries make it parse
again; a broken file is never cached; the cache never stops a load."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from app.checklists import Catalog, ChecklistFileError, compiled, load_checklist_file
from app.checklists import loader as loader_module
from app.checklists.schema import ChecklistFile

from .conftest import BROKEN, HALL


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(compiled.ENV_CACHE_DIR, str(directory))
    return directory


@pytest.fixture
def rulebook(tmp_path: Path) -> Path:
    path = tmp_path / "checklists.yaml"
    shutil.copy(HALL, path)
    return path


class Parses:
    """Counts real parses (a cache hit makes none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = loader_module.parse_checklist_text

        def counting(text: str, name: str = "<checklists>") -> ChecklistFile:
            self.count += 1
            return real(text, name)

        monkeypatch.setattr(loader_module, "parse_checklist_text", counting)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Parses:
    return Parses(monkeypatch)


def _entry(path: Path) -> Path:
    entry = compiled.entry_path(compiled.file_key(path.read_bytes()))
    assert entry is not None
    return entry


def test_a_valid_file_is_parsed_once_then_read_compiled(cache: Path, rulebook: Path,
                                                        parses: Parses) -> None:
    first = load_checklist_file(rulebook)
    assert parses.count == 1 and _entry(rulebook).is_file()
    again = load_checklist_file(rulebook)
    assert parses.count == 1  # read back, not parsed
    assert again == first and again is not first
    # the compiled model resolves and hashes exactly as the parsed one
    fresh, cached = Catalog(first), Catalog(again)
    for kind, tier in fresh.combinations():
        assert cached.resolve(kind, tier).content_hash == fresh.resolve(kind, tier).content_hash


def test_the_key_is_the_files_bytes_not_its_name_or_time(cache: Path, rulebook: Path,
                                                         tmp_path: Path, parses: Parses) -> None:
    load_checklist_file(rulebook)
    copy = tmp_path / "elsewhere.yaml"
    shutil.copy(rulebook, copy)
    os.utime(copy, (0, 0))
    load_checklist_file(copy)
    assert parses.count == 1
    rulebook.write_text(rulebook.read_text(encoding="utf-8").replace("    version: 3",
                                                                     "    version: 7", 1),
                        encoding="utf-8")
    changed = load_checklist_file(rulebook)
    assert parses.count == 2  # one byte changed: parsed again
    assert any(c.version == 7 for c in changed.checklists)
    assert load_checklist_file(rulebook) == changed and parses.count == 2


def test_a_broken_file_is_never_cached_and_always_explained(cache: Path,
                                                            parses: Parses) -> None:
    for _ in range(2):
        with pytest.raises(ChecklistFileError) as caught:
            load_checklist_file(BROKEN)
        assert caught.value.problems
    assert parses.count == 2
    assert not cache.exists() or not list(cache.glob(f"*{compiled.SUFFIX}"))


def _damage_header(blob: bytes) -> bytes:
    return b"X" + blob[1:]


def _damage_payload(blob: bytes) -> bytes:
    return blob[:-10] + bytes(b ^ 0xFF for b in blob[-10:])


def _truncate(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def _garbage(_blob: bytes) -> bytes:
    return os.urandom(4096)


def _empty(_blob: bytes) -> bytes:
    return b""


@pytest.mark.parametrize("damage", [_damage_header, _damage_payload, _truncate, _garbage,
                                    _empty])
def test_a_damaged_entry_is_ignored_and_rebuilt(cache: Path, rulebook: Path, parses: Parses,
                                                damage: object) -> None:
    good = load_checklist_file(rulebook)
    entry = _entry(rulebook)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert load_checklist_file(rulebook) == good
    assert parses.count == 2
    assert compiled.load(compiled.file_key(rulebook.read_bytes())) == good  # rewritten


def test_an_entry_with_a_right_digest_but_not_a_model_is_ignored(cache: Path, rulebook: Path,
                                                                 parses: Parses) -> None:
    import hashlib

    key = compiled.file_key(rulebook.read_bytes())
    payload = pickle.dumps({"not": "a model"})
    entry = compiled.entry_path(key)
    assert entry is not None
    entry.parent.mkdir(parents=True)
    entry.write_bytes(compiled._header(key, hashlib.sha256(payload).hexdigest()) + payload)
    assert isinstance(load_checklist_file(rulebook), ChecklistFile)
    assert parses.count == 1


def test_other_code_makes_the_entry_stale(cache: Path, rulebook: Path, parses: Parses,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    load_checklist_file(rulebook)
    monkeypatch.setattr(compiled, "code_fingerprint", lambda: "0" * 64)  # a new app version
    load_checklist_file(rulebook)
    assert parses.count == 2
    load_checklist_file(rulebook)
    assert parses.count == 2  # rebuilt for this code


def test_the_fingerprint_covers_the_schema_source() -> None:
    assert compiled._module_code("schema") == Path(
        compiled.__file__).with_name("schema.py").read_bytes()
    assert len(compiled.code_fingerprint()) == 64
    assert compiled._module_code("no_such_module") == b""


def test_no_cache_dir_or_an_unwritable_one_still_loads(tmp_path: Path, rulebook: Path,
                                                       parses: Parses,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV_CACHE_DIR, "")  # turned off
    load_checklist_file(rulebook)
    load_checklist_file(rulebook)
    assert parses.count == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(compiled.ENV_CACHE_DIR, str(blocker / "cache"))
    assert load_checklist_file(rulebook) == load_checklist_file(HALL)


def test_the_default_place_is_the_users_cache_directory(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.delenv(compiled.ENV_CACHE_DIR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert compiled.cache_dir() == tmp_path / "xdg" / "hallcheck" / "checklists"


def test_old_entries_are_pruned(cache: Path, tmp_path: Path) -> None:
    text = HALL.read_text(encoding="utf-8")
    for n in range(compiled.KEEP + 4):
        path = tmp_path / f"c{n}.yaml"
        path.write_text(text + f"\n# edit {n}\n", encoding="utf-8")
        load_checklist_file(path)
        os.utime(_entry(path), (1_000_000 + n, 1_000_000 + n))
    assert len(list(cache.glob(f"*{compiled.SUFFIX}"))) <= compiled.KEEP
    assert _entry(tmp_path / f"c{compiled.KEEP + 3}.yaml").is_file()
    assert not _entry(tmp_path / "c0.yaml").exists()
