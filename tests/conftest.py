import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own parse cache, never the user's."""
    monkeypatch.setenv("XATRACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
