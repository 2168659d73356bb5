"""bench/generate.py writes a tracker that xatrack itself accepts, the same bytes every time.

The benchmark is not run here (timings belong to bench/run.py, not to tests);
this only keeps its generator honest, on a small size.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cli_helpers import run
from xatrack import reading
from xatrack.store import Tracker

REPO = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_tracker_passes_check_with_the_expected_logs(tmp_path, monkeypatch, capsys):
    gen = _generator()
    first, second = tmp_path / "a", tmp_path / "b"
    summary = gen.generate(50, first, per_task=2, seed=7)
    gen.generate(50, second, per_task=2, seed=7)
    assert _files(first) == _files(second)  # deterministic, byte for byte
    assert set(_files(first)) >= {"tasks.yaml", "units.yaml"} | {f"progress/2025-Q{q}.yaml" for q in (1, 2, 3, 4)}

    tracker = Tracker(first)
    plan = reading.plan(tracker)
    assert [i.id for i in plan.tasks] == [str(n) for n in range(1, 51)]
    assert len(plan.targets) == 7
    assert any("洪声耀" in i.leaders for i in plan.tasks)
    entries, problems = reading.entries(tracker, 2025)
    assert problems == []
    ids = {i.id for i in plan.items}
    for q in (1, 2, 3, 4):
        mine = [e for e in entries if e.quarter.q == q]
        assert len(mine) == summary["entries"][f"Q{q}"]
        lines = (first / "progress" / f"2025-Q{q}.yaml").read_text(encoding="utf-8").splitlines()
        assert len(mine) == sum(1 for line in lines if line.startswith("- "))
        per_item = {i: 0 for i in ids}
        for e in mine:
            per_item[e.item] += 1
        # at least the asked number per item, and at least one per metric
        assert all(per_item[i.id] >= max(2, len(i.metrics)) for i in plan.items)

    monkeypatch.chdir(first)
    monkeypatch.delenv("XATRACK_ROOT", raising=False)
    code, out, err = run(capsys, "check")
    assert code == 0, out + err
    assert "检查通过" in out

    other = tmp_path / "c"
    gen.generate(50, other, per_task=2, seed=8)
    assert _files(other)["progress/2025-Q2.yaml"] != _files(first)["progress/2025-Q2.yaml"]
