"""Read the five outputs back from a Hive-partitioned folder and compare two sets of them.

Used by the bench (do the implementations agree at the benchmarked size?) and by its test.
Values are compared as numbers with a tolerance (money as floats, to the cent), NULL against
NULL, row for row after sorting by each output's key. `logic_version` is not compared.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pandas as pd

MODELS = ("unit_profit", "aggregate_profit", "daily_growth", "aggregate_growth",
          "aggregate_engagement")
KEYS = {"unit_profit": ["date", "user_id"], "aggregate_growth": ["month"]}
COLUMNS = {
    "unit_profit": ["date", "user_id", "orders", "revenue", "cost", "profit"],
    "aggregate_profit": ["date", "orders", "paying_users", "revenue", "cost", "profit", "margin"],
    "daily_growth": ["date", "new_users", "total_users", "active_users", "revenue",
                     "new_users_dod", "active_users_dod", "revenue_dod"],
    "aggregate_growth": ["month", "days", "complete", "new_users", "total_users", "avg_dau",
                         "revenue", "new_users_mom", "total_users_mom", "avg_dau_mom",
                         "revenue_mom", "revenue_yoy"],
    "aggregate_engagement": ["date", "dau", "wau", "mau", "stickiness", "dau_web", "dau_ios",
                             "dau_android", "dau_new", "dau_returning"],
}


def load(root: Path, model: str, start: dt.date | None = None,
         end: dt.date | None = None) -> pd.DataFrame:
    """One output as a DataFrame: its columns in DESIGN order, sorted by its key."""
    glob = (root / model / "*" / "*.parquet").as_posix().replace("'", "''")
    con = duckdb.connect()
    rel = con.sql(
        f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true, union_by_name = true)"
    )
    df = rel.df()
    con.close()
    key = "month" if model == "aggregate_growth" else "date"
    df[key] = df[key].astype("str").str.slice(0, 10 if key == "date" else 7)
    if start is not None and end is not None:
        lo, hi = (start.isoformat(), end.isoformat())
        if key == "month":
            lo, hi = lo[:7], hi[:7]
        df = df[(df[key] >= lo) & (df[key] <= hi)]
    cols = COLUMNS[model]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{root / model}: missing columns {missing}")
    return df[cols].sort_values(KEYS.get(model, ["date"])).reset_index(drop=True)


def _same(a: object, b: object, rel: float, abs_: float) -> bool:
    a_null = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    b_null = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if a_null or b_null:
        return a_null and b_null
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)  # type: ignore[arg-type]


def diff(a: pd.DataFrame, b: pd.DataFrame, *, rel: float = 1e-9, abs_: float = 0.006,
         limit: int = 10) -> list[str]:
    """Differences between two loaded outputs (empty when they agree)."""
    problems: list[str] = []
    if len(a) != len(b):
        problems.append(f"{len(a)} rows vs {len(b)} rows")
        key = a.columns[0]
        only_a = sorted(set(a[key]) - set(b[key]))[:5]
        only_b = sorted(set(b[key]) - set(a[key]))[:5]
        if only_a or only_b:
            problems.append(f"{key} only in first: {only_a}, only in second: {only_b}")
        return problems
    for col in a.columns:
        for i, (x, y) in enumerate(zip(a[col].tolist(), b[col].tolist(), strict=True)):
            if not _same(x, y, rel, abs_):
                problems.append(f"row {i} ({a.iloc[i, 0]}) {col}: {x!r} vs {y!r}")
                if len(problems) >= limit:
                    return problems
    return problems


def compare(first: Path, second: Path, start: dt.date | None = None,
            end: dt.date | None = None) -> dict[str, list[str]]:
    """Differences per model between two output folders (models with none are omitted)."""
    out: dict[str, list[str]] = {}
    for model in MODELS:
        try:
            problems = diff(load(first, model, start, end), load(second, model, start, end))
        except (duckdb.Error, ValueError) as e:
            problems = [str(e).splitlines()[0]]
        if problems:
            out[model] = problems
    return out
