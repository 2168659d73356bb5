import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own parse cache, never the user's."""
    monkeypatch.setenv("XATRACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture()
def tracker(tmp_path, monkeypatch):
    """A copy of the repository's tracker (registry, directory, empty progress),
    as the current folder, on 2025-06-20, recording as 测试员, 160 columns wide.
    (Test files that need another kind of tracker define their own.)"""
    root = tmp_path / "tracker"
    root.mkdir()
    shutil.copy(REPO / "tasks.yaml", root / "tasks.yaml")
    shutil.copy(REPO / "units.yaml", root / "units.yaml")
    monkeypatch.chdir(root)
    monkeypatch.delenv("XATRACK_ROOT", raising=False)
    monkeypatch.setenv("XATRACK_TODAY", "2025-06-20")
    monkeypatch.setenv("XATRACK_USER", "测试员")
    monkeypatch.setenv("COLUMNS", "160")
    return root
