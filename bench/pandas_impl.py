"""The baseline the team has today: a straightforward pandas script for the five outputs.

Same outputs, layout and choices as `bench.handwritten` (see its docstring), written the way a
pandas script usually is: read the needed columns of the date range with `pd.read_parquet`,
money as floats, groupby/merge per output, and a loop over the days for WAU/MAU.

    python -m bench.pandas_impl --lake LAKE --start 2025-01-01 --end 2025-03-31 --out DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

MODELS = ("unit_profit", "aggregate_profit", "daily_growth", "aggregate_growth",
          "aggregate_engagement")
MONEY = ["revenue", "cost_of_goods", "shipping_cost", "payment_fee", "refunded_amount"]


def _read(lake: Path, table: str, columns: list[str], lo: dt.date | None, hi: dt.date):
    filters = [("date", "<=", hi.isoformat())]
    if lo is not None:
        filters.append(("date", ">=", lo.isoformat()))
    return pd.read_parquet(
        lake / "sources" / table, columns=columns, filters=filters, engine="pyarrow"
    )


def _rate(x: pd.Series, base) -> pd.Series:
    base = pd.Series(np.asarray(base, dtype="float64"), index=x.index)
    return (x.astype("float64") / base.where(base != 0)) - 1


def compute(lake: Path, start: dt.date, end: dt.date) -> dict[str, pd.DataFrame]:
    prev = start - dt.timedelta(days=1)
    window = start - dt.timedelta(days=29)
    s, e, p, w = (pd.Timestamp(x) for x in (start, end, prev, window))

    users = _read(lake, "users", ["user_id", "signup_at", "is_test", "loaded_at"], None, end)
    users = users.sort_values("loaded_at").drop_duplicates("user_id", keep="last")
    users = users[users["is_test"] == False]  # noqa: E712 (NULL is not qualifying)
    users["signup_day"] = users["signup_at"].dt.floor("D")
    users = users[users["signup_day"] <= e][["user_id", "signup_day"]]

    orders = _read(lake, "orders", ["order_id", "user_id", "ordered_at", "status", "loaded_at",
                                    *MONEY], prev, end)
    orders = orders.sort_values("loaded_at").drop_duplicates("order_id", keep="last")
    orders = orders[orders["status"] == "completed"]
    for c in MONEY:
        orders[c] = orders[c].astype("float64")
    orders["day"] = orders["ordered_at"].dt.floor("D")
    orders = orders[(orders["day"] >= p) & (orders["day"] <= e)]
    orders = orders.merge(users[["user_id"]], on="user_id")
    orders["cost"] = (orders["cost_of_goods"] + orders["shipping_cost"] + orders["payment_fee"]
                      + orders["refunded_amount"])
    orders["profit"] = orders["revenue"] - orders["cost"]

    events = _read(lake, "events", ["user_id", "event_at", "event_type", "platform"], window, end)
    events = events[events["event_type"].isin(["session_start", "page_view", "purchase"])]
    events["day"] = events["event_at"].dt.floor("D")
    events = events[(events["day"] >= w) & (events["day"] <= e)]
    events = events[events["user_id"].isin(users["user_id"])]
    active = events[["user_id", "day", "platform"]].drop_duplicates()
    del events
    user_days = active[["user_id", "day"]].drop_duplicates()

    days = pd.DataFrame({"day": pd.date_range(p, e, freq="D")})
    in_range = (days["day"] >= s).to_numpy()

    # unit_profit
    o = orders[orders["day"] >= s]
    unit = (o.groupby(["day", "user_id"], as_index=False)
            .agg(orders=("revenue", "size"), revenue=("revenue", "sum"),
                 cost=("cost", "sum"), profit=("profit", "sum"))
            .rename(columns={"day": "date"}))

    # aggregate_profit
    agg = o.groupby("day", as_index=False).agg(
        orders=("revenue", "size"), paying_users=("user_id", "nunique"),
        revenue=("revenue", "sum"), cost=("cost", "sum"), profit=("profit", "sum"))
    agg = days[in_range].merge(agg, on="day", how="left")
    agg[["orders", "paying_users"]] = agg[["orders", "paying_users"]].fillna(0).astype("int64")
    agg[["revenue", "cost", "profit"]] = agg[["revenue", "cost", "profit"]].fillna(0.0)
    agg["margin"] = agg["profit"] / agg["revenue"].where(agg["revenue"] != 0)
    aggregate_profit = agg.rename(columns={"day": "date"})

    # daily_growth
    new = users.groupby("signup_day").size().rename("new_users")
    before = int((users["signup_day"] < p).sum())
    g = days.set_index("day")
    g["new_users"] = new.reindex(g.index).fillna(0).astype("int64")
    g["total_users"] = before + g["new_users"].cumsum()
    g["active_users"] = (user_days.groupby("day").size().reindex(g.index)
                         .fillna(0).astype("int64"))
    g["revenue"] = orders.groupby("day")["revenue"].sum().reindex(g.index).fillna(0.0)
    for col in ("new_users", "active_users", "revenue"):
        g[f"{col}_dod"] = _rate(g[col], g[col].shift(1))
    daily_growth = g[in_range].reset_index().rename(columns={"day": "date"})

    # aggregate_growth
    dg = daily_growth.copy()
    dg["month"] = dg["date"].dt.strftime("%Y-%m")
    m = dg.sort_values("date").groupby("month").agg(
        first=("date", "min"), days=("date", "size"), new_users=("new_users", "sum"),
        total_users=("total_users", "last"), avg_dau=("active_users", "mean"),
        revenue=("revenue", "sum"))
    m["complete"] = m["days"] == m["first"].dt.days_in_month
    m["m0"] = m["first"].dt.to_period("M")
    by_period = m.set_index("m0")
    for col in ("new_users", "total_users", "avg_dau", "revenue"):
        m[f"{col}_mom"] = _rate(m[col], by_period[col].reindex(m["m0"] - 1).to_numpy())
    m["revenue_yoy"] = _rate(m["revenue"], by_period["revenue"].reindex(m["m0"] - 12).to_numpy())
    aggregate_growth = m.reset_index()[[
        "month", "days", "complete", "new_users", "total_users", "avg_dau", "revenue",
        "new_users_mom", "total_users_mom", "avg_dau_mom", "revenue_mom", "revenue_yoy"]]

    # aggregate_engagement: DAU by day, WAU/MAU by a loop over the days
    users_by_day = {d: grp.to_numpy() for d, grp in user_days.groupby("day")["user_id"]}
    rows = []
    signup = users.set_index("user_id")["signup_day"]
    plat = active.groupby(["day", "platform"]).size().unstack(fill_value=0)
    for d in pd.date_range(s, e, freq="D"):
        today = users_by_day.get(d, np.array([], dtype="int64"))
        week = [users_by_day.get(d - pd.Timedelta(days=k)) for k in range(7)]
        month = [users_by_day.get(d - pd.Timedelta(days=k)) for k in range(30)]
        wau = len(np.unique(np.concatenate([x for x in week if x is not None] or [today])))
        mau = len(np.unique(np.concatenate([x for x in month if x is not None] or [today])))
        su = signup.reindex(today).to_numpy()
        row = {"date": d, "dau": len(today), "wau": wau, "mau": mau,
               "stickiness": len(today) / mau if mau else np.nan,
               "dau_new": int((su == d).sum()), "dau_returning": int((su < d).sum())}
        for pf in ("web", "ios", "android"):
            row[f"dau_{pf}"] = int(plat.at[d, pf]) if (d in plat.index and pf in plat) else 0
        rows.append(row)
    aggregate_engagement = pd.DataFrame(rows)[[
        "date", "dau", "wau", "mau", "stickiness", "dau_web", "dau_ios", "dau_android",
        "dau_new", "dau_returning"]]

    out = {"unit_profit": unit, "aggregate_profit": aggregate_profit,
           "daily_growth": daily_growth, "aggregate_growth": aggregate_growth,
           "aggregate_engagement": aggregate_engagement}
    for df in out.values():
        if "date" in df:
            df["date"] = df["date"].dt.date.astype("str")
    return out


def run(lake: Path, start: dt.date, end: dt.date, out: Path) -> None:
    frames = compute(lake, start, end)
    out.mkdir(parents=True, exist_ok=True)
    for model, df in frames.items():
        target = out / model
        if target.exists():
            shutil.rmtree(target)
        key = "month" if model == "aggregate_growth" else "date"
        df.to_parquet(target, partition_cols=[key], index=False)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.pandas_impl", description=__doc__)
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--start", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--end", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    run(a.lake, a.start, a.end, a.out)
    print(f"pandas: {a.start}..{a.end} in {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main()
