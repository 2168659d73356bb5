from datetime import date

import pytest

from xatrack.evaluate import (
    SEVERITY,
    evaluate,
    latest,
    latest_note,
    latest_status,
    sort_worst_first,
    worst,
)
from xatrack.model import (
    BEHIND,
    PENDING,
    CUMULATIVE,
    DONE,
    GROWTH,
    LEVEL,
    MISSING,
    ON_TRACK,
    SEVERE,
    TARGET,
    TASK,
    Entry,
    Item,
    Metric,
    Plan,
    PlanInfo,
    Quarter,
    Settings,
)

Y = 2025
Q1, Q2, Q3, Q4 = (Quarter(Y, q) for q in range(1, 5))
_QEND = {1: date(Y, 3, 20), 2: date(Y, 6, 20), 3: date(Y, 9, 20), 4: date(Y, 12, 20)}


def make_plan(*items, settings=None):
    targets = tuple(i for i in items if i.kind == TARGET)
    tasks = tuple(i for i in items if i.kind == TASK)
    return Plan(info=PlanInfo(year=Y), targets=targets, tasks=tasks, settings=settings or Settings())


def task(id, *metrics, **kw):
    return Item(id=str(id), kind=TASK, text=f"任务{id}", metrics=tuple(metrics), **kw)


def entry(item, quarter, value=None, metric=None, status=None, note=None, day=None, seq=0):
    return Entry(
        item=str(item),
        quarter=quarter,
        date=day or _QEND[quarter.q],
        metric=metric,
        value=value,
        status=status,
        note=note,
        seq=seq,
    )


def one(plan, entries, quarter):
    (status,) = evaluate(plan, entries, quarter)
    return status


# 新建5G基站 336 个: even pace 84 / 168 / 252 / 336
BASES = Metric("新建5G基站", 336, unit="个")


@pytest.fixture
def bases_plan():
    return make_plan(task(32, BASES))


# ---------------------------------------------------------------- cumulative, even pace


@pytest.mark.parametrize(
    "quarter, value, state",
    [
        (Q1, 84, ON_TRACK),  # exactly on pace
        (Q1, 100, ON_TRACK),  # ahead
        (Q1, 68, BEHIND),  # 16 short of 84, tolerance 16.8
        (Q1, 67.2, SEVERE),  # exactly 20% short: the edge is red
        (Q1, 67.3, BEHIND),
        (Q1, 45, SEVERE),
        (Q2, 168, ON_TRACK),
        (Q2, 135, BEHIND),  # 33 short, tolerance 33.6
        (Q2, 134.4, SEVERE),
        (Q3, 252, ON_TRACK),
        (Q4, 335, SEVERE),  # the end is the end: 1 short at the due quarter is 到期未完成, not a pace colour
        (Q4, 336, DONE),
        (Q2, 336, DONE),  # full target reached early
        (Q1, 400, DONE),
    ],
)
def test_cumulative_even_pace(bases_plan, quarter, value, state):
    status = one(bases_plan, [entry(32, quarter, value)], quarter)
    assert status.state == state
    (ms,) = status.metrics
    assert ms.expected == 336 * quarter.q / 4
    assert ms.value == value
    assert ms.state == state


def test_cumulative_reason_and_colour(bases_plan):
    status = one(bases_plan, [entry(32, Q1, 45)], Q1)
    assert status.reason == "进度 45/84个 (54%)"
    assert status.colour == "red"
    status = one(bases_plan, [entry(32, Q1, 70)], Q1)
    assert status.colour == "yellow"
    status = one(bases_plan, [entry(32, Q1, 90)], Q1)
    assert status.colour == "green"
    assert status.reason == "进度 90/84个 (107%)"


def test_cumulative_with_metric_schedule():
    m = Metric("改造老旧小区", 100, schedule=(0.1, 0.4, 0.7, 1.0))
    plan = make_plan(task(5, m))
    st = one(plan, [entry(5, Q1, 10)], Q1)
    assert (st.state, st.metrics[0].expected) == (ON_TRACK, 10)
    st = one(plan, [entry(5, Q2, 33)], Q2)  # 7 short of 40, tolerance 8
    assert (st.state, st.metrics[0].expected) == (BEHIND, 40)
    st = one(plan, [entry(5, Q2, 32)], Q2)  # 8 short: the edge is red
    assert st.state == SEVERE
    st = one(plan, [entry(5, Q3, 50)], Q3)  # 20 short of 70
    assert (st.state, st.metrics[0].expected) == (SEVERE, 70)


def test_cumulative_with_item_schedule_and_zero_expected():
    m = Metric("建设项目", 10)
    plan = make_plan(task(6, m, schedule=(0.0, 0.0, 0.5, 1.0)))
    st = one(plan, [entry(6, Q1, 0)], Q1)
    assert (st.state, st.metrics[0].expected) == (ON_TRACK, 0)
    st = one(plan, [entry(6, Q2, 0)], Q2)
    assert st.state == ON_TRACK
    assert st.reason == "进度 0(本季度序时要求 0)"
    st = one(plan, [entry(6, Q3, 4)], Q3)  # 1 short of 5, tolerance 1
    assert (st.state, st.metrics[0].expected) == (SEVERE, 5)
    st = one(plan, [entry(6, Q3, 4.5)], Q3)
    assert st.state == BEHIND


# ---------------------------------------------------------------- growth and level


GDP = Metric("地区生产总值增长", 7, unit="%", kind=GROWTH)


@pytest.mark.parametrize(
    "quarter, value, state",
    [
        (Q1, 7.0, ON_TRACK),
        (Q1, 8.0, ON_TRACK),  # meeting growth before Q4 is on pace, not done
        (Q3, 9.0, ON_TRACK),
        (Q1, 6.2, BEHIND),  # 0.8 pp short
        (Q2, 6.0, SEVERE),  # exactly 1 pp short: the edge is red
        (Q2, 6.01, BEHIND),
        (Q2, 5.0, SEVERE),
        (Q4, 7.0, DONE),
        (Q4, 6.5, SEVERE),  # year end: short of the target is 到期未完成 whatever the tolerance
    ],
)
def test_growth(quarter, value, state):
    plan = make_plan(Item(id="G1", kind=TARGET, text="GDP", metrics=(GDP,)))
    st = one(plan, [entry("G1", quarter, value)], quarter)
    assert st.state == state
    assert st.metrics[0].expected == 7


def test_growth_reason():
    plan = make_plan(Item(id="G1", kind=TARGET, text="GDP", metrics=(GDP,)))
    st = one(plan, [entry("G1", Q2, 6.2)], Q2)
    assert st.reason == "增速 6.2%/目标 7%(差 0.8 个百分点)"


FOREST = Metric("森林覆盖率", 42, unit="%", kind=LEVEL)
# The same level from a 基期值 of 40%: 40.5 / 41 / 41.5 / 42 expected by Q1..Q4.
FOREST_FROM_40 = Metric("森林覆盖率", 42, unit="%", kind=LEVEL, baseline=40)


@pytest.mark.parametrize(
    "quarter, value, state",
    [
        (Q1, 42, DONE),  # a level is done when reached
        # Without a 基期值 there is no path to judge a quarter by: 年末考核 (issue 25).
        (Q1, 41, ON_TRACK),
        (Q2, 30, ON_TRACK),
        (Q3, 39.9, ON_TRACK),
        (Q4, 41.9, SEVERE),  # at the due quarter short is 到期未完成
        (Q4, 42, DONE),
    ],
)
def test_level_without_baseline_is_judged_at_its_due_quarter(quarter, value, state):
    plan = make_plan(task(7, FOREST))
    st = one(plan, [entry(7, quarter, value)], quarter)
    assert st.state == state
    if state == ON_TRACK:
        assert st.reason == f"当前 {value:g}/目标 42%(年末考核)"


@pytest.mark.parametrize(
    "quarter, value, state, expected",
    [
        (Q1, 40.5, ON_TRACK, 40.5),  # on the path from the baseline
        (Q1, 39.0, BEHIND, 40.5),  # 1.5 short; tolerance 5% of 40.5 = 2.025
        (Q2, 38.95, SEVERE, 41),  # 2.05 short: over 5% of 41
        (Q2, 39, BEHIND, 41),
        (Q3, 41.5, ON_TRACK, 41.5),
        (Q4, 41.9, SEVERE, 42),
    ],
)
def test_level_with_baseline_runs_from_it(quarter, value, state, expected):
    plan = make_plan(task(7, FOREST_FROM_40))
    st = one(plan, [entry(7, quarter, value)], quarter)
    assert st.state == state
    assert st.metrics[0].expected == pytest.approx(expected)


def test_a_stock_with_baseline_is_paced_from_it():
    # 金龙企业 from 6 to 8 家: 6.5 -> 6 whole at Q1, 7 at Q2, 7 at Q3 (7.5 floored), 8 at Q4.
    stock = Metric("金龙企业", 8, unit="家", baseline=6)
    plan = make_plan(task(16, stock))
    assert [one(plan, [entry(16, q, 7)], q).metrics[0].expected for q in (Q1, Q2, Q3, Q4)] == [6, 7, 7, 8]
    assert one(plan, [entry(16, Q2, 7)], Q2).state == ON_TRACK
    assert one(plan, [entry(16, Q2, 6)], Q2).state == BEHIND  # 1 short of 7: within 20%
    assert one(plan, [entry(16, Q2, 5)], Q2).state == SEVERE  # fewer than at the start of the year


def test_forecast_from_the_pace_so_far():
    # 84 of 336 by Q2 (even pace: half the year) projects 168 at year end: 50% short, unlikely.
    st = one(make_plan(task(32, BASES)), [entry(32, Q2, 84)], Q2)
    assert st.metrics[0].projected == 168 and st.metrics[0].unlikely
    # 270 by Q2 projects 540: fine. Q1 and Q4 give no forecast.
    assert not one(make_plan(task(32, BASES)), [entry(32, Q2, 270)], Q2).metrics[0].unlikely
    assert one(make_plan(task(32, BASES)), [entry(32, Q1, 84)], Q1).metrics[0].projected is None
    assert one(make_plan(task(32, BASES)), [entry(32, Q4, 84)], Q4).metrics[0].projected is None
    # 336*0.8 = 268.8 is the edge: 134 by Q2 projects 268 (short), 134.4 projects 268.8 (not short).
    assert one(make_plan(task(32, BASES)), [entry(32, Q2, 134)], Q2).metrics[0].unlikely
    assert not one(make_plan(task(32, BASES)), [entry(32, Q2, 134.4)], Q2).metrics[0].unlikely


# ---------------------------------------------------------------- ceilings (op <=)


UNEMPLOYMENT = Metric("城镇调查失业率", 5.5, unit="%", kind=LEVEL, op="<=")
ENERGY = Metric("能耗增量", 100, unit="万吨", kind=CUMULATIVE, op="<=")
PRICES = Metric("居民消费价格涨幅", 3, unit="%", kind=GROWTH, op="<=")


@pytest.mark.parametrize(
    "metric, quarter, value, state",
    [
        (UNEMPLOYMENT, Q1, 5.0, ON_TRACK),  # within the ceiling, not done before Q4
        (UNEMPLOYMENT, Q2, 5.5, ON_TRACK),
        (UNEMPLOYMENT, Q2, 5.7, BEHIND),  # 0.2 over; tolerance 0.275
        (UNEMPLOYMENT, Q2, 5.775, SEVERE),  # exactly at the tolerance
        (UNEMPLOYMENT, Q4, 5.4, DONE),
        (UNEMPLOYMENT, Q4, 5.6, SEVERE),  # over the ceiling at year end: 到期未完成
        (ENERGY, Q2, 50, ON_TRACK),  # expected ceiling 50 by Q2
        (ENERGY, Q2, 55, BEHIND),  # 5 over 50, tolerance 10
        (ENERGY, Q2, 60, SEVERE),
        (ENERGY, Q2, 20, ON_TRACK),
        (ENERGY, Q4, 99, DONE),
        (PRICES, Q1, 2.0, ON_TRACK),
        (PRICES, Q1, 3.9, BEHIND),
        (PRICES, Q1, 4.0, SEVERE),
        (PRICES, Q4, 3.0, DONE),
    ],
)
def test_ceiling(metric, quarter, value, state):
    plan = make_plan(task(8, metric))
    st = one(plan, [entry(8, quarter, value)], quarter)
    assert st.state == state


def test_zero_ceiling_is_absolute():
    accidents = Metric("较大安全事故", 0, unit="起", kind=LEVEL, op="<=")
    plan = make_plan(task(9, accidents))
    assert one(plan, [entry(9, Q2, 0)], Q2).state == ON_TRACK
    assert one(plan, [entry(9, Q2, 1)], Q2).state == SEVERE
    assert one(plan, [entry(9, Q4, 0)], Q4).state == DONE


def test_custom_tolerances():
    plan = make_plan(task(32, BASES), settings=Settings(cumulative_tolerance=0.5))
    assert one(plan, [entry(32, Q1, 45)], Q1).state == BEHIND  # 39 short < 42
    assert one(plan, [entry(32, Q1, 42)], Q1).state == SEVERE


# ---------------------------------------------------------------- missing, due


def test_nothing_reported_is_missing(bases_plan):
    st = one(bases_plan, [], Q2)
    assert st.state == MISSING
    assert st.colour == "grey"
    assert st.reason == "本季度未报送"
    assert st.metrics[0].state == MISSING
    assert st.metrics[0].value is None
    assert st.metrics[0].expected == 168
    assert st.last_entry is None and st.reported_status is None and st.note is None


def test_entries_of_other_quarters_do_not_count_as_reports(bases_plan):
    entries = [entry(32, Q1, 90), entry(32, Q3, 300), entry(32, Quarter(2024, 2), 200)]
    st = one(bases_plan, entries, Q2)
    assert st.state == MISSING
    assert st.metrics[0].value is None


def test_past_due_without_done_is_severe():
    plan = make_plan(task(10, Metric("完成改造", 4, unit="个"), due=2))
    st = one(plan, [entry(10, Q3, 3)], Q3)
    assert st.state == SEVERE
    assert st.reason.startswith("已过完成时限(Q2)未完成")


def test_past_due_on_figures_that_would_be_on_pace_is_still_severe():
    plan = make_plan(task(11, due=2))
    st = one(plan, [entry(11, Q3, status="推进中")], Q3)
    assert st.state == SEVERE
    assert st.reason == "已过完成时限(Q2)未完成;报送状态:推进中"


def test_past_due_and_nothing_reported_says_both():
    plan = make_plan(task(12, due=2))
    st = one(plan, [], Q3)
    assert st.state == SEVERE
    assert st.reason == "已过完成时限(Q2)未完成;本季度未报送"


def test_due_quarter_itself_is_not_past_due():
    plan = make_plan(task(13, Metric("完成改造", 4), due=2))
    st = one(plan, [entry(13, Q2, 4)], Q2)
    assert st.state == DONE
    st = one(plan, [entry(13, Q1, 2)], Q1)
    assert (st.state, st.metrics[0].expected) == (ON_TRACK, 2)  # paced to due: 2 of 4 by Q1
    assert one(plan, [], Q2).state == MISSING


def test_done_before_due_stays_done_after_it():
    plan = make_plan(task(14, Metric("完成改造", 4), due=2))
    st = one(plan, [entry(14, Q2, 4)], Q4)
    assert st.state == DONE


# ---------------------------------------------------------------- several metrics


@pytest.fixture
def mixed_plan():
    return make_plan(
        task(
            20,
            Metric("新建道路", 40, unit="公里"),
            Metric("改造管网", 100, unit="公里"),
            Metric("绿化覆盖率", 40, unit="%", kind=LEVEL),
        )
    )


def test_mixed_metrics_take_the_worst(mixed_plan):
    entries = [
        entry(20, Q2, 20, metric="新建道路"),  # on pace (20 of 20)
        entry(20, Q2, 42, metric="改造管网"),  # 8 short of 50 -> 滞后
        entry(20, Q2, 41, metric="绿化覆盖率"),  # reached -> 已完成
    ]
    st = one(mixed_plan, entries, Q2)
    assert [m.state for m in st.metrics] == [ON_TRACK, BEHIND, DONE]
    assert st.state == BEHIND
    assert st.reason == "改造管网 进度 42/50公里 (84%)"


def test_unreported_metric_is_missing_and_item_takes_worst(mixed_plan):
    entries = [entry(20, Q2, 20, metric="新建道路"), entry(20, Q2, 50, metric="改造管网")]
    st = one(mixed_plan, entries, Q2)
    assert [m.state for m in st.metrics] == [ON_TRACK, ON_TRACK, MISSING]
    assert st.state == MISSING
    assert st.reason == "绿化覆盖率未报送"


def test_severe_beats_missing(mixed_plan):
    entries = [entry(20, Q2, 5, metric="新建道路")]
    st = one(mixed_plan, entries, Q2)
    assert [m.state for m in st.metrics] == [SEVERE, MISSING, MISSING]
    assert st.state == SEVERE


def test_all_metrics_done_is_done(mixed_plan):
    entries = [
        entry(20, Q3, 40, metric="新建道路"),
        entry(20, Q3, 100, metric="改造管网"),
        entry(20, Q3, 40, metric="绿化覆盖率"),
    ]
    st = one(mixed_plan, entries, Q3)
    assert st.state == DONE
    assert st.reason == "指标全部达标"


def test_unknown_metric_entries_are_ignored(mixed_plan):
    entries = [entry(20, Q2, 999, metric="不存在的指标", status="受阻")]
    st = one(mixed_plan, entries, Q2)
    assert st.state == MISSING
    assert st.reason == "本季度未报送"
    assert st.last_entry is None and st.reported_status is None


def test_metric_none_value_applies_only_to_one_metric_items(mixed_plan, bases_plan):
    st = one(bases_plan, [entry(32, Q2, 170, metric=None)], Q2)
    assert (st.state, st.metrics[0].value) == (ON_TRACK, 170)
    st = one(bases_plan, [entry(32, Q2, 170, metric="新建5G基站")], Q2)
    assert (st.state, st.metrics[0].value) == (ON_TRACK, 170)
    st = one(mixed_plan, [entry(20, Q2, 170, metric=None)], Q2)
    assert [m.state for m in st.metrics] == [MISSING, MISSING, MISSING]
    assert st.state == MISSING


def test_metric_named_and_unnamed_entries_compete_by_date(bases_plan):
    entries = [
        entry(32, Q2, 170, metric="新建5G基站", day=date(Y, 6, 1)),
        entry(32, Q2, 100, metric=None, day=date(Y, 6, 15)),
    ]
    st = one(bases_plan, entries, Q2)
    assert st.metrics[0].value == 100
    assert st.state == SEVERE


def test_status_only_report_leaves_figures_missing(bases_plan):
    st = one(bases_plan, [entry(32, Q2, status="推进中")], Q2)
    assert st.state == MISSING
    assert st.reason == "指标未报送"
    assert st.reported_status == "推进中"


# ---------------------------------------------------------------- status overrides


def test_reported_done_with_low_figures_is_judged_by_the_figures(bases_plan):
    # A 已完成 click does not beat the figures: 10 of 336 is what it is, and
    # the claim is a 请核实 (issue 25).
    st = one(bases_plan, [entry(32, Q2, 10, status="已完成")], Q2)
    assert st.state == SEVERE
    assert st.metrics[0].state == SEVERE
    assert st.claim == "报送已完成,但新建5G基站 10/336个未达目标"
    assert st.reason.startswith("报送已完成,但新建5G基站 10/336个未达目标")


def test_reported_done_without_figures_is_done(bases_plan):
    st = one(bases_plan, [entry(32, Q2, status="已完成")], Q2)
    assert st.state == DONE and st.claim == ""


def test_reported_blocked_with_good_figures_is_severe(bases_plan):
    st = one(bases_plan, [entry(32, Q2, 200, status="受阻", note="用地未落实")], Q2)
    assert st.state == SEVERE
    assert st.metrics[0].state == ON_TRACK
    assert st.reason.startswith("报送状态:受阻")
    assert st.note == "用地未落实"


def test_reported_behind_is_severe(bases_plan):
    st = one(bases_plan, [entry(32, Q2, 200, status="滞后")], Q2)
    assert st.state == SEVERE


def test_blocked_with_all_metrics_done_is_done(bases_plan):
    st = one(bases_plan, [entry(32, Q2, 336, status="受阻")], Q2)
    assert st.state == DONE
    assert st.reason == "指标全部达标(报送状态:受阻)"


def test_status_stays_until_a_newer_status(bases_plan):
    entries = [
        entry(32, Q2, status="受阻", day=date(Y, 4, 10), seq=1),
        entry(32, Q2, 170, day=date(Y, 6, 10), seq=2),
    ]
    st = one(bases_plan, entries, Q2)
    assert st.reported_status == "受阻"
    assert st.state == SEVERE
    assert st.last_entry.value == 170
    entries.append(entry(32, Q2, status="推进中", day=date(Y, 6, 20), seq=3))
    st = one(bases_plan, entries, Q2)
    assert st.reported_status == "推进中"
    assert st.state == ON_TRACK


# ---------------------------------------------------------------- newest entry


def test_later_date_wins_over_file_order(bases_plan):
    entries = [
        entry(32, Q2, 170, day=date(Y, 6, 20), seq=1),
        entry(32, Q2, 100, day=date(Y, 5, 1), seq=2),  # recorded later, dated earlier
    ]
    st = one(bases_plan, entries, Q2)
    assert st.metrics[0].value == 170
    assert st.state == ON_TRACK
    assert st.last_entry.seq == 1


def test_same_date_later_seq_wins(bases_plan):
    entries = [
        entry(32, Q2, 170, day=date(Y, 6, 20), seq=2),
        entry(32, Q2, 100, day=date(Y, 6, 20), seq=1),
    ]
    assert one(bases_plan, entries, Q2).metrics[0].value == 170
    entries = [
        entry(32, Q2, 170, day=date(Y, 6, 20), seq=1),
        entry(32, Q2, 100, day=date(Y, 6, 20), seq=2),
    ]
    st = one(bases_plan, entries, Q2)
    assert st.metrics[0].value == 100
    assert st.state == SEVERE


def test_latest_helpers():
    entries = [
        entry(32, Q2, 100, day=date(Y, 5, 1), seq=1, note="旧"),
        entry(32, Q2, 170, day=date(Y, 6, 1), seq=2),
        entry(32, Q2, status="推进中", day=date(Y, 6, 1), seq=3),
        entry(32, Q3, 300, day=date(Y, 9, 1), seq=1, status="已完成", note="新季度"),
        entry("g1", Q2, 7.1, day=date(Y, 6, 2), seq=4),
        entry(5, Q2, 3, metric="甲", day=date(Y, 6, 2), seq=5),
        entry(5, Q2, 4, metric="乙", day=date(Y, 6, 2), seq=6),
    ]
    result = latest(entries, Q2)
    assert set(result) == {("32", None), ("G1", None), ("5", "甲"), ("5", "乙")}
    assert result[("32", None)].seq == 3
    assert result[("5", "甲")].value == 3
    assert latest_status(entries, Q2)["32"].status == "推进中"
    assert latest_note(entries, Q2)["32"].note == "旧"
    assert latest_status(entries, Q3)["32"].status == "已完成"


# ---------------------------------------------------------------- carry-over of 已完成


def test_done_status_in_earlier_quarter_carries(bases_plan):
    st = one(bases_plan, [entry(32, Q2, 200, status="已完成")], Q4)
    assert st.state == DONE
    assert st.reason == "已于Q2报送已完成"
    assert st.last_entry is None  # nothing this quarter


def test_done_figures_in_earlier_quarter_carry(bases_plan):
    st = one(bases_plan, [entry(32, Q2, 336)], Q3)
    assert st.state == DONE
    assert st.reason == "指标已于Q2全部达标"
    (ms,) = st.metrics
    assert ms.state == DONE and ms.carried and ms.value == 336
    assert ms.entry.quarter == Q2


def test_earlier_figures_that_were_not_done_do_not_carry(bases_plan):
    st = one(bases_plan, [entry(32, Q2, 300)], Q3)
    assert st.state == MISSING


def test_earlier_done_undone_by_later_earlier_status(bases_plan):
    entries = [entry(32, Q1, status="已完成"), entry(32, Q2, 150, status="推进中")]
    st = one(bases_plan, entries, Q3)
    assert st.state == MISSING


def test_carried_done_overridden_by_new_status_this_quarter(bases_plan):
    entries = [entry(32, Q2, status="已完成"), entry(32, Q3, 200, status="受阻")]
    st = one(bases_plan, entries, Q3)
    assert st.state == SEVERE


def test_carried_done_with_a_plain_new_figure_stays_done(bases_plan):
    entries = [entry(32, Q2, status="已完成"), entry(32, Q3, 260)]
    assert one(bases_plan, entries, Q3).state == DONE


def test_growth_met_in_q3_does_not_carry_to_q4():
    plan = make_plan(Item(id="G1", kind=TARGET, text="GDP", metrics=(GDP,)))
    st = one(plan, [entry("G1", Q3, 8.0)], Q4)
    assert st.state == MISSING


def test_done_metric_carries_inside_a_mixed_item(mixed_plan):
    entries = [
        entry(20, Q2, 41, metric="绿化覆盖率"),
        entry(20, Q3, 30, metric="新建道路"),
        entry(20, Q3, 75, metric="改造管网"),
    ]
    st = one(mixed_plan, entries, Q3)
    assert [m.state for m in st.metrics] == [ON_TRACK, ON_TRACK, DONE]
    assert st.metrics[2].carried
    assert st.state == ON_TRACK


def test_carry_over_only_from_the_same_year(bases_plan):
    st = one(bases_plan, [entry(32, Quarter(2024, 2), 336, status="已完成")], Q3)
    assert st.state == MISSING


# ---------------------------------------------------------------- tasks without metrics


@pytest.mark.parametrize(
    "quarter, status, state",
    [
        (Q1, "推进中", ON_TRACK),
        (Q2, "推进中", ON_TRACK),
        (Q1, "未启动", ON_TRACK),
        (Q2, "未启动", BEHIND),
        (Q3, "未启动", BEHIND),
        (Q1, "滞后", SEVERE),
        (Q2, "受阻", SEVERE),
        (Q2, "已完成", DONE),
        (Q2, None, MISSING),
    ],
)
def test_task_without_metrics(quarter, status, state):
    plan = make_plan(task(40))
    entries = [entry(40, quarter, status=status)] if status else []
    st = one(plan, entries, quarter)
    assert st.state == state
    assert st.metrics == ()


def test_task_without_metrics_reasons():
    plan = make_plan(task(40))
    assert one(plan, [entry(40, Q2, status="未启动")], Q2).reason == "报送状态:未启动(二季度起应已启动)"
    assert one(plan, [entry(40, Q1, status="未启动")], Q1).reason == "报送状态:未启动"
    assert one(plan, [entry(40, Q2, status="受阻")], Q2).reason == "报送状态:受阻"
    st = one(plan, [entry(40, Q2, note="已完成方案起草")], Q2)
    assert (st.state, st.reason) == (ON_TRACK, "已报送(未注明状态)")


# ---------------------------------------------------------------- plan order, worst, sorting


def test_evaluate_returns_plan_order_and_ignores_unknown_items():
    g1 = Item(id="G1", kind=TARGET, text="GDP", metrics=(GDP,))
    plan = make_plan(g1, task(32, BASES), task(40))
    entries = [entry("g1", Q2, 7.5), entry(40, Q2, status="受阻"), entry(99, Q2, status="推进中")]
    result = evaluate(plan, entries, Q2)
    assert [s.item.id for s in result] == ["G1", "32", "40"]
    assert [s.state for s in result] == [ON_TRACK, MISSING, SEVERE]
    assert all(s.quarter == Q2 for s in result)
    ordered = sort_worst_first(result)
    assert [s.item.id for s in ordered] == ["40", "32", "G1"]


def test_severity_and_worst():
    assert [s for s in sorted(SEVERITY, key=SEVERITY.get, reverse=True)] == [SEVERE, MISSING, BEHIND, PENDING, ON_TRACK, DONE]
    assert worst([ON_TRACK, BEHIND, DONE]) == BEHIND
    assert worst([BEHIND, MISSING]) == MISSING
    assert worst([MISSING, SEVERE]) == SEVERE
    assert worst([DONE, DONE]) == DONE
    assert worst([]) == DONE


def test_sort_worst_first_is_stable_within_a_state(bases_plan):
    plan = make_plan(task(1), task(2), task(3), task(4))
    entries = [entry(1, Q2, status="推进中"), entry(3, Q2, status="推进中"), entry(4, Q2, status="未启动")]
    result = sort_worst_first(evaluate(plan, entries, Q2))
    assert [(s.item.id, s.state) for s in result] == [("2", MISSING), ("4", BEHIND), ("1", ON_TRACK), ("3", ON_TRACK)]


def test_non_finite_values_are_ignored(bases_plan):
    st = one(bases_plan, [entry(32, Q2, float("nan")), entry(32, Q2, float("inf"))], Q2)
    assert st.metrics[0].state == MISSING
