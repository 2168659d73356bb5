"""Reading a reported figure: the one reader `update`, `ingest` and anything
else that takes a number from a person use, so that `--done 85公里` and a
sheet cell `85公里` mean the same.

Pure: text (or a number) and the metric in, a float and warnings out, or an
InputError naming what was typed and why it was refused.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from xatrack.errors import InputError
from xatrack.model import CUMULATIVE, GROWTH, RELATIVE, SIGNED_KINDS, Metric

# Families of units that convert into one another, each unit with its size in the family's
# smallest: 5000万元 is read as 0.5 for a metric in 亿元, 5000亩 as 0.5 for one in 万亩, 3.2千米
# as 3.2 for one in 公里. Units of different families (亩 and 公里, 人 and 元) never convert.
UNIT_FAMILIES: dict[str, dict[str, float]] = {
    "金额": {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8},
    "面积(亩)": {"亩": 1.0, "万亩": 1e4},
    "面积": {"平方米": 1.0, "万平方米": 1e4, "公顷": 1e4, "平方公里": 1e6},
    "长度": {"米": 1.0, "千米": 1e3, "公里": 1e3, "km": 1e3, "万米": 1e4},
    "人数": {"人": 1.0, "万人": 1e4},
    "人次": {"人次": 1.0, "万人次": 1e4},
    "户数": {"户": 1.0, "万户": 1e4},
    "重量": {"千克": 1.0, "公斤": 1.0, "吨": 1e3, "万吨": 1e7},
    "功率": {"千瓦": 1.0, "兆瓦": 1e3, "万千瓦": 1e4},
}
_FAMILY_OF = {unit: (family, size) for family, sizes in UNIT_FAMILIES.items() for unit, size in sizes.items()}
# Words that name the same unit (a person writes % or 个百分点 for a rate in %).
_SAME = {"%": ("%", "个百分点", "百分点")}

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
# A number followed by whatever unit text was written after it.
_SPLIT = re.compile(r"^([+-]?[\d,]*\.?\d+)\s*(.*?)$")

LIMIT = 1e15
# A figure far outside what is plausible is recorded, with a request to verify.
PLAUSIBLE_TIMES_TARGET = 3
PLAUSIBLE_GROWTH = 100


@dataclass(frozen=True)
class Read:
    value: float
    warnings: tuple[str, ...] = ()


def _shown(raw: object, limit: int = 40) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in str(raw))
    return text if len(text) <= limit else text[:limit] + "…"


def plain_number(number: float) -> str:
    """120.0 -> '120', 6.25 -> '6.25' (%g): a figure inside a message. The other two
    formatters differ on purpose: evaluate.fmt (up to 4 decimals, for paces) and
    views.cells.fmt_number (thousands separators, for tables)."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


_fmt = plain_number


def read_value(raw: str | float | int, metric: Metric | None, what: str = "--done 的值") -> Read:
    """The number a person reported for ``metric``.

    Plain and full-width digits, thousands separators, a unit written after
    the number when it is the metric's unit (120个 for a metric in 个, 85公里,
    12.5% only for % metrics), or converted from another unit of its family
    (UNIT_FAMILIES: 亿元/万元/元, 万亩/亩, 公里/千米/米, 万人/人 ...). A unit of
    another family is refused naming both. Counts of whole things
    (家、个、座…) take whole numbers; only growth, level and relative figures
    may be negative. ``what`` names the place in messages ("--done 的值",
    "本季度累计完成").
    """
    if isinstance(raw, bool):
        raise InputError(f'{what}"{raw}"不是数字')
    if isinstance(raw, (int, float)):
        try:
            value = float(raw)
        except OverflowError:
            raise InputError(f'{what}"{_shown(raw)}"过大') from None
        unit_text = ""
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", ",").replace(" ", "")
        if text[:1] == "\u2212":  # the minus sign of typeset text
            text = "-" + text[1:]
        if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise InputError(f'{what}"{_shown(raw)}"不是有限的数字')
        match = _SPLIT.match(text)
        if match is None or not _NUMBER.match(match.group(1)):
            raise InputError(f'{what}"{_shown(raw)}"不是数字')
        number_text, unit_text = match.group(1), match.group(2).strip()
        try:
            value = float(number_text.replace(",", ""))
        except ValueError:
            raise InputError(f'{what}"{_shown(raw)}"不是数字') from None
        if unit_text:
            value = _convert(value, unit_text, metric, raw, what)
    if math.isnan(value) or math.isinf(value):
        raise InputError(f'{what}"{_shown(raw)}"不是有限的数字')
    if abs(value) >= LIMIT:
        raise InputError(f'{what}"{_shown(raw)}"过大')
    kind = metric.kind if metric is not None else CUMULATIVE
    if value < 0 and kind not in SIGNED_KINDS:
        raise InputError(f'{what}"{_shown(raw)}"不能为负数(累计数报送 1 月至今的累计完成数;增速、水平值可以为负)')
    if metric is not None and metric.whole and kind == CUMULATIVE and not float(value).is_integer():
        raise InputError(f'{what}"{_shown(raw)}"应为整数:{metric.name}以{metric.unit}计,不能有小数')
    return Read(value, _plausibility(value, metric))


def _convert(value: float, unit_text: str, metric: Metric | None, raw, what: str) -> float:
    """The number in the metric's unit, or InputError naming both units."""
    unit = metric.unit if metric is not None else ""
    if unit and (unit_text == unit or unit_text in _SAME.get(unit, ())):
        return value
    family, size = _FAMILY_OF.get(unit, (None, 1.0))
    written, written_size = _FAMILY_OF.get(unit_text, (None, 1.0))
    if family is not None and family == written:
        return _converted(value, written_size, size)
    if not unit:
        raise InputError(f'{what}"{_shown(raw)}"带有单位"{unit_text}",但该指标没有计量单位;请只填数字')
    name = metric.name if metric is not None else ""
    raise InputError(f'{what}"{_shown(raw)}"的单位"{unit_text}"与指标{name}的计量单位"{unit}"不符;请按{unit}填写数字')


def _converted(value: float, written: float, wanted: float) -> float:
    """``value`` in a unit of size ``written`` expressed in one of size ``wanted``, without the
    binary noise of the division (5000 亩 is 0.5 万亩, 123 元 is 0.0123 万元, not 0.012300000000000002)."""
    converted = value * written / wanted
    return float(f"{converted:.12g}") if converted else converted


def _plausibility(value: float, metric: Metric | None) -> tuple[str, ...]:
    if metric is None:
        return ()
    shown = f"{_fmt(value)}{metric.unit}"
    if metric.kind in (GROWTH, RELATIVE) or (metric.kind != CUMULATIVE and metric.unit == "%"):
        if abs(value) > PLAUSIBLE_GROWTH:
            return (f"{metric.name} {shown} 超出 ±{PLAUSIBLE_GROWTH}%,请核实",)
        return ()
    target = abs(metric.target)
    if target > 0 and abs(value) > PLAUSIBLE_TIMES_TARGET * target:
        return (f"{metric.name} {shown} 超过全年目标 {_fmt(metric.target)}{metric.unit} 的 {PLAUSIBLE_TIMES_TARGET} 倍,请核实",)
    return ()
