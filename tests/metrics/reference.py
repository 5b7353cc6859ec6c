"""An independent computation of the five models in pandas, straight from the sources.

Written from DESIGN section 4, not from the SQL: loops over days and Python sets where that
is the plainest reading of the definition. Reporting time zone: UTC.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ACTIVE = {"session_start", "page_view", "purchase"}
ZERO = Decimal("0.00")


def read_source(lake: Path, table: str) -> pd.DataFrame:
    files = sorted((lake / "sources" / table).glob("date=*/*.parquet"))
    tables = [pq.read_table(f) for f in files]
    tables = [t.cast(pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type)
                                else f for f in t.schema])) for t in tables]
    return pa.concat_tables(tables).to_pandas(types_mapper=None)


class Reference:
    def __init__(self, lake: Path):
        users = read_source(lake, "users").sort_values("loaded_at")
        users = users.drop_duplicates("user_id", keep="last")
        self.qualifying = users[~users.is_test.astype(bool)].copy()
        self.qualifying["signup_day"] = self.qualifying.signup_at.dt.date
        q_ids = set(self.qualifying.user_id)
        orders = read_source(lake, "orders").sort_values("loaded_at")
        orders = orders.drop_duplicates("order_id", keep="last")
        orders = orders[(orders.status == "completed") & orders.user_id.isin(q_ids)].copy()
        orders["day"] = orders.ordered_at.dt.date
        orders["cost"] = [a + b + c + d for a, b, c, d in zip(
            orders.cost_of_goods, orders.shipping_cost, orders.payment_fee,
            orders.refunded_amount, strict=True)]
        orders["profit"] = [r - c for r, c in zip(orders.revenue, orders.cost, strict=True)]
        self.orders = orders
        events = read_source(lake, "events")
        events = events[events.event_type.isin(ACTIVE) & events.user_id.isin(q_ids)].copy()
        events["day"] = events.event_at.dt.date
        self.active = events[["user_id", "day", "platform"]].drop_duplicates()
        self.active_by_day = {d: set(g.user_id) for d, g in self.active.groupby("day")}

    # ------------------------------------------------------------------ models
    def unit_profit(self, start: date, end: date) -> list[dict]:
        o = self.orders[(self.orders.day >= start) & (self.orders.day <= end)]
        g = o.groupby(["day", "user_id"]).agg(
            orders=("order_id", "size"), revenue=("revenue", "sum"), cost=("cost", "sum"),
            profit=("profit", "sum"))
        rows = [{"date": day, "user_id": int(user), "orders": int(r.orders),
                 "revenue": r.revenue, "cost": r.cost, "profit": r.profit}
                for (day, user), r in g.iterrows()]
        return sorted(rows, key=lambda r: (r["date"], r["user_id"]))

    def aggregate_profit(self, start: date, end: date) -> list[dict]:
        rows = []
        for day in days(start, end):
            g = self.orders[self.orders.day == day]
            revenue, profit = sum(g.revenue, ZERO), sum(g.profit, ZERO)
            rows.append({"date": day, "orders": len(g), "paying_users": g.user_id.nunique(),
                         "revenue": revenue, "cost": sum(g.cost, ZERO), "profit": profit,
                         "margin": float(profit) / float(revenue) if revenue else None})
        return rows

    def _day_figures(self, day: date) -> dict:
        q = self.qualifying
        return {
            "new_users": int((q.signup_day == day).sum()),
            "total_users": int((q.signup_day <= day).sum()),
            "active_users": len(self.active_by_day.get(day, set())),
            "revenue": sum(self.orders[self.orders.day == day].revenue, ZERO),
        }

    def daily_growth(self, start: date, end: date) -> list[dict]:
        rows = []
        for day in days(start, end):
            now, before = self._day_figures(day), self._day_figures(day - timedelta(days=1))
            row = {"date": day, **now}
            for k in ("new_users", "active_users", "revenue"):
                row[f"{k}_dod"] = rate(now[k], before[k])
            rows.append(row)
        return rows

    def aggregate_growth(self, start: date, end: date) -> list[dict]:
        daily = pd.DataFrame(self.daily_growth(start, end))
        daily["month"] = [d.strftime("%Y-%m") for d in daily.date]
        months = {}
        for month, g in daily.groupby("month"):
            first = g.date.min().replace(day=1)
            length = ((first + timedelta(days=32)).replace(day=1) - first).days
            months[month] = {
                "month": month, "days": len(g), "complete": len(g) == length,
                "new_users": int(g.new_users.sum()),
                "total_users": int(g.sort_values("date").total_users.iloc[-1]),
                "avg_dau": float(g.active_users.mean()), "revenue": sum(g.revenue, ZERO),
            }
        rows = []
        for month, m in sorted(months.items()):
            y, mo = int(month[:4]), int(month[5:])
            prev = months.get(f"{y - (mo == 1):04d}-{12 if mo == 1 else mo - 1:02d}")
            year_ago = months.get(f"{y - 1:04d}-{mo:02d}")
            row = dict(m)
            for k in ("new_users", "total_users", "avg_dau", "revenue"):
                row[f"{k}_mom"] = rate(m[k], prev[k]) if prev else None
            row["revenue_yoy"] = rate(m["revenue"], year_ago["revenue"]) if year_ago else None
            rows.append(row)
        return rows

    def aggregate_engagement(self, start: date, end: date) -> list[dict]:
        q = self.qualifying.set_index("user_id").signup_day
        rows = []
        for day in days(start, end):
            dau = self.active_by_day.get(day, set())
            week = set().union(*(self.active_by_day.get(day - timedelta(days=i), set())
                                 for i in range(7)))
            month = set().union(*(self.active_by_day.get(day - timedelta(days=i), set())
                                  for i in range(30)))
            on_day = self.active[self.active.day == day]
            row = {"date": day, "dau": len(dau), "wau": len(week), "mau": len(month),
                   "stickiness": len(dau) / len(month) if month else None}
            for p in ("web", "ios", "android"):
                row[f"dau_{p}"] = on_day[on_day.platform == p].user_id.nunique()
            row["dau_new"] = sum(1 for u in dau if q[u] == day)
            row["dau_returning"] = sum(1 for u in dau if q[u] < day)
            rows.append(row)
        return rows


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def rate(now, before):  # type: ignore[no-untyped-def]
    """x(d) / x(d-1) - 1; None when the base is 0 or missing (DESIGN section 4)."""
    if before is None or before == 0:
        return None
    return float(now) / float(before) - 1
