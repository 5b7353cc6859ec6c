"""The floor: the least work any implementation of the five models must do over a range.

One scan of the source columns the models need (users: user_id, signup_at, is_test, loaded_at;
orders: order_id, user_id, ordered_at, status, the money columns, loaded_at; events: user_id,
event_at, event_type, platform) and the one essential distinct pass: the active user-days with
their platforms (`GROUP BY user_id, day` with a platform bit mask), which DAU, WAU, MAU and
active_users all need. It writes nothing; a pipeline's ratio to it is its overhead.

    python -m bench.floor --lake LAKE --start 2025-01-01 --end 2025-01-31
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import duckdb

from bench.handwritten import _src


def statements(lake: Path, start: dt.date, end: dt.date) -> dict[str, str]:
    """One query per source; each reads every column the models use (max() keeps them read)."""
    e = f"DATE '{end}'"
    p = f"DATE '{start - dt.timedelta(days=1)}'"   # the day-over-day rates read the day before
    w = f"DATE '{start - dt.timedelta(days=29)}'"  # the engagement window of the first day
    return {
        "users": f"""SELECT count(*), max(user_id), max(signup_at), bool_or(is_test),
                            max(loaded_at)
                     FROM {_src(lake, 'users')} WHERE date <= {e}""",
        "orders": f"""SELECT count(*), max(order_id), max(user_id), max(ordered_at), max(status),
                             max(revenue), max(cost_of_goods), max(shipping_cost),
                             max(payment_fee), max(refunded_amount), max(loaded_at)
                      FROM {_src(lake, 'orders')} WHERE date BETWEEN {p} AND {e}""",
        "active user-days": f"""SELECT count(*), sum(platforms) FROM (
                SELECT user_id, CAST(event_at AS DATE) AS day,
                       bit_or(CASE platform WHEN 'web' THEN 1 WHEN 'ios' THEN 2
                              WHEN 'android' THEN 4 ELSE 0 END) AS platforms
                FROM {_src(lake, 'events')}
                WHERE date BETWEEN {w} AND {e}
                  AND event_type IN ('session_start', 'page_view', 'purchase')
                GROUP BY ALL)""",
    }


def run(lake: Path, start: dt.date, end: dt.date) -> dict[str, tuple]:
    con = duckdb.connect()
    out = {name: con.execute(sql).fetchone() or () for name, sql in
           statements(lake, start, end).items()}
    con.close()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--start", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--end", type=dt.date.fromisoformat, required=True)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    rows = run(a.lake, a.start, a.end)
    counts = ", ".join(f"{name}: {r[0]:,}" for name, r in rows.items())
    print(f"floor: {a.start}..{a.end} in {time.perf_counter() - t0:.2f}s ({counts} rows)")


if __name__ == "__main__":
    main()
