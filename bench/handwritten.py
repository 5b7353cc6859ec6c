"""The baseline a data team would write by hand: set-based DuckDB SQL over the Parquet lake.

It computes the five outputs of DESIGN section 4 for a date range straight from
`<lake>/sources/<table>/date=*/*.parquet` and writes them as Hive-partitioned Parquet under
`<out>/<model>/date=YYYY-MM-DD/` (aggregate_growth: `month=YYYY-MM/`). It is written
independently of the project's model SQL, so that the two can check each other. It has no
`logic_version` column (that is the project's bookkeeping, not a metric).

Choices where DESIGN leaves room (the same in `bench.pandas_impl`):
- the reporting day of a timestamp is its UTC date (the example team's `reporting.timezone`);
- a user or an order delivered more than once (same id) counts once, as its latest load;
- daily outputs (aggregate_profit, daily_growth, aggregate_engagement) have one row for every
  day of the range, zero counts and sums when nothing happened, rates NULL when their base is
  0 or missing; unit_profit has rows only for users with a completed order that day;
- aggregate_growth covers the months that intersect the range, from the range's daily rows;
- WAU/MAU are computed set-based from each user's active days (a user is counted on day d when
  one of their active days lies in [d-6, d] or [d-29, d]), not by a 30-fold range join.

    python -m bench.handwritten --lake LAKE --start 2025-01-01 --end 2025-03-31 --out DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import time
from pathlib import Path

import duckdb

MODELS = ("unit_profit", "aggregate_profit", "daily_growth", "aggregate_growth",
          "aggregate_engagement")


def _src(lake: Path, table: str) -> str:
    glob = (lake / "sources" / table / "date=*" / "*.parquet").as_posix().replace("'", "''")
    return f"read_parquet('{glob}', hive_partitioning = true)"


def statements(lake: Path, start: dt.date, end: dt.date) -> list[str]:
    """The SQL, in order: temp tables, then one final SELECT per model (named `out_<model>`)."""
    s, e = f"DATE '{start}'", f"DATE '{end}'"
    p = f"DATE '{start - dt.timedelta(days=1)}'"   # the day before: dod rates
    w = f"DATE '{start - dt.timedelta(days=29)}'"  # the engagement window's first day
    return [
        # a user or order delivered more than once counts once: its latest load wins
        f"""CREATE TEMP TABLE q_users AS
            SELECT user_id, signup_day FROM (
                SELECT user_id, arg_max(CAST(signup_at AS DATE), loaded_at) AS signup_day,
                       arg_max(is_test, loaded_at) AS is_test
                FROM {_src(lake, 'users')} WHERE date <= {e} GROUP BY user_id)
            WHERE is_test = false AND signup_day <= {e}""",
        f"""CREATE TEMP TABLE calendar AS
            SELECT CAST(d AS DATE) AS day FROM range({p}, {e} + 1, INTERVAL 1 DAY) t(d)""",
        f"""CREATE TEMP TABLE day_orders AS
            SELECT CAST(o.ordered_at AS DATE) AS day, o.user_id, o.revenue,
                   o.cost_of_goods + o.shipping_cost + o.payment_fee + o.refunded_amount AS cost
            FROM (SELECT * FROM {_src(lake, 'orders')} WHERE date BETWEEN {p} AND {e}
                  QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY loaded_at DESC) = 1
                 ) o
            JOIN q_users u ON u.user_id = o.user_id
            WHERE o.status = 'completed' AND CAST(o.ordered_at AS DATE) BETWEEN {p} AND {e}""",
        f"""CREATE TEMP TABLE active AS
            SELECT DISTINCT ev.user_id, CAST(ev.event_at AS DATE) AS day, ev.platform
            FROM {_src(lake, 'events')} ev
            WHERE ev.date BETWEEN {w} AND {e}
              AND ev.event_type IN ('session_start', 'page_view', 'purchase')
              AND CAST(ev.event_at AS DATE) BETWEEN {w} AND {e}
              AND ev.user_id IN (SELECT user_id FROM q_users)""",
        """CREATE TEMP TABLE user_days AS SELECT DISTINCT user_id, day FROM active""",
        # ---------------------------------------------------------------- unit_profit
        f"""CREATE TEMP TABLE out_unit_profit AS
            SELECT day AS date, user_id, count(*) AS orders, sum(revenue) AS revenue,
                   sum(cost) AS cost, sum(revenue - cost) AS profit
            FROM day_orders WHERE day BETWEEN {s} AND {e}
            GROUP BY day, user_id""",
        # ---------------------------------------------------------------- aggregate_profit
        f"""CREATE TEMP TABLE out_aggregate_profit AS
            WITH per_day AS (
                SELECT day, count(*) AS orders, count(DISTINCT user_id) AS paying_users,
                       sum(revenue) AS revenue, sum(cost) AS cost, sum(revenue - cost) AS profit
                FROM day_orders WHERE day BETWEEN {s} AND {e} GROUP BY day)
            SELECT c.day AS date, coalesce(orders, 0) AS orders,
                   coalesce(paying_users, 0) AS paying_users,
                   coalesce(revenue, 0) AS revenue, coalesce(cost, 0) AS cost,
                   coalesce(profit, 0) AS profit,
                   CAST(profit AS DOUBLE) / nullif(CAST(revenue AS DOUBLE), 0) AS margin
            FROM calendar c LEFT JOIN per_day USING (day)
            WHERE c.day BETWEEN {s} AND {e}""",
        # ---------------------------------------------------------------- daily_growth
        f"""CREATE TEMP TABLE out_daily_growth AS
            WITH new AS (SELECT signup_day AS day, count(*) AS n FROM q_users
                         WHERE signup_day >= {p} GROUP BY ALL),
                 before AS (SELECT count(*) AS n FROM q_users WHERE signup_day < {p}),
                 act AS (SELECT day, count(*) AS n FROM user_days WHERE day >= {p} GROUP BY ALL),
                 rev AS (SELECT day, sum(revenue) AS r FROM day_orders GROUP BY ALL),
                 g AS (
                    SELECT c.day, coalesce(new.n, 0) AS new_users,
                           (SELECT n FROM before)
                             + sum(coalesce(new.n, 0)) OVER (ORDER BY c.day) AS total_users,
                           coalesce(act.n, 0) AS active_users,
                           coalesce(rev.r, 0) AS revenue
                    FROM calendar c LEFT JOIN new USING (day) LEFT JOIN act USING (day)
                    LEFT JOIN rev USING (day)),
                 r AS (
                    SELECT *, lag(new_users) OVER w AS new_prev,
                           lag(active_users) OVER w AS active_prev,
                           lag(revenue) OVER w AS revenue_prev
                    FROM g WINDOW w AS (ORDER BY day))
            SELECT day AS date, new_users, CAST(total_users AS BIGINT) AS total_users,
                   active_users, revenue,
                   new_users / nullif(new_prev, 0) - 1 AS new_users_dod,
                   active_users / nullif(active_prev, 0) - 1 AS active_users_dod,
                   CAST(revenue AS DOUBLE) / nullif(CAST(revenue_prev AS DOUBLE), 0) - 1
                     AS revenue_dod
            FROM r WHERE day BETWEEN {s} AND {e}""",
        # ---------------------------------------------------------------- aggregate_growth
        """CREATE TEMP TABLE out_aggregate_growth AS
            WITH m AS (
                SELECT strftime(date, '%Y-%m') AS month, date_trunc('month', date) AS m0,
                       count(*) AS days,
                       count(*) = day(last_day(min(date))) AS complete,
                       sum(new_users) AS new_users,
                       arg_max(total_users, date) AS total_users,
                       avg(active_users) AS avg_dau, sum(revenue) AS revenue
                FROM out_daily_growth GROUP BY ALL)
            SELECT m.month, m.days, m.complete, CAST(m.new_users AS BIGINT) AS new_users,
                   m.total_users, m.avg_dau, m.revenue,
                   m.new_users / nullif(p.new_users, 0) - 1 AS new_users_mom,
                   m.total_users / nullif(p.total_users, 0) - 1 AS total_users_mom,
                   m.avg_dau / nullif(p.avg_dau, 0) - 1 AS avg_dau_mom,
                   CAST(m.revenue AS DOUBLE) / nullif(CAST(p.revenue AS DOUBLE), 0) - 1
                     AS revenue_mom,
                   CAST(m.revenue AS DOUBLE) / nullif(CAST(y.revenue AS DOUBLE), 0) - 1
                     AS revenue_yoy
            FROM m LEFT JOIN m p ON p.m0 = m.m0 - INTERVAL 1 MONTH
                   LEFT JOIN m y ON y.m0 = m.m0 - INTERVAL 12 MONTH""",
        # ---------------------------------------------------------------- aggregate_engagement
        # Each active day a of a user covers the days [a, a+6] (WAU) and [a, a+29] (MAU); cut at
        # the user's next active day, the covered stretches are disjoint, so +1 at a stretch's
        # start and -1 after its end, summed over the days, counts distinct users exactly.
        f"""CREATE TEMP TABLE out_aggregate_engagement AS
            WITH ud AS (
                SELECT day, lead(day) OVER (PARTITION BY user_id ORDER BY day) AS next_day
                FROM user_days),
            deltas AS (
                SELECT day, 1 AS dw, 1 AS dm FROM ud
                UNION ALL SELECT least(day + 7, coalesce(next_day, day + 7)), -1, 0 FROM ud
                UNION ALL SELECT least(day + 30, coalesce(next_day, day + 30)), 0, -1 FROM ud),
            per_day AS (SELECT day, sum(dw) AS dw, sum(dm) AS dm FROM deltas GROUP BY day),
            windows AS (
                SELECT day, sum(dw) OVER (ORDER BY day) AS wau, sum(dm) OVER (ORDER BY day) AS mau
                FROM per_day),
            dau AS (
                SELECT ud.day, count(*) AS dau,
                       count(*) FILTER (WHERE u.signup_day = ud.day) AS dau_new,
                       count(*) FILTER (WHERE u.signup_day < ud.day) AS dau_returning
                FROM user_days ud JOIN q_users u USING (user_id)
                WHERE ud.day BETWEEN {s} AND {e} GROUP BY ud.day),
            plat AS (
                SELECT day, count(*) FILTER (WHERE platform = 'web') AS dau_web,
                       count(*) FILTER (WHERE platform = 'ios') AS dau_ios,
                       count(*) FILTER (WHERE platform = 'android') AS dau_android
                FROM active WHERE day BETWEEN {s} AND {e} GROUP BY day)
            SELECT c.day AS date, coalesce(dau.dau, 0) AS dau,
                   CAST(coalesce(wn.wau, 0) AS BIGINT) AS wau,
                   CAST(coalesce(wn.mau, 0) AS BIGINT) AS mau,
                   coalesce(dau.dau, 0) / nullif(coalesce(wn.mau, 0), 0) AS stickiness,
                   coalesce(dau_web, 0) AS dau_web, coalesce(dau_ios, 0) AS dau_ios,
                   coalesce(dau_android, 0) AS dau_android,
                   coalesce(dau_new, 0) AS dau_new, coalesce(dau_returning, 0) AS dau_returning
            FROM calendar c
            LEFT JOIN dau USING (day) LEFT JOIN plat USING (day)
            ASOF LEFT JOIN windows wn ON c.day >= wn.day
            WHERE c.day BETWEEN {s} AND {e}""",
    ]


def compute(con: duckdb.DuckDBPyConnection, lake: Path, start: dt.date, end: dt.date) -> None:
    """Create the temp tables `out_<model>` on `con`."""
    for sql in statements(lake, start, end):
        con.execute(sql)


def run(lake: Path, start: dt.date, end: dt.date, out: Path, threads: int | None = None) -> None:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    compute(con, lake, start, end)
    out.mkdir(parents=True, exist_ok=True)
    for model in MODELS:
        target = out / model
        if target.exists():
            shutil.rmtree(target)
        key = "month" if model == "aggregate_growth" else "date"
        target_sql = target.as_posix().replace("'", "''")
        con.execute(
            f"COPY (SELECT * FROM out_{model} ORDER BY ALL) TO '{target_sql}' "
            f"(FORMAT parquet, PARTITION_BY ({key}))"
        )
    con.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.handwritten", description=__doc__)
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--start", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--end", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=None)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    run(a.lake, a.start, a.end, a.out, a.threads)
    print(f"handwritten: {a.start}..{a.end} in {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main()
