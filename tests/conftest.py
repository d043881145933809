"""Suite-wide safety: no test touches the real user data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALLCHECK_DATA_DIR", str(tmp_path_factory.mktemp("hallcheck-data")))
    # the compiled checklist cache (app.checklists.compiled): never the user's own
    monkeypatch.setenv("HALLCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("hallcheck-cache")))
    monkeypatch.delenv("HALLCHECK_LANG", raising=False)
