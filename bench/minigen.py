"""A tiny stand-in source generator, used only when the project's own generator
(`steward data generate`) is not available. It follows the source contract of DESIGN section 4
(Hive-partitioned Parquet, `_SUCCESS` markers, DECIMAL(18,2) money, UTC timestamps) with a
crude business model; the benchmark figures always come from the project's generator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

MONEY = pa.decimal128(18, 2)
ACTIVE = np.array(["session_start", "page_view", "purchase"])
PLATFORMS = np.array(["web", "ios", "android"])


def _write(lake: Path, table: str, day: dt.date, data: pa.Table) -> None:
    part = lake / "sources" / table / f"date={day.isoformat()}"
    part.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, part / "part-0.parquet")
    (part / "_SUCCESS").touch()


def _money(cents: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.round(np.asarray(cents, dtype="int64") / 100.0, 2)), MONEY)


def generate(lake: Path, start: dt.date, days: int, users: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    epoch = np.datetime64(start.isoformat(), "s")
    # A third of the users signed up before the range, the rest over it.
    signup_day = np.where(
        rng.random(users) < 0.33, -rng.integers(1, 60, users), rng.integers(0, days, users)
    )
    signup_at = epoch + (signup_day * 86400 + rng.integers(0, 86400, users)).astype(
        "timedelta64[s]"
    )
    is_test = rng.random(users) < 0.02
    user_ids = np.arange(1, users + 1, dtype=np.int64)
    platform_of_user = rng.integers(0, 3, users)
    for d in np.unique(signup_day):
        sel = signup_day == d
        day = start + dt.timedelta(days=int(d))
        loaded = np.datetime64(day.isoformat(), "s") + np.timedelta64(86400 + 3600, "s")
        _write(lake, "users", day, pa.table({
            "user_id": user_ids[sel],
            "signup_at": pa.array(signup_at[sel], pa.timestamp("us")),
            "country": pa.array(rng.choice(["US", "DE", "FR", "BR"], int(sel.sum()))),
            "is_test": is_test[sel],
            "loaded_at": pa.array(np.full(int(sel.sum()), loaded), pa.timestamp("us")),
        }))
    order_id = 1
    for i in range(days):
        day = start + dt.timedelta(days=i)
        day0 = np.datetime64(day.isoformat(), "s")
        loaded = day0 + np.timedelta64(86400 + 3600, "s")
        eligible = np.nonzero(signup_day <= i)[0]
        active = eligible[rng.random(eligible.size) < 0.3]
        n_ev = rng.integers(1, 6, active.size)
        ev_user = np.repeat(active, n_ev)
        n = ev_user.size
        second_platform = rng.random(n) < 0.1
        platform = np.where(second_platform, rng.integers(0, 3, n), platform_of_user[ev_user])
        kinds = np.where(rng.random(n) < 0.15, "push_received", rng.choice(ACTIVE, n))
        _write(lake, "events", day, pa.table({
            "user_id": user_ids[ev_user],
            "event_at": pa.array(day0 + rng.integers(0, 86400, n).astype("timedelta64[s]"),
                                 pa.timestamp("us")),
            "event_type": pa.array(kinds),
            "platform": pa.array(PLATFORMS[platform]),
            "loaded_at": pa.array(np.full(n, loaded), pa.timestamp("us")),
        }))
        buyers = active[rng.random(active.size) < 0.1]
        buyers = np.concatenate([buyers, buyers[: buyers.size // 5]])  # some order twice
        m = buyers.size
        revenue = rng.integers(500, 20000, m)
        refunded = np.where(rng.random(m) < 0.05, revenue, 0)
        _write(lake, "orders", day, pa.table({
            "order_id": np.arange(order_id, order_id + m, dtype=np.int64),
            "user_id": user_ids[buyers],
            "ordered_at": pa.array(day0 + rng.integers(0, 86400, m).astype("timedelta64[s]"),
                                   pa.timestamp("us")),
            "status": pa.array(np.where(rng.random(m) < 0.08, "cancelled", "completed")),
            "revenue": _money(revenue),
            "cost_of_goods": _money(revenue * 0.5),
            "shipping_cost": _money(rng.integers(0, 800, m)),
            "payment_fee": _money(revenue * 0.03),
            "refunded_amount": _money(refunded),
            "loaded_at": pa.array(np.full(m, loaded), pa.timestamp("us")),
        }))
        order_id += m


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m bench.minigen", description=__doc__)
    ap.add_argument("--lake", type=Path, required=True)
    ap.add_argument("--start", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    generate(a.lake, a.start, a.days, a.users, a.seed)


if __name__ == "__main__":
    main()
