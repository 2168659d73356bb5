"""The per-item registry parse (fast reader + ruamel fallback) says exactly
what a whole-document ruamel parse says: same plan, same problems, same lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from xatrack.fastyaml import load_items
from xatrack.registry import _build, _layout, parse_registry
from xatrack.yamlio import load_yaml

REPO = Path(__file__).resolve().parents[1]
SHIPPED = (REPO / "tasks.yaml").read_text(encoding="utf-8")


def whole(text: str):
    data, error = load_yaml(text, "tasks.yaml")
    return _build(data, error, "tasks.yaml", None)


def summary(problems):
    return sorted((p.line, p.message, p.severity) for p in problems)


def test_every_shipped_item_takes_the_fast_path():
    lines = SHIPPED.splitlines()
    layout = _layout(lines)
    pieces = [piece for _, found in layout.values() for piece in found]
    assert len(pieces) == 107
    assert all(load_items(lines[a:b]) is not None for a, b in pieces)


def test_shipped_registry_same_both_ways():
    fast, fast_problems = parse_registry(SHIPPED)
    slow, slow_problems = whole(SHIPPED)
    assert fast == slow
    assert [i.line for i in fast.items] == [i.line for i in slow.items]
    assert fast_problems == slow_problems == []


MUTATIONS = [
    ("  - id: 32\n", "  - id: 31\n"),  # duplicate id
    ("kind: growth", "kind: speed"),  # unknown kind
    ("    text: 新建5G基站336个。\n", ""),  # missing text
    ("target: 336,", "target: 很多,"),  # non-numeric target
    ("    due: Q4\n    doc_line: 63\n", "    due: Q7\n    doc_line: 63\n"),  # bad due
    ("    leaders: [洪声耀]\n    lead: [区科经局]\n    units: [区电信公司", "    leaders: 洪声耀\n    lead: [区科经局]\n    units: [区电信公司"),
    ("  - id: 32\n", "  - id: 32\n    colour: red\n"),  # unknown field (warning)
    ("op: '>='", "op: '=>'"),  # unknown op
    ("  - id: 32\n    action: 3\n", "  - id: 32\n    action: 9\n"),  # unknown action
    ("text: 新建5G基站336个。", "text: '新建5G基站336个。'"),  # quoted: same data
    ("text: 新建5G基站336个。", "text: 新建5G基站336个。 # 注释"),  # comment
    ("    metrics:\n      - {name: 新建5G基站", "    metrics:\n    - {name: 新建5G基站"),  # other indent
]


@pytest.mark.parametrize("old, new", MUTATIONS)
def test_broken_variants_same_both_ways(old, new):
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    fast, fast_problems = parse_registry(text)
    slow, slow_problems = whole(text)
    assert summary(fast_problems) == summary(slow_problems)
    assert fast == slow


@pytest.mark.parametrize(
    "tail",
    [
        "settings:\n  tolerance:\n    cumulative: 2\n",  # bad value after 10,000 lines of items
        "extra: 1\nsettings:\n  tolerance: [1]\n",  # unknown key (warning), bad shape
        "settings:\n  tolerance:\n    speed: 0.1\n",
    ],
)
def test_header_fields_after_the_items_keep_their_lines(tail):
    """ruamel reads the header without the items' lines: its line numbers are mapped back."""
    text = SHIPPED + tail
    fast, fast_problems = parse_registry(text)
    slow, slow_problems = whole(text)
    assert summary(fast_problems) == summary(slow_problems) and fast_problems
    assert all(p.line > len(SHIPPED.splitlines()) for p in fast_problems)


def test_syntax_error_in_one_item_names_its_line_and_keeps_the_rest():
    text = SHIPPED.replace("    text: 新建5G基站336个。\n", "    text: [新建5G基站336个。\n", 1)
    line = text.splitlines().index("    text: [新建5G基站336个。") + 1
    fast, fast_problems = parse_registry(text)
    slow, slow_problems = whole(text)
    assert slow is None and len(slow_problems) == 1
    errors = [p for p in fast_problems if p.severity == "error"]
    assert len(errors) == 1 and "YAML" in errors[0].message
    assert abs(errors[0].line - line) <= 2 and abs(slow_problems[0].line - line) <= 2
    assert fast is not None and fast.get("32") is None and len(fast.tasks) == 99


def test_chunk_cache_reparses_only_changed_items():
    chunks: dict = {}
    parse_registry(SHIPPED, chunks=chunks)
    assert len(chunks) == 107
    edited = SHIPPED.replace("新建5G基站336个。", "新建5G基站340个。", 1)
    before = dict(chunks)
    plan, problems = parse_registry(edited, chunks=chunks)
    assert len(chunks) == 108  # one new piece
    assert plan.get("32").text == "新建5G基站340个。"
    assert plan == whole(edited)[0]
    # a cached piece is shifted to its new lines when earlier items change length
    longer = SHIPPED.replace("    text: 新建5G基站336个。\n", "    text: 新建5G基站336个。\n    schedule: {Q1: 10%, Q2: 40%, Q3: 70%, Q4: 100%}\n", 1)
    plan, problems = parse_registry(longer, chunks=before)
    slow, slow_problems = whole(longer)
    assert [i.line for i in plan.items] == [i.line for i in slow.items]
    assert summary(problems) == summary(slow_problems)


from hypothesis import example, given, settings, strategies as st  # noqa: E402

_scalar_text = st.one_of(
    st.text(alphabet=list("新建基站个,。、:;()“”'\"#:-[]{}%&*!|>?@` \t0123456789.eE+-_abcxyzQ\\"), max_size=12),
    st.sampled_from(["true", "null", "~", "0x1", "0o7", "1_000", "2025-01-24", "12:30", ".inf", "yes", "1e3", "007"]),
)


def _ruamel(lines):
    data, error = load_yaml("x:\n" + "\n".join(lines), "t")
    return None if error is not None else data["x"]


@settings(max_examples=int(__import__("os").environ.get("FAST_YAML_EXAMPLES", "400")), deadline=None)
@given(text=_scalar_text, name=_scalar_text, unit=_scalar_text, names=st.lists(_scalar_text, max_size=3))
@example(text="x", name="a", unit="\t个", names=[])  # the fast reader kept the tab that ruamel reads as space
@example(text="x", name="a", unit="个", names=["\t洪声耀"])
def test_fast_reader_agrees_with_ruamel_whenever_it_answers(text, name, unit, names):
    lines = [
        "  - id: 1",
        f"    text: {text}",
        f"    leaders: [{', '.join(names)}]",
        "    metrics:",
        f"      - {{name: {name}, target: 3, unit: {unit}}}",
    ]
    fast = load_items(lines)
    if fast is None:
        return
    assert fast == _ruamel(lines)
