"""Ranking lead units fairly: by rates, not counts. Pure.

A unit with 43 items should not rank last for having more items than a
unit with one. Each lead unit is scored on the share of its items that are
正常 or 已完成 (推进率; 未报送 counts as the worst), then the share reported
by the deadline (及时率), then the share 严重滞后 (fewer is better). By
default the three decide one after the other; an office whose assessment
rules (督查考核办法) weigh them differently sets ``settings.ranking`` in
tasks.yaml, e.g. ``{推进率: 70, 及时率: 30}``: units are then ranked by the
weighted score, ties by fewer 严重滞后. Units equal on what decides share
a place (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xatrack.model import DONE

PROGRESS = "推进率"
TIMELY = "及时率"
RATES = (PROGRESS, TIMELY)


@dataclass(frozen=True)
class Rates:
    """What a lead unit is ranked on, from its items' statuses."""

    total: int
    green: int  # 正常 + 已完成
    timely: int  # reported (all metrics) on or before the deadline, or already finished
    severe: int
    missing: int

    @property
    def progress_rate(self) -> float:
        return self.green / self.total if self.total else 0.0

    @property
    def timely_rate(self) -> float:
        return self.timely / self.total if self.total else 0.0

    @property
    def severe_rate(self) -> float:
        return self.severe / self.total if self.total else 0.0

    def rate(self, name: str) -> float:
        return {PROGRESS: self.progress_rate, TIMELY: self.timely_rate}[name]

    def score(self, weights: tuple[tuple[str, float], ...]) -> float:
        """Weighted score in points (0–100)."""
        total = sum(w for _, w in weights) or 1.0
        return round(100 * sum(w * self.rate(name) for name, w in weights) / total, 2)


def reported_on_time(status) -> bool:
    """Nothing owed this quarter and nothing deciding it came late."""
    if status.state == DONE and status.last_entry is None:
        return True  # finished earlier: nothing to report
    return not status.owes_report and not status.late


def ranking_key(rates: Rates, weights: tuple[tuple[str, float], ...]) -> tuple:
    """Smaller is better. Rates are compared as exact fractions' floats rounded
    to 9 places, so 1/3 and 2/6 tie."""
    if weights:
        return (-rates.score(weights), round(rates.severe_rate, 9))
    return (-round(rates.progress_rate, 9), -round(rates.timely_rate, 9), round(rates.severe_rate, 9))


def rank(named: Iterable[tuple[str, Rates]], weights: tuple[tuple[str, float], ...] = ()) -> list[tuple[str, Rates, int]]:
    """(name, rates, place) best first; equal keys share a place. Within a
    place, more items then the name decide the order of listing."""
    ordered = sorted(named, key=lambda nr: (ranking_key(nr[1], weights), -nr[1].total, nr[0]))
    result = []
    previous = None
    place = 0
    for index, (name, rates) in enumerate(ordered, start=1):
        key = ranking_key(rates, weights)
        if key != previous:
            place = index
            previous = key
        result.append((name, rates, place))
    return result


def rule_sentence(weights: tuple[tuple[str, float], ...]) -> str:
    """The ranking rule in one sentence, as every bulletin states it."""
    if weights:
        total = sum(w for _, w in weights) or 1.0
        parts = " + ".join(f"{name}×{round(100 * w / total)}%" for name, w in weights)
        return (
            f"按综合得分从高到低排名(得分 = {parts};推进率为正常和已完成事项的占比,未报送计为最差;"
            "及时率为截止日前报送齐全的事项占比),得分相同时严重滞后占比低的在前;都相同的并列。" + UNIT_RULE
        )
    return (
        "依次按推进率(正常和已完成事项占本单位牵头事项的比例)、及时率(截止日前报送齐全的事项占比)"
        "从高到低和严重滞后占比从低到高排名,三项都相同的并列。" + UNIT_RULE
    )


# Each unit on its own entries (issue 24), said with the ranking rule in every bulletin format.
UNIT_RULE = "各单位只按本单位的报送计:本单位未报送的事项计为未报送(最差),及时率看本单位首次报送的时间,截止日后更正不算逾期。"
