"""The annual result of each lead unit (年度目标管理考核): the same scoring
as each quarter's ranking (score.py), over every quarter of the year so far.

What was published stays what was published: a quarter whose bulletin was
issued (bulletins/, passed in as ``published``) counts with the ranks and
counts that bulletin circulated; recomputing it with every entry recorded
since (late figures, corrections) is shown beside it where the two differ.
Quarters not published are computed. Pure: plan, directory, entries and the
published bulletins' data in; a frozen value out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from xatrack import score
from xatrack.evaluate import evaluate
from xatrack.model import DONE, MISSING, ON_TRACK, SEVERE, Plan, Quarter
from xatrack.report import lead_units, rank_units
from xatrack.roles import Roles


class QuarterPlace(NamedTuple):
    """A lead unit in one quarter: its rates and place as counted (published or computed)."""

    q: int
    rates: score.Rates | None  # None: not in that quarter's published ranking
    place: int | None
    published: bool = False  # taken from the published bulletin of the quarter
    # Recomputing with every entry recorded now (late figures included), where it differs
    # from the published figures: (rates, place); place None when the unit has no place then.
    recomputed: tuple[score.Rates | None, int | None] | None = None


@dataclass(frozen=True)
class UnitYear:
    name: str
    quarters: tuple[QuarterPlace, ...]
    year: score.Rates  # all items of all quarters counted together (published figures where published)
    rank: int
    score: float | None  # weighted score, when settings.ranking sets weights

    def place_in(self, q: int) -> QuarterPlace | None:
        for place in self.quarters:
            if place.q == q:
                return place
        return None


@dataclass(frozen=True)
class Annual:
    year: int
    upto: Quarter
    units: tuple[UnitYear, ...]
    rule: str
    published: tuple[int, ...] = ()  # quarters counted as their published bulletins say
    differing: tuple[int, ...] = ()  # published quarters that recomputing with late figures would change
    as_of: str = ""  # --as-of: only what had been recorded by then counts (as the report shows the time)


def published_rates(unit: dict[str, Any]) -> score.Rates:
    """A lead unit's rates as a published bulletin recorded them (bulletin.record): its
    ``rates`` when the bulletin keeps them, else from its counts and rates."""
    kept = unit.get("rates")
    if isinstance(kept, dict):
        return score.Rates(**{key: int(kept.get(key, 0)) for key in ("total", "green", "timely", "severe", "missing")})
    counts = unit.get("counts") or {}
    total = int(unit.get("total", 0))
    return score.Rates(
        total=total,
        green=int(counts.get(DONE, 0)) + int(counts.get(ON_TRACK, 0)),
        timely=round(float(unit.get("timely_rate", 0.0)) * total),
        severe=int(counts.get(SEVERE, 0)),
        missing=int(counts.get(MISSING, 0)),
    )


def annual(plan: Plan, directory, entries, upto: Quarter, selector=None, roles=None,
           published: dict[int, dict[str, Any]] | None = None) -> Annual:
    """The year up to ``upto``; ``published``: {q: the published bulletin's data} of the
    quarters whose bulletins count as issued (same items selected)."""
    roles = roles or Roles(directory)
    published = published or {}
    weights = plan.settings.ranking_weights
    items = selector.items(plan) if selector is not None else list(plan.items)
    per_quarter: dict[str, list[QuarterPlace]] = {}
    differing = []
    for q in range(1, upto.q + 1):
        quarter = Quarter(upto.year, q)
        statuses = evaluate(plan, entries, quarter, items, roles=roles)
        if selector is not None:
            statuses = selector.select(statuses)
        computed = {row.name: (row.rates, row.rank) for row in rank_units(lead_units(statuses, directory), weights)}
        issued = published.get(q)
        if issued is None:
            for name, (rates, place) in computed.items():
                per_quarter.setdefault(name, []).append(QuarterPlace(q, rates, place))
            continue
        shown = {str(unit["name"]): (published_rates(unit), int(unit["rank"])) for unit in issued.get("units", [])}
        changed = False
        for name in dict.fromkeys([*shown, *computed]):
            rates, place = shown.get(name, (None, None))
            again = computed.get(name, (None, None))
            differs = again != (rates, place)
            changed = changed or differs
            per_quarter.setdefault(name, []).append(QuarterPlace(q, rates, place, True, again if differs else None))
        if changed:
            differing.append(q)
    totals = {}
    for name, quarters in per_quarter.items():
        rates = [p.rates for p in quarters if p.rates is not None]
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
    return Annual(upto.year, upto, units, score.rule_sentence(weights), tuple(sorted(published)), tuple(differing))
