"""The shortcuts that keep big trackers quick must not change a single answer:
decisive entries evaluate like all entries; the plain table fits its width and
says what rich would say.
"""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from xatrack.evaluate import decisive, evaluate, item_line
from xatrack.model import CUMULATIVE, GROWTH, LEVEL, REPORT_STATUSES, TASK, Entry, Item, Metric, Plan, PlanInfo, Quarter
from xatrack.views.cells import fit, text_width
from xatrack.views.table import Column, Terminal, items_lines, render_table

Y = 2025
METRICS = (
    Metric("新建5G基站", 336, unit="个", kind=CUMULATIVE),
    Metric("增速", 7, unit="%", kind=GROWTH),
    Metric("覆盖率", 42, unit="%", kind=LEVEL),
    Metric("能耗", 5, unit="%", kind=LEVEL, op="<="),
)
PLAN = Plan(
    info=PlanInfo(year=Y),
    tasks=(
        Item(id="1", kind=TASK, text="一项指标", metrics=METRICS[:1]),
        Item(id="2", kind=TASK, text="多项指标", metrics=METRICS),
        Item(id="3", kind=TASK, text="没有指标", due=2),
        Item(id="4", kind=TASK, text="增速", metrics=METRICS[1:2], due=3),
    ),
)

entry_strategy = st.builds(
    lambda item, q, day, metric, value, status, note: (item, q, day, metric, value, status, note),
    st.sampled_from(["1", "2", "3", "4", "9"]),
    st.integers(1, 4),
    st.integers(0, 3),
    st.sampled_from([None, "新建5G基站", "增速", "覆盖率", "能耗", "未知指标"]),
    st.one_of(st.none(), st.floats(0, 400, allow_nan=False), st.just(float("nan")), st.just("abc")),
    st.one_of(st.none(), st.sampled_from(REPORT_STATUSES)),
    st.one_of(st.none(), st.just(""), st.just("说明")),
)


def _entries(raw):
    result = []
    for seq, (item, q, day, metric, value, status, note) in enumerate(raw):
        quarter = Quarter(Y, q)
        result.append(
            Entry(item=item, quarter=quarter, date=quarter.start + timedelta(days=day), metric=metric, value=value,
                  status=status, note=note, seq=seq)
        )
    return result


@settings(max_examples=300, deadline=None)
@given(st.lists(entry_strategy, max_size=40), st.integers(1, 4))
def test_decisive_entries_evaluate_like_all_entries(raw, q):
    entries = _entries(raw)
    quarter = Quarter(Y, q)
    assert evaluate(PLAN, decisive(entries), quarter) == evaluate(PLAN, entries, quarter)


@settings(max_examples=200, deadline=None)
@given(st.lists(entry_strategy, max_size=30), st.lists(entry_strategy, max_size=30))
def test_decisive_can_be_applied_to_each_append(first, second):
    """The cache reduces what it had plus what was appended: same as reducing all at once."""
    entries = _entries(first + second)
    head, tail = entries[: len(first)], entries[len(first):]
    assert decisive(decisive(head) + tail) == decisive(entries)


def test_decisive_keeps_one_entry_per_item_when_units_report_a_figure_repeatedly():
    entries = _entries([("1", 2, d, None, 10.0 * d, None, None) for d in range(4)])
    # the newest (the figure) and the first (its lateness): the reports between decide nothing
    assert decisive(entries) == [entries[0], entries[-1]]


# --------------------------------------------------------------------------- the plain table

texts = st.text(alphabet=st.sampled_from("ab1 区科经局新建基站“”、,—…%()①"), max_size=60)


def test_fit_cuts_double_width_text_with_an_ellipsis():
    assert fit("新建5G基站336个", 8) == ("新建5G…", 7)  # 基 would need columns 8–9: cut before it
    assert fit("新建5G基站", 10) == ("新建5G基站", 10)
    assert fit("abcdef", 4) == ("abc…", 4)
    assert text_width("区科经局") == 8 and text_width("a—…") == 3


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=8), st.integers(20, 200))
def test_every_line_fits_the_width(rows, width):
    term = Terminal(width=width, colour=False)
    columns = [Column("编号", min_width=3, right=True), Column("任务", min_width=10, ratio=3), Column("单位", max_width=12)]
    lines = render_table(term, columns, [[((a, ""),), ((b, ""),), ((c, ""),)] for a, b, c in rows], title="标题")
    minimum = 3 + 10 + 1 + 6  # the columns' minimum widths and the gaps
    assert all(text_width(line) <= max(width, minimum) for line in lines)
    assert len(lines) == len(rows) + 3


def test_item_table_says_what_the_evaluation_says():
    entries = _entries([("1", 2, 5, None, 120.0, None, None), ("2", 2, 5, "增速", 3.0, None, None)])
    statuses = [item_line(s) for s in evaluate(PLAN, entries, Quarter(Y, 2))]  # what a table line shows
    lines = items_lines(Terminal(width=160, colour=False), statuses, "二季度", with_reason=True)
    assert lines[0] == "二季度"
    assert lines[1].split() == ["编号", "任务", "责任领导", "牵头单位", "进度", "状态", "说明"]
    row = next(line for line in lines if line.strip().startswith("1 "))
    assert "120/336个 36%" in row and "■ 严重滞后" in row  # 120 of 168 expected: 29% short
    coloured = items_lines(Terminal(width=160, colour=True), statuses, "二季度")
    assert any("\x1b[1;31m■ 严重滞后\x1b[0m" in line for line in coloured)
    narrow = items_lines(Terminal(width=80, colour=False), statuses, None, with_reason=True)
    assert "说明" not in narrow[0] and all(text_width(line) <= 80 for line in narrow)


_TEXTS = st.text(alphabet="ab1 咸安区科经局洪声耀…·（）e\u0301", max_size=60)
_CELLS = st.lists(st.tuples(_TEXTS, st.sampled_from(["", "bold", "dim"])), min_size=1, max_size=3).map(tuple)


def _reference_widths(columns, rows, width):
    """Column widths measured the plain way: every cell, to the end (capped at the terminal)."""
    from xatrack.views.cells import text_width
    from xatrack.views.table import _widths

    natural = [text_width(c.header) for c in columns]
    for row in rows:
        for index, cell in enumerate(row):
            natural[index] = max(natural[index], min(width, sum(min(text_width(t), width) for t, _ in cell)))
    return _widths(columns, natural, width)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 6), st.one_of(st.none(), st.integers(1, 30)), st.integers(0, 3), st.booleans()),
             min_size=1, max_size=5),
    st.data(),
    st.integers(20, 140),
    st.booleans(),
)
def test_tables_measured_until_full_lay_out_as_measured_whole(specs, data, width, colour):
    """render_table stops measuring a column once a cell fills it: the lines are those of the
    widths measured over every cell."""
    from xatrack.views import table

    columns = [Column(f"列{n}", min_width=lo, max_width=hi, ratio=ratio, right=right)
               for n, (lo, hi, ratio, right) in enumerate(specs)]
    rows = data.draw(st.lists(st.lists(_CELLS, min_size=len(columns), max_size=len(columns)), max_size=12))
    term = Terminal(width=width, colour=colour)
    lines = render_table(term, columns, rows, title="标题")
    widths = _reference_widths(columns, rows, width)
    expected = [term.paint(table.fit("标题", width)[0], "bold"), table._line(term, columns, widths, [((c.header, "bold"),) for c in columns]),
                "─" * (sum(widths) + len(table.GAP) * (len(columns) - 1))]
    expected += [table._line(term, columns, widths, row) for row in rows]
    assert lines == expected
