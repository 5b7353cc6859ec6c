"""Small hand-built lakes in the layout of DESIGN section 4, consistent by construction, for
testing each check by breaking one thing at a time."""

from __future__ import annotations

import calendar
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipesteward.checks.inputs import CheckInputs, RunInfo
from pipesteward.metrics.lake import Lake

MONEY = pa.decimal128(18, 2)
VERSIONS = {m: f"lv-{m}-1" for m in ("unit_profit", "aggregate_profit", "daily_growth",
                                     "aggregate_growth", "aggregate_engagement")}
PIPELINES = ("unit_profit", "aggregate_profit", "daily_growth", "aggregate_growth",
             "aggregate_engagement")
AUDIENCE = {"unit_profit": "experiments", "daily_growth": "experiments",
            "aggregate_profit": "investors", "aggregate_growth": "investors",
            "aggregate_engagement": "investors"}
# Wall-clock stand-ins: sources land at T0, models are computed at T1 (file mtimes).
T0 = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def _rate(x, base):  # type: ignore[no-untyped-def]
    return None if base in (None, 0) else x / base - 1


def write(folder: Path, name: str, data: dict, schema: pa.Schema | None = None,
          mtime: datetime = T1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    pq.write_table(pa.table(data, schema=schema), path)
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def source_rows(table: str, d: date) -> dict:  # type: ignore[type-arg]
    """Two rows of the source for day d that meet its contract (users 1 and 2)."""
    noon = datetime(d.year, d.month, d.day, 12)
    loaded = [noon + timedelta(hours=13)] * 2
    if table == "users":
        return {"user_id": [1, 2], "signup_at": [noon] * 2, "country": ["US"] * 2,
                "is_test": [False] * 2, "loaded_at": loaded}
    if table == "events":
        return {"user_id": [1, 2], "event_at": [noon] * 2, "event_type": ["page_view"] * 2,
                "platform": ["web"] * 2, "loaded_at": loaded}
    amount = pa.array([Decimal("10.00")] * 2, MONEY)
    return {"order_id": [d.toordinal() * 10 + 1, d.toordinal() * 10 + 2], "user_id": [1, 2],
            "ordered_at": [noon] * 2, "status": ["completed"] * 2, "revenue": amount,
            "cost_of_goods": amount, "shipping_cost": amount, "payment_fee": amount,
            "refunded_amount": amount, "loaded_at": loaded}


def touch(path: Path, at: datetime) -> None:
    path.touch()
    os.utime(path, (at.timestamp(), at.timestamp()))


@dataclass
class HandLake:
    root: Path
    days: list[date]

    @property
    def lake(self) -> Lake:
        return Lake(self.root)

    def model(self, model: str, key: str) -> Path:
        name = "month" if model == "aggregate_growth" else "date"
        return self.root / "models" / model / f"{name}={key}"

    def rewrite(self, model: str, key: str, **changes: object) -> None:
        """Edit the lake directly: change columns of a model partition's rows."""
        folder = self.model(model, key)
        table = pq.read_table(folder / "part-0.parquet")
        for column, value in changes.items():
            index = table.schema.get_field_index(column)
            field = table.schema.field(index)
            table = table.set_column(index, field, pa.array([value] * len(table),
                                                            type=field.type))
        pq.write_table(table, folder / "part-0.parquet")

    def inputs(self, day: date, *, as_of: datetime | None = None,
               runs: tuple[RunInfo, ...] = (), versions: dict | None = None,
               verify_exports=None) -> CheckInputs:  # type: ignore[no-untyped-def]
        deadline = datetime.combine(day + timedelta(days=1), datetime.min.time(),
                                    tzinfo=UTC) + timedelta(hours=11)
        return CheckInputs(day=day, as_of=as_of or deadline + timedelta(hours=1),
                           deadline=deadline, lake=self.lake, runs=runs,
                           versions=VERSIONS if versions is None else versions,
                           verify_exports=verify_exports)


def build(root: Path, start: date = date(2026, 2, 25), days: int = 8) -> HandLake:
    """Five models and three sources over `days` days from `start` (crossing a month end)."""
    all_days = [start + timedelta(days=i) for i in range(days)]
    total = 100
    previous: dict | None = None
    daily: dict[date, dict] = {}
    for i, d in enumerate(all_days):
        # unit_profit: three paying users
        revenue = [Decimal("10.00") + i, Decimal("20.50"), Decimal("5.25")]
        cost = [Decimal("4.00"), Decimal("7.25") + i, Decimal("6.00")]
        orders = [1, 2, 1]
        up = {"date": [d] * 3, "user_id": [1, 2, 3], "orders": orders,
              "revenue": pa.array(revenue, MONEY), "cost": pa.array(cost, MONEY),
              "profit": pa.array([r - c for r, c in zip(revenue, cost, strict=True)], MONEY),
              "logic_version": [VERSIONS["unit_profit"]] * 3}
        write(root / "models/unit_profit" / f"date={d}", "part-0.parquet", up)
        rsum, csum = sum(revenue), sum(cost)
        write(root / "models/aggregate_profit" / f"date={d}", "part-0.parquet", {
            "date": [d], "orders": [sum(orders)], "paying_users": [3],
            "revenue": pa.array([rsum], MONEY), "cost": pa.array([csum], MONEY),
            "profit": pa.array([rsum - csum], MONEY), "margin": [float((rsum - csum) / rsum)],
            "logic_version": [VERSIONS["aggregate_profit"]]})
        new, active = 3 + i % 3, 40 + i
        total += new
        row = {"date": d, "new_users": new, "total_users": total, "active_users": active,
               "revenue": rsum}
        row["new_users_dod"] = _rate(new, previous["new_users"]) if previous else None
        row["active_users_dod"] = _rate(active, previous["active_users"]) if previous else None
        row["revenue_dod"] = (float(rsum / previous["revenue"] - 1) if previous else None)
        daily[d] = row
        previous = row
        write(root / "models/daily_growth" / f"date={d}", "part-0.parquet", {
            **{k: [v] for k, v in row.items() if k != "revenue"},
            "revenue": pa.array([rsum], MONEY),
            "new_users_dod": pa.array([row["new_users_dod"]], pa.float64()),
            "active_users_dod": pa.array([row["active_users_dod"]], pa.float64()),
            "revenue_dod": pa.array([row["revenue_dod"]], pa.float64()),
            "logic_version": [VERSIONS["daily_growth"]]})
        web, ios, android = active - 10, 12, 8
        write(root / "models/aggregate_engagement" / f"date={d}", "part-0.parquet", {
            "date": [d], "dau": [active], "wau": [active + 20], "mau": [active + 50],
            "stickiness": [active / (active + 50)], "dau_web": [web], "dau_ios": [ios],
            "dau_android": [android], "dau_new": [new], "dau_returning": [active - new],
            "logic_version": [VERSIONS["aggregate_engagement"]]})
        for table in ("orders", "users", "events"):
            folder = root / "sources" / table / f"date={d}"
            write(folder, "part-0.parquet", source_rows(table, d), mtime=T0)
            touch(folder / "_SUCCESS", T0)
    months: dict[str, dict] = {}
    for key in sorted({d.strftime("%Y-%m") for d in all_days}):
        rows = [r for d, r in daily.items() if d.strftime("%Y-%m") == key]
        year, month = (int(x) for x in key.split("-"))
        m = {"month": key, "days": len(rows),
             "complete": len(rows) == calendar.monthrange(year, month)[1],
             "new_users": sum(r["new_users"] for r in rows),
             "total_users": rows[-1]["total_users"],
             "avg_dau": sum(r["active_users"] for r in rows) / len(rows),
             "revenue": sum(r["revenue"] for r in rows)}
        prev = months.get(f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}")
        for rate, base in (("new_users_mom", "new_users"), ("total_users_mom", "total_users"),
                           ("avg_dau_mom", "avg_dau"), ("revenue_mom", "revenue")):
            m[rate] = float(_rate(m[base], prev[base])) if prev else None
        m["revenue_yoy"] = None
        months[key] = m
        write(root / "models/aggregate_growth" / f"month={key}", "part-0.parquet", {
            **{k: [v] for k, v in m.items() if k not in ("revenue",) and not k.endswith(
                ("_mom", "_yoy"))},
            "revenue": pa.array([m["revenue"]], MONEY),
            **{k: pa.array([v], pa.float64()) for k, v in m.items() if k.endswith(
                ("_mom", "_yoy"))},
            "logic_version": [VERSIONS["aggregate_growth"]]})
    return HandLake(root, all_days)
