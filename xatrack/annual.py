"""The annual result of each lead unit (年度目标管理考核): the same scoring
as each quarter's ranking (score.py), over every quarter of the year so far.
Pure: plan, directory, entries in; a frozen value out.
"""

from __future__ import annotations

from dataclasses import dataclass

from xatrack import score
from xatrack.evaluate import evaluate
from xatrack.model import Plan, Quarter
from xatrack.report import lead_units, rank_units
from xatrack.roles import Roles


@dataclass(frozen=True)
class UnitYear:
    name: str
    quarters: tuple[tuple[int, score.Rates, int], ...]  # (q, rates of that quarter, place that quarter)
    year: score.Rates  # all items of all quarters counted together
    rank: int
    score: float | None  # weighted score, when settings.ranking sets weights


@dataclass(frozen=True)
class Annual:
    year: int
    upto: Quarter
    units: tuple[UnitYear, ...]
    rule: str


def annual(plan: Plan, directory, entries, upto: Quarter, selector=None, roles=None) -> Annual:
    roles = roles or Roles(directory)
    weights = plan.settings.ranking_weights
    items = selector.items(plan) if selector is not None else list(plan.items)
    per_quarter: dict[str, list] = {}
    for q in range(1, upto.q + 1):
        quarter = Quarter(upto.year, q)
        statuses = evaluate(plan, entries, quarter, items, roles=roles)
        if selector is not None:
            statuses = selector.select(statuses)
        for row in rank_units(lead_units(statuses, directory), weights):
            per_quarter.setdefault(row.name, []).append((q, row.rates, row.rank))
    totals = {}
    for name, quarters in per_quarter.items():
        rates = [r for _, r, _ in quarters]
        totals[name] = score.Rates(
            total=sum(r.total for r in rates),
            green=sum(r.green for r in rates),
            timely=sum(r.timely for r in rates),
            severe=sum(r.severe for r in rates),
            missing=sum(r.missing for r in rates),
        )
    ranked = score.rank(totals.items(), weights)
    units = tuple(
        UnitYear(name, tuple(per_quarter[name]), rates, place, rates.score(weights) if weights else None)
        for name, rates, place in ranked
    )
    return Annual(upto.year, upto, units, score.rule_sentence(weights))
