"""Charts of a pipeline's metrics over time, as Plotly figures (plain JSON for Plotly.js).

Which metrics each pipeline charts is a named value; unit_profit (one row per user and day)
is charted as its daily sums."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

# pipeline -> [(title, the time column, [metrics])]
CHARTS: dict[str, list[tuple[str, str, list[str]]]] = {
    "aggregate_profit": [("Revenue, cost and profit per day", "date",
                          ["revenue", "cost", "profit"]),
                         ("Margin", "date", ["margin"])],
    "aggregate_growth": [("Revenue per month", "month", ["revenue"]),
                         ("Users per month", "month", ["total_users", "new_users", "avg_dau"]),
                         ("Month over month", "month", ["revenue_mom", "avg_dau_mom"])],
    "aggregate_engagement": [("Active users", "date", ["dau", "wau", "mau"]),
                             ("Stickiness (DAU / MAU)", "date", ["stickiness"]),
                             ("DAU by platform", "date", ["dau_web", "dau_ios", "dau_android"])],
    "daily_growth": [("Users per day", "date", ["new_users", "active_users"]),
                     ("Revenue per day", "date", ["revenue"])],
    "unit_profit": [("Daily sums over paying users", "date", ["users", "profit"])],
}


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


def _unit_sums(series: dict[str, list[Any]]) -> dict[str, list[Any]]:
    users: dict[Any, int] = defaultdict(int)
    profit: dict[Any, float] = defaultdict(float)
    for d, p in zip(series.get("date", []), series.get("profit", []), strict=False):
        users[d] += 1
        profit[d] += float(p or 0)
    days = sorted(users)
    return {"date": days, "users": [users[d] for d in days],
            "profit": [round(profit[d], 2) for d in days]}


def charts_of(pipeline: str, series: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """One figure per chart, with a trace per metric; none when the lake has no rows yet."""
    if pipeline == "unit_profit":
        series = _unit_sums(series)
    out: list[dict[str, Any]] = []
    for title, x, metrics in CHARTS.get(pipeline, []):
        if not series.get(x):
            continue
        xs = [_plain(v) for v in series[x]]
        traces = [{"type": "scatter", "mode": "lines", "name": m, "x": xs,
                   "y": [_plain(v) for v in series[m]]} for m in metrics if m in series]
        out.append({"id": f"chart-{pipeline}-{len(out)}", "title": title, "data": traces,
                    "layout": {"title": {"text": title}, "autosize": True, "height": 320,
                               "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
                               "legend": {"orientation": "h"}}})
    return out
