import os

import pytest
from hypothesis import settings

from cli_helpers import invoke, make_tracker

# Property tests run with a fixed seed in the normal suite: the same examples every run, so a
# failure is the code's and not the dice's. A longer random search is run apart:
#   XATRACK_HYPOTHESIS=random XATRACK_FUZZ_EXAMPLES=2000 pytest tests/test_robustness.py -k fuzz
# Either way a failing input is printed (hypothesis' falsifying example, and with print_blob a
# @reproduce_failure line that replays it); the random profile also keeps it in .hypothesis/.
settings.register_profile("fixed", derandomize=True, print_blob=True)
settings.register_profile("random", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("XATRACK_HYPOTHESIS", "fixed"))


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own parse cache, never the user's."""
    monkeypatch.setenv("XATRACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def replayed(request, tmp_path_factory):
    """The quarters a test module replays: a copy of the repository's tracker with the
    module's ``REPLAY`` ({day: [update arguments]}) recorded through `xatrack update`, as
    测试员, day by day. Made once per module and shared by its tests."""
    root = make_tracker(tmp_path_factory.mktemp(request.module.__name__) / "tracker")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XATRACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        for day, updates in request.module.REPLAY.items():
            for args in updates:
                code, _, err = invoke(
                    "update", *args, env={"XATRACK_ROOT": str(root), "XATRACK_USER": "测试员", "XATRACK_TODAY": day}
                )
                assert code == 0, f"update {args} failed: {err}"
    return root


@pytest.fixture()
def tracker(request, tmp_path, monkeypatch):
    """A copy of the repository's tracker (registry, directory, empty progress),
    as the current folder, on 2025-06-20, recording as 测试员, 160 columns wide.

    In a module that defines ``REPLAY``, the module's ``replayed`` tracker instead
    (shared by its tests), on the module's ``TODAY``."""
    if hasattr(request.module, "REPLAY"):
        root = request.getfixturevalue("replayed")
        today = request.module.TODAY
    else:
        root = make_tracker(tmp_path / "tracker")
        today = "2025-06-20"
    monkeypatch.chdir(root)
    monkeypatch.delenv("XATRACK_ROOT", raising=False)
    monkeypatch.setenv("XATRACK_TODAY", today)
    monkeypatch.setenv("XATRACK_USER", "测试员")
    monkeypatch.setenv("COLUMNS", "160")
    if "capsys" in request.fixturenames:
        request.getfixturevalue("capsys").readouterr()  # nothing said before the test counts
    return root
