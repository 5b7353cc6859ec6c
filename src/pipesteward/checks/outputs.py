"""output.invariants: every investor row meets its invariants before it is exported
(DESIGN section 5): profit = revenue - cost to the cent, counts whole and non-negative, rates
finite or NULL, and no day at zero while its sources were not empty."""

from __future__ import annotations

import math
from typing import Any

from pipesteward.checks import commands
from pipesteward.checks.inputs import CheckInputs
from pipesteward.checks.profit import partition_key
from pipesteward.checks.result import Outcome, skipped

COUNTS = {
    "aggregate_profit": ("orders", "paying_users"),
    "aggregate_engagement": ("dau", "wau", "mau", "dau_web", "dau_ios", "dau_android",
                             "dau_new", "dau_returning"),
    "aggregate_growth": ("days", "new_users", "total_users"),
}
RATES = {
    "aggregate_profit": ("margin",),
    "aggregate_engagement": ("stickiness",),
    "aggregate_growth": ("avg_dau", "new_users_mom", "total_users_mom", "avg_dau_mom",
                         "revenue_mom", "revenue_yoy"),
}
# A day whose measure is 0 while the source it counts had rows: silently zero.
ZERO = {"aggregate_profit": ("orders", "orders"), "aggregate_engagement": ("dau", "events")}


def _problems(pipeline: str, row: dict[str, Any]) -> list[str]:
    out = []
    for c in COUNTS[pipeline]:
        v = row.get(c)
        if v is None or isinstance(v, bool) or float(v) < 0 or float(v) != int(float(v)):
            out.append(f"{c} = {v!r} is not a non-negative whole number")
    for c in RATES[pipeline]:
        rate = row.get(c)
        if rate is not None and not math.isfinite(float(rate)):
            out.append(f"{c} = {rate!r} is not finite (a rate is a number or NULL)")
    if pipeline == "aggregate_profit":
        revenue, cost, profit = (row.get(c) for c in ("revenue", "cost", "profit"))
        if None in (revenue, cost, profit):
            out.append(f"revenue, cost and profit must be set (got {revenue}, {cost}, "
                       f"{profit})")
        elif abs(round(float(revenue) - float(cost), 2)  # type: ignore[arg-type]
                 - float(profit)) >= 0.005:  # type: ignore[arg-type]
            out.append(f"profit {profit} is not revenue - cost = {revenue} - {cost}")
    return out


def invariants(inputs: CheckInputs, pipeline: str) -> Outcome:
    d = inputs.day
    key = partition_key(pipeline, d)
    rows = inputs.lake.model_partition(pipeline, key)
    if rows is None:
        return skipped(f"{pipeline} {key}", key)
    problems = [p for r in rows for p in _problems(pipeline, r)]
    if pipeline in ZERO and inputs.quality is not None:
        column, table = ZERO[pipeline]
        profile = inputs.quality.profile(table, d)
        if profile is not None and profile.rows and rows and not rows[0].get(column):
            problems.append(f"{column} is 0 while sources/{table}/date={d} has "
                            f"{profile.rows} rows")
    figures = {"rows": len(rows), "problems": problems}
    if not problems:
        return Outcome(True, f"every {pipeline} row of {key} meets its invariants", figures,
                       key)
    return Outcome(False, f"{pipeline} {key} breaks its invariants: {'; '.join(problems)}. "
                   "Nothing of it is exported. Look for a source problem first (`"
                   f"{commands.check(d)}`), then recompute with `{commands.run(d, [pipeline])}`.",
                   figures, key)
