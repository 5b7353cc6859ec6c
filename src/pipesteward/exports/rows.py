"""The investor metrics of a day, as export units in one canonical long format.

A unit is one period at one grain: the day (aggregate_profit, aggregate_engagement) or the
day's month to date (aggregate_growth). Rows are `grain, period, pipeline, metric, value,
logic_version`, sorted by pipeline and metric; their canonical CSV's SHA-256 is the unit's
checksum, the same for every target.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pipesteward.checks.figures import num
from pipesteward.errors import RunFailed
from pipesteward.metrics.lake import Lake

COLUMNS = ("grain", "period", "pipeline", "metric", "value", "logic_version")

# What investors get, per pipeline (DESIGN section 6: revenue, profit, margin, new/total users,
# avg DAU, MAU, stickiness, growth rates).
METRICS: dict[str, tuple[str, ...]] = {
    "aggregate_profit": ("orders", "paying_users", "revenue", "cost", "profit", "margin"),
    "aggregate_engagement": ("dau", "wau", "mau", "stickiness", "dau_web", "dau_ios",
                             "dau_android", "dau_new", "dau_returning"),
    "aggregate_growth": ("days", "complete", "new_users", "total_users", "avg_dau", "revenue",
                         "new_users_mom", "total_users_mom", "avg_dau_mom", "revenue_mom",
                         "revenue_yoy"),
}
INPUTS = tuple(METRICS)  # the models an export reads: its checks must pass


Row = tuple[str, str, str, str, float | None, str]


# A small value with derived properties; its shape is alike other such records by nature.
@dataclass(frozen=True)
class Unit:
    grain: str  # "day" | "month"
    period: str  # YYYY-MM-DD | YYYY-MM
    rows: tuple[Row, ...]

    @property
    def csv(self) -> bytes:
        return canonical_csv(self.rows)

    @property
    def checksum(self) -> str:
        return sha256(self.csv)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fmt(value: float | None) -> str:
    # + 0.0 turns -0.0 into 0.0: SQL targets do not keep the sign of zero.
    return "" if value is None else repr(float(value) + 0.0)


def canonical_csv(rows: Iterable[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for grain, period, pipeline, metric, value, version in sorted(
        rows, key=lambda r: (str(r[2]), str(r[3]))
    ):
        writer.writerow([grain, period, pipeline, metric,
                         fmt(num(value)), "" if version is None else version])
    return buf.getvalue().encode()


def _unit(lake: Lake, grain: str, period: str, pipelines: Sequence[str], day: date) -> Unit:
    rows: list[Row] = []
    for pipeline in pipelines:
        found = lake.model_partition(pipeline, period)
        if not found:
            raise RunFailed(
                f"no {pipeline} output for {period}; nothing to export. Run "
                f"`steward run --date {day.isoformat()}` first."
            )
        record = found[0]
        version = str(record.get("logic_version") or "")
        for metric in METRICS[pipeline]:
            rows.append((grain, period, pipeline, metric, num(record.get(metric)), version))
    rows.sort(key=lambda r: (r[2], r[3]))
    return Unit(grain, period, tuple(rows))


def investor_units(lake: Lake, day: date) -> list[Unit]:
    """The day's unit and its month's unit (month to date)."""
    return [
        _unit(lake, "day", day.isoformat(), ("aggregate_engagement", "aggregate_profit"), day),
        _unit(lake, "month", day.strftime("%Y-%m"), ("aggregate_growth",), day),
    ]
