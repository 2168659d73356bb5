from datetime import date

import pytest

from xatrack.errors import InputError
from xatrack.model import CUMULATIVE, GROWTH, LEVEL, TASK, Item, Metric, Quarter
from xatrack.schedule import (
    check_date_in_quarter,
    default_quarter,
    expected_fraction,
    parse_date,
    parse_quarter,
    parse_schedule,
    quarter_of,
)

# ---------------------------------------------------------------- parse_quarter


@pytest.mark.parametrize(
    "text, q",
    [
        ("Q2", 2),
        ("q2", 2),
        ("2", 2),
        (" 3 ", 3),
        ("2025Q2", 2),
        ("2025-Q2", 2),
        ("2025q2", 2),
        ("2025 Q4", 4),
        ("2025年Q1", 1),
        ("二季度", 2),
        ("第二季度", 2),
        ("第四季度", 4),
        ("2季度", 2),
        ("第3季度", 3),
        ("2025年第二季度", 2),
        ("2025年一季度", 1),
        ("Ｑ２", 2),  # full-width letter and digit
        ("２", 2),
        ("２０２５－Ｑ３", 3),
        ("２季度", 2),
    ],
)
def test_parse_quarter_accepts(text, q):
    assert parse_quarter(text, 2025) == Quarter(2025, q)


@pytest.mark.parametrize("text", ["Q5", "Q0", "5", "0", "五季度", "第五季度", "2025-Q5", "12"])
def test_parse_quarter_rejects_out_of_range(text):
    with pytest.raises(InputError) as info:
        parse_quarter(text, 2025)
    assert info.value.message == f'--quarter 的值"{text}"无效:季度应为 1–4(如 Q2、2025-Q2、二季度)'


@pytest.mark.parametrize("text", ["2024Q2", "2026-Q1", "2024年第二季度"])
def test_parse_quarter_rejects_other_year(text):
    with pytest.raises(InputError) as info:
        parse_quarter(text, 2025)
    assert info.value.message.endswith("不在计划年度 2025 内")
    assert info.value.message.startswith(f'--quarter 的值"{text}"无效:')


@pytest.mark.parametrize(
    "text",
    ["", " ", "../../x", "Q2/../../etc", "Q2\n", "Q2;rm", "2025", "2025-2", "Q", "季度", "Q2Q3", "1.5", "-1", "Q-1", "春季"],
)
def test_parse_quarter_rejects_junk(text):
    if text == "Q2\n":
        # trailing whitespace (including a newline) is trimmed, so this one is fine
        assert parse_quarter(text, 2025) == Quarter(2025, 2)
        return
    with pytest.raises(InputError) as info:
        parse_quarter(text, 2025)
    assert "季度应为 1–4" in info.value.message
    assert "\n" not in info.value.message


def test_parse_quarter_message_is_one_line_for_control_characters():
    with pytest.raises(InputError) as info:
        parse_quarter("Q2\nQ3", 2025, flag="--since")
    assert "\n" not in info.value.message
    assert info.value.message.startswith('--since 的值"Q2?Q3"无效')


def test_parse_quarter_long_junk_is_shortened():
    with pytest.raises(InputError) as info:
        parse_quarter("x" * 500, 2025)
    assert len(info.value.message) < 120


# ---------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    "text",
    [
        "2025-06-28",
        "2025/6/28",
        "2025/06/28",
        "20250628",
        "2025年6月28日",
        "2025年06月28日",
        "2025年6月28",
        "2025.6.28",
        "２０２５－０６－２８",
        "2025-06-28T10:30",
        "Jun 28 2025",
    ],
)
def test_parse_date_accepts(text):
    assert parse_date(text) == date(2025, 6, 28)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "6月",
        "6月28日",
        "2025年6月",
        "2025-06",
        "2025",
        "28",
        "June",
        "2025-02-30",
        "2025-13-01",
        "20251301",
        "2025062",
        "25/6/28",
        "2025/6-28",
        "99999999999999999999999",
        "../../x",
        "tomorrow",
        "x" * 200,
    ],
)
def test_parse_date_rejects(text):
    with pytest.raises(InputError) as info:
        parse_date(text)
    assert "无法识别为日期" in info.value.message
    assert info.value.message.startswith("--date 的值")


def test_parse_date_message():
    with pytest.raises(InputError) as info:
        parse_date("6月")
    assert info.value.message.startswith('--date 的值"6月"无法识别为日期')


# ---------------------------------------------------------------- quarters of days


@pytest.mark.parametrize(
    "day, q",
    [
        (date(2025, 1, 1), 1),
        (date(2025, 3, 31), 1),
        (date(2025, 4, 1), 2),
        (date(2025, 6, 30), 2),
        (date(2025, 7, 1), 3),
        (date(2025, 9, 30), 3),
        (date(2025, 10, 1), 4),
        (date(2025, 12, 31), 4),
    ],
)
def test_quarter_of(day, q):
    assert quarter_of(day) == Quarter(day.year, q)


def test_default_quarter_inside_year():
    assert default_quarter(2025, date(2025, 5, 15)) == Quarter(2025, 2)
    assert default_quarter(2025, date(2025, 12, 31)) == Quarter(2025, 4)


def test_default_quarter_outside_year():
    assert default_quarter(2025, date(2026, 2, 1)) == Quarter(2025, 4)
    assert default_quarter(2025, date(2024, 11, 20)) == Quarter(2025, 1)


def test_check_date_in_quarter():
    check_date_in_quarter(date(2025, 4, 1), Quarter(2025, 2))
    check_date_in_quarter(date(2025, 6, 30), Quarter(2025, 2))
    with pytest.raises(InputError) as info:
        check_date_in_quarter(date(2025, 7, 2), Quarter(2025, 2))
    assert info.value.message == "日期 2025-07-02 不在 2025年第二季度(2025-04-01 至 2025-06-30)内"
    with pytest.raises(InputError):
        check_date_in_quarter(date(2024, 5, 1), Quarter(2025, 2))
    with pytest.raises(InputError):
        check_date_in_quarter(date(2025, 3, 31), Quarter(2025, 2))


# ---------------------------------------------------------------- expected pace


def _item(metric, **kw):
    return Item(id="1", kind=TASK, text="t", metrics=(metric,), **kw)


def test_expected_fraction_even_pace():
    m = Metric("基站", 336)
    item = _item(m)
    assert [expected_fraction(item, m, q) for q in range(1, 5)] == [0.25, 0.5, 0.75, 1.0]


def test_expected_fraction_metric_schedule_beats_item_schedule():
    m = Metric("基站", 336, schedule=(0.1, 0.4, 0.7, 1.0))
    item = _item(m, schedule=(0.0, 0.0, 0.5, 1.0))
    assert [expected_fraction(item, m, q) for q in range(1, 5)] == [0.1, 0.4, 0.7, 1.0]
    m2 = Metric("基站", 336)
    item2 = _item(m2, schedule=(0.0, 0.0, 0.5, 1.0))
    assert [expected_fraction(item2, m2, q) for q in range(1, 5)] == [0.0, 0.0, 0.5, 1.0]


def test_expected_fraction_early_due_paces_to_due():
    m = Metric("基站", 100)
    item = _item(m, due=2)
    assert [expected_fraction(item, m, q) for q in range(1, 5)] == [0.5, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("kind", [GROWTH, LEVEL])
def test_expected_fraction_growth_and_level_are_whole_target(kind):
    m = Metric("x", 7, kind=kind, schedule=None)
    item = _item(m, schedule=(0.1, 0.4, 0.7, 1.0))
    assert [expected_fraction(item, m, q) for q in range(1, 5)] == [1.0, 1.0, 1.0, 1.0]


def test_expected_fraction_rejects_bad_quarter():
    m = Metric("x", 1, kind=CUMULATIVE)
    with pytest.raises(ValueError):
        expected_fraction(_item(m), m, 5)


# ---------------------------------------------------------------- parse_schedule


@pytest.mark.parametrize(
    "value",
    [
        {"Q1": "10%", "Q2": "40%", "Q3": "70%", "Q4": "100%"},
        {"q1": "10 %", "q2": "40%", "q3": "70%", "q4": "100%"},
        {"Q1": 0.1, "Q2": 0.4, "Q3": 0.7, "Q4": 1},
        {1: 10, 2: 40, 3: 70, 4: 100},
        {"一季度": "10%", "二季度": "40%", "三季度": "70%", "四季度": "100%"},
        [10, 40, 70, 100],
        [0.1, 0.4, 0.7, 1.0],
        ["10%", "40%", "70%", "100%"],
        ("１０％", "４０％", "７０％", "１００％"),
    ],
)
def test_parse_schedule_accepts(value):
    assert parse_schedule(value) == (0.1, 0.4, 0.7, 1.0)


def test_parse_schedule_zero_start():
    assert parse_schedule({"Q1": "0%", "Q2": "0%", "Q3": "50%", "Q4": "100%"}) == (0.0, 0.0, 0.5, 1.0)
    assert parse_schedule([0, 0, 0, 1]) == (0.0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize(
    "value, words",
    [
        ({"Q1": "10%", "Q2": "40%", "Q4": "100%"}, "缺少 Q3"),
        ({"Q1": "50%", "Q2": "40%", "Q3": "70%", "Q4": "100%"}, "逐季不减"),
        ([10, 40, 70, 120], "超过 100%"),
        ({"Q1": "10%", "Q2": "40%", "Q3": "70%", "Q4": "90%"}, "Q4 应为 100%"),
        ({"Q1": "-10%", "Q2": "40%", "Q3": "70%", "Q4": "100%"}, "负数"),
        ({"Q1": "abc", "Q2": "40%", "Q3": "70%", "Q4": "100%"}, "不是数字"),
        ({"Q5": "10%", "Q2": "40%", "Q3": "70%", "Q4": "100%"}, "Q1–Q4"),
        ([10, 40, 100], "4 个"),
        ("10%,40%", "进度安排应为"),
        (None, "进度安排应为"),
        ([True, 40, 70, 100], "不是数字"),
        ([float("nan"), 40, 70, 100], "有限"),
    ],
)
def test_parse_schedule_rejects(value, words):
    with pytest.raises(ValueError) as info:
        parse_schedule(value)
    assert words in str(info.value)
