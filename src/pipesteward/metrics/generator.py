"""`steward data generate`: a seeded, vectorised generator of the four sources (DESIGN section 4).

It models a small consumer business: signups that grow over the period (plus a base that signed
up in the 30 days before it), weekly seasonality, churn, users active on one to three
platforms, passive push events (sent to churned users too), test users, cancelled orders,
refunds (a few larger than the order's revenue) and experiment assignments. Runbook failure
modes are injected on request (`INJECTIONS`).

Deterministic: every day draws from its own generator seeded by (seed, day, stream), so days
can be generated in parallel threads (numpy and pyarrow release the GIL) and the lake is the
same bytes for the same arguments. File modification times are set to each partition's
landing time (the next day, 01:00 UTC), so `_SUCCESS` mtimes are reproducible too.

Layout: `<lake>/sources/<table>/date=YYYY-MM-DD/part-0.parquet` plus `_SUCCESS`, written
after the data file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from pipesteward.errors import UserError

SOURCES = ("users", "orders", "events", "experiment_assignments")
PLATFORMS = ("web", "ios", "android")
EVENT_TYPES = ("session_start", "page_view", "purchase", "push_received")
STATUSES = ("completed", "cancelled")
COUNTRIES = ("US", "GB", "DE", "FR", "BR", "IN")
VARIANTS = ("control", "treatment")
BASE_DAYS = 30  # the existing base signed up over the 30 days before the first day

US_PER_DAY = 86_400_000_000
LANDING_US = 25 * 3_600_000_000  # a day's partitions land the next day at 01:00 UTC
LATE_US = 2 * US_PER_DAY + 6 * 3_600_000_000  # late orders land two days later, 06:00 UTC


# ---------------------------------------------------------------------------- injections
@dataclass(frozen=True)
class Injection:
    """A runbook failure mode to inject, on one day (None: the kind's default day)."""

    kind: str
    day: date | None = None


INJECTIONS = {
    "late_orders": "extra orders for the day land two days late, after its _SUCCESS "
    "(profit.source_freshness); default: the last day",
    "missing_day": "no orders or events partition for the day; default: the middle day",
    "duplicates": "1% of the day's orders and events delivered twice; default: the last day",
    "delayed_partition": "the day's orders and events have no _SUCCESS yet; default: the last "
    "day",
    "schema_drift": "the day's orders have `shipping_cost` renamed to `shipping_fee` and "
    "`revenue` as a float; default: the last day",
    # A careless upstream system (issue 12); each fails source.contract or source.volume.
    "null_revenue": "five of the day's orders have NULL revenue; default: the last day",
    "upper_status": "the day's orders have their status in capitals ('COMPLETED'); default: "
    "the last day",
    "empty_orders": "the day's orders partition has no rows but a _SUCCESS marker; default: "
    "the last day",
    "redelivered_orders": "the previous day's orders file is delivered as the day's; "
    "default: the last day",
    "null_user_id": "five of the day's orders have NULL user_id; default: the last day",
    "null_ordered_at": "five of the day's orders have NULL ordered_at; default: the last day",
    "null_status": "five of the day's orders have NULL status; default: the last day",
    "null_order_id": "five of the day's orders have NULL order_id; default: the last day",
    "null_is_test": "five of the day's signups have NULL is_test; default: the last day",
}
CARELESS = ("upper_status", "empty_orders", "redelivered_orders")
# kind -> (table, column) of the injections that NULL five values
NULLED = {"null_revenue": ("orders", "revenue"), "null_user_id": ("orders", "user_id"),
          "null_ordered_at": ("orders", "ordered_at"), "null_status": ("orders", "status"),
          "null_order_id": ("orders", "order_id"), "null_is_test": ("users", "is_test")}


def parse_injection(text: str) -> Injection:
    """`KIND` or `KIND:YYYY-MM-DD`."""
    kind, _, day = text.partition(":")
    kind = kind.strip().replace("-", "_")
    if kind not in INJECTIONS:
        raise UserError(
            f"--inject: unknown kind '{kind}'; choose from {', '.join(INJECTIONS)} "
            "(optionally KIND:YYYY-MM-DD)"
        )
    try:
        return Injection(kind, date.fromisoformat(day) if day else None)
    except ValueError:
        raise UserError(f"--inject {text}: '{day}' is not a date YYYY-MM-DD") from None


def _resolve(injections: Iterable[Injection], start: date, days: int) -> dict[str, date]:
    last = start + timedelta(days=days - 1)
    defaults = {k: last for k in INJECTIONS} | {"missing_day": start + timedelta(days=days // 2)}
    out = {}
    for inj in injections:
        day = inj.day or defaults[inj.kind]
        if not start <= day <= last:
            raise UserError(f"--inject {inj.kind}:{day}: the day is outside {start}..{last}")
        if inj.kind == "redelivered_orders" and day == start:
            raise UserError(f"--inject {inj.kind}:{day}: the first day has no previous day "
                            "to re-deliver")
        out[inj.kind] = day
    return out


# ---------------------------------------------------------------------------- the population
@dataclass
class Population:
    """Every user's fixed traits, drawn once from the seed."""

    signup_day: np.ndarray  # day index relative to start (negative: the existing base)
    signup_us: np.ndarray  # microseconds since the first day's midnight UTC
    is_test: np.ndarray
    country: np.ndarray
    activity: np.ndarray  # probability of being active on a weekday
    buying: np.ndarray  # probability an active user orders
    churn_day: np.ndarray
    platforms: np.ndarray  # (n, 3) platform indices: primary, second, third
    n_platforms: np.ndarray  # 1..3
    in_experiment: np.ndarray
    variant: np.ndarray

    @property
    def n(self) -> int:
        return int(self.signup_day.size)


def _weekday_factor(day_index: np.ndarray | int, start: date) -> Any:
    # Weekly seasonality: busier mid-week, quieter at weekends.
    factors = np.array([1.05, 1.08, 1.1, 1.05, 1.0, 0.8, 0.78])  # Monday..Sunday
    return factors[(np.asarray(day_index) + start.weekday()) % 7]


def population(start: date, days: int, users: int, seed: int) -> Population:
    rng = np.random.default_rng([seed, 0])
    base = int(users * 0.3)
    grow = users - base
    # Growth: the signup rate rises over the period, with the weekly pattern.
    d = np.arange(days)
    weight = (1.0 + 2.0 * d / max(days, 1)) * _weekday_factor(d, start)
    new_days = rng.choice(days, size=grow, p=weight / weight.sum())
    base_days = rng.integers(-BASE_DAYS, 0, size=base)
    signup_day = np.concatenate([base_days, new_days]).astype(np.int64)
    second = rng.integers(0, US_PER_DAY, size=users)
    order = np.lexsort((second, signup_day))  # user ids increase with signup time
    signup_day, second = signup_day[order], second[order]
    signup_us = signup_day * US_PER_DAY + second
    primary = rng.choice(3, size=users, p=[0.45, 0.35, 0.2])
    shift = rng.integers(1, 3, size=users)
    platforms = np.stack(
        [primary, (primary + shift) % 3, (primary + 3 - shift) % 3], axis=1
    )
    lifetime = rng.exponential(150.0, size=users)
    return Population(
        signup_day=signup_day,
        signup_us=signup_us,
        is_test=rng.random(users) < 0.02,
        country=rng.choice(len(COUNTRIES), size=users, p=[0.4, 0.15, 0.15, 0.1, 0.1, 0.1]),
        activity=rng.beta(2.0, 3.0, size=users),
        buying=rng.beta(1.2, 12.0, size=users),
        churn_day=signup_day + 1 + lifetime.astype(np.int64),
        platforms=platforms,
        n_platforms=rng.choice([1, 2, 3], size=users, p=[0.67, 0.25, 0.08]),
        in_experiment=rng.random(users) < 0.5,
        variant=rng.integers(0, 2, size=users),
    )


# ---------------------------------------------------------------------------- arrow helpers
def _money(cents: np.ndarray) -> Any:
    """DECIMAL(18,2) from integer cents, exactly and without Python objects."""
    import pyarrow as pa

    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((cents.size, 2), dtype=np.int64)  # 128-bit little-endian two's complement
    words[:, 0] = cents
    words[:, 1] = -(cents < 0).astype(np.int64)
    return pa.Array.from_buffers(pa.decimal128(18, 2), cents.size, [None, pa.py_buffer(words)])


def _ts(us: np.ndarray, epoch_us: int) -> Any:
    import pyarrow as pa

    return pa.array(np.asarray(us, dtype=np.int64) + epoch_us, type=pa.timestamp("us"))


def _labels(codes: np.ndarray, values: tuple[str, ...]) -> Any:
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int8)), pa.array(values, pa.string())
    )


def _const_ts(value_us: int, n: int) -> Any:
    import pyarrow as pa

    return pa.array(np.full(n, value_us, dtype=np.int64), type=pa.timestamp("us"))


# ---------------------------------------------------------------------------- one day
@dataclass
class DayData:
    tables: dict[str, Any] = field(default_factory=dict)  # table -> pyarrow Table
    late_orders: Any = None


def _users_table(pop: Population, sel: np.ndarray, epoch_us: int, loaded_us: int) -> Any:
    import pyarrow as pa

    ids = np.nonzero(sel)[0]
    return pa.table({
        "user_id": pa.array(ids + 1, pa.int64()),
        "signup_at": _ts(pop.signup_us[ids], epoch_us),
        "country": _labels(pop.country[ids], COUNTRIES),
        "is_test": pa.array(pop.is_test[ids]),
        "loaded_at": _const_ts(loaded_us, ids.size),
    })


def _day(pop: Population, start: date, i: int, seed: int) -> DayData:
    """The users, events, orders and assignments of day i (relative to start)."""
    import pyarrow as pa

    rng = np.random.default_rng([seed, 1, i])
    epoch_us = int(np.datetime64(start.isoformat(), "us").astype(np.int64))
    day0 = i * US_PER_DAY
    loaded_us = epoch_us + day0 + LANDING_US
    out = DayData()

    new = pop.signup_day == i
    out.tables["users"] = _users_table(pop, new, epoch_us, loaded_us)

    # Active users: signed up and not churned, each with their own propensity and the weekday
    # pattern; a user is always active on their signup day.
    alive = np.nonzero((pop.signup_day <= i) & (pop.churn_day > i))[0]
    p = pop.activity[alive] * 0.8 * _weekday_factor(i, start)
    active = alive[(rng.random(alive.size) < p) | (pop.signup_day[alive] == i)]
    # The earliest instant of the day each active user can act (after signup on signup day).
    earliest = np.maximum(pop.signup_us[active] - day0, 0) + 1

    # Events of active users: several per user, on one to three platforms.
    per_user = 1 + rng.poisson(7.0, size=active.size)
    ev_user = np.repeat(active, per_user)
    ev_min = np.repeat(earliest, per_user)
    n = ev_user.size
    slot = np.minimum(rng.choice(3, size=n, p=[0.6, 0.3, 0.1]), pop.n_platforms[ev_user] - 1)
    platform = pop.platforms[ev_user, slot]
    kind = rng.choice(3, size=n, p=[0.2, 0.72, 0.08])
    at = ev_min + (rng.random(n) * (US_PER_DAY - ev_min)).astype(np.int64)
    # Passive pushes: sent to a fifth of everyone who ever signed up, churned users included.
    signed = np.nonzero(pop.signup_day < i)[0]
    pushed = signed[rng.random(signed.size) < 0.2]
    push_at = rng.integers(0, US_PER_DAY, size=pushed.size)
    push_platform = pop.platforms[pushed, 0]
    users_all = np.concatenate([ev_user, pushed])
    at_all = np.concatenate([at, push_at]) + day0
    order = np.lexsort((users_all, at_all))
    out.tables["events"] = pa.table({
        "user_id": pa.array(users_all[order] + 1, pa.int64()),
        "event_at": _ts(at_all[order], epoch_us),
        "event_type": _labels(np.concatenate([kind, np.full(pushed.size, 3)])[order],
                              EVENT_TYPES),
        "platform": _labels(np.concatenate([platform, push_platform])[order], PLATFORMS),
        "loaded_at": _const_ts(loaded_us, users_all.size),
    })

    # Orders: some active users buy, a few more than once.
    buys = rng.random(active.size) < pop.buying[active] * 1.5
    buyers = active[buys]
    per_buyer = 1 + rng.poisson(0.15, size=buyers.size)
    o_user = np.repeat(buyers, per_buyer)
    o_min = np.repeat(earliest[buys], per_buyer)
    out.tables["orders"] = _orders(rng, o_user, o_min, i, day0, epoch_us, loaded_us)

    # A late batch for the day (only written when late_orders is injected on it).
    k = max(1, o_user.size // 50)
    late_user = rng.choice(active, size=k) if active.size else np.zeros(0, np.int64)
    late = _orders(rng, late_user, np.ones(late_user.size, np.int64), i, day0, epoch_us,
                   epoch_us + day0 + LATE_US, first_seq=9_000_000)
    out.late_orders = late

    # Experiment assignments: half of the day's signups enter the checkout experiment.
    enrolled = np.nonzero(new & pop.in_experiment)[0]
    out.tables["experiment_assignments"] = pa.table({
        "experiment_id": pa.array(np.full(enrolled.size, "checkout_v2"), pa.string()),
        "user_id": pa.array(enrolled + 1, pa.int64()),
        "variant": _labels(pop.variant[enrolled], VARIANTS),
        "assigned_at": _ts(pop.signup_us[enrolled], epoch_us),
    })
    return out


def _orders(
    rng: np.random.Generator, user: np.ndarray, earliest: np.ndarray, i: int, day0: int,
    epoch_us: int, loaded_us: int, first_seq: int = 0,
) -> Any:
    import pyarrow as pa

    n = user.size
    at = day0 + earliest + (rng.random(n) * (US_PER_DAY - earliest)).astype(np.int64)
    order = np.argsort(at, kind="stable")
    user, at = user[order], at[order]
    revenue = np.maximum(np.round(rng.lognormal(np.log(4000), 0.6, size=n)), 100).astype(np.int64)
    cogs = np.round(revenue * rng.uniform(0.35, 0.6, size=n)).astype(np.int64)
    shipping = rng.choice(np.array([0, 499, 799]), size=n, p=[0.4, 0.4, 0.2])
    fee = np.round(revenue * 0.029 + 30).astype(np.int64)
    cancelled = rng.random(n) < 0.06
    r = rng.random(n)
    # Refunds: 2% in full, 2% in part, and 0.5% with a goodwill refund above the revenue.
    refunded = np.where(r < 0.02, revenue, 0)
    refunded = np.where((r >= 0.02) & (r < 0.04), np.round(revenue * 0.3), refunded)
    refunded = np.where((r >= 0.04) & (r < 0.045), np.round(revenue * 1.25), refunded)
    refunded = np.where(cancelled, 0, refunded).astype(np.int64)
    # Order ids: unique across days without a shared counter (days run in parallel).
    ids = (i + BASE_DAYS + 1) * 10_000_000 + first_seq + np.arange(1, n + 1, dtype=np.int64)
    return pa.table({
        "order_id": pa.array(ids, pa.int64()),
        "user_id": pa.array(user + 1, pa.int64()),
        "ordered_at": _ts(at, epoch_us),
        "status": _labels(cancelled.astype(np.int8), STATUSES),
        "revenue": _money(revenue),
        "cost_of_goods": _money(cogs),
        "shipping_cost": _money(shipping),
        "payment_fee": _money(fee),
        "refunded_amount": _money(refunded),
        "loaded_at": _const_ts(loaded_us, n),
    })


# ---------------------------------------------------------------------------- writing
def _write(folder: Path, name: str, table: Any, mtime_us: int) -> None:
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.inprogress"
    pq.write_table(table, tmp, compression="snappy")
    os.replace(tmp, folder / name)
    _touch(folder / name, mtime_us)


def _touch(path: Path, mtime_us: int) -> None:
    path.touch()
    seconds = mtime_us / 1e6
    os.utime(path, (seconds, seconds))


def _duplicate(table: Any, rng: np.random.Generator) -> Any:
    import pyarrow as pa

    n = table.num_rows
    again: Any = np.sort(rng.choice(n, size=max(1, n // 100), replace=False)) if n else []
    return pa.concat_tables([table, table.take(pa.array(again, pa.int64()))])


def _drift(table: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    revenue = pc.cast(table.column("revenue"), pa.float64())
    table = table.set_column(table.schema.get_field_index("revenue"), "revenue", revenue)
    names = ["shipping_fee" if c == "shipping_cost" else c for c in table.column_names]
    return table.rename_columns(names)


def _nulled(table: Any, column: str, n: int = 5) -> Any:
    """The table with the column's first `n` values NULL."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.column(column).combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    k = min(n, table.num_rows)
    mask = pa.array([True] * k + [False] * (table.num_rows - k))
    nulled = pc.if_else(mask, pa.scalar(None, col.type), col)
    return table.set_column(table.schema.get_field_index(column), column, nulled)


def _careless(table_name: str, table: Any, kinds: list[str], previous: Any) -> Any:
    """The careless deliveries of issue 12, applied to one table of one day."""
    import pyarrow.compute as pc

    for kind in kinds:
        if kind in NULLED and NULLED[kind][0] == table_name:
            table = _nulled(table, NULLED[kind][1])
        elif table_name != "orders":
            continue
        elif kind == "upper_status":
            status = table.column("status").combine_chunks()
            status = pc.utf8_upper(status.cast(status.type.value_type))
            table = table.set_column(table.schema.get_field_index("status"), "status", status)
        elif kind == "empty_orders":
            table = table.slice(0, 0)
        elif kind == "redelivered_orders":
            table = previous
    return table


def _write_day(
    lake: Path, start: date, i: int, data: DayData, inject: dict[str, date], seed: int,
    previous: Any = None,
) -> dict[str, int]:
    day = start + timedelta(days=i)
    if inject.get("missing_day") == day:
        # The day's activity is missing (its signups still land: users is cumulative).
        data.tables = {k: v for k, v in data.tables.items() if k not in ("orders", "events")}
    epoch_us = int(np.datetime64(start.isoformat(), "us").astype(np.int64))
    landed = epoch_us + i * US_PER_DAY + LANDING_US
    rng = np.random.default_rng([seed, 2, i])
    rows = {}
    for table_name, table in data.tables.items():
        if inject.get("duplicates") == day and table_name in ("orders", "events"):
            table = _duplicate(table, rng)
        if inject.get("schema_drift") == day and table_name == "orders":
            table = _drift(table)
        table = _careless(table_name, table, [k for k, d in inject.items() if d == day
                                              and (k in NULLED or k in CARELESS)], previous)
        folder = lake / "sources" / table_name / f"date={day.isoformat()}"
        _write(folder, "part-0.parquet", table, landed)
        rows[table_name] = table.num_rows
        delayed = inject.get("delayed_partition") == day and table_name in ("orders", "events")
        if not delayed:
            _touch(folder / "_SUCCESS", landed)
    if inject.get("late_orders") == day and "orders" in data.tables:
        folder = lake / "sources" / "orders" / f"date={day.isoformat()}"
        _write(folder, "part-late.parquet", data.late_orders, landed - LANDING_US + LATE_US)
        rows["orders"] += data.late_orders.num_rows
    return rows


# ---------------------------------------------------------------------------- the whole lake
@dataclass(frozen=True)
class Generated:
    start: date
    days: int
    users: int
    seed: int
    rows: dict[str, int]
    partitions: int
    injected: dict[str, date]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def check_arguments(lake: Path, start: date, days: int, users: int,
                    inject: Iterable[Injection] = (),
                    replace: bool = True) -> dict[str, date]:
    """Refuse a request before anything is written (or a progress bar shown): too few days or
    users, injections outside the range, or sources already in the lake without `replace`."""
    if days < 1:
        raise UserError("--days must be at least 1")
    if users < 10:
        raise UserError("--users must be at least 10")
    plan = _resolve(inject, start, days)
    sources = Path(lake) / "sources"
    if not replace and sources.is_dir() and any(sources.iterdir()):
        raise UserError(f"{sources} already holds sources; pass --replace to delete them and "
                        "generate new ones")
    return plan


def generate(
    lake: Path,
    start: date,
    days: int,
    users: int,
    seed: int = 0,
    inject: Iterable[Injection] = (),
    progress: Callable[[int, int], None] | None = None,
    workers: int = 2,
    replace: bool = True,
) -> Generated:
    """Write the four sources for [start, start + days) under `lake`, replacing its sources
    (with `replace` false, refuse when it has some).

    `progress(done, total)` is called as days finish (in the calling thread).
    """
    plan = check_arguments(lake, start, days, users, inject, replace)
    lake = Path(lake)
    sources = lake / "sources"
    if sources.exists():
        shutil.rmtree(sources)
    # The profiles and acceptances of the sources replaced.
    shutil.rmtree(lake / "_quality", ignore_errors=True)
    pop = population(start, days, users, seed)
    epoch_us = int(np.datetime64(start.isoformat(), "us").astype(np.int64))
    rows = dict.fromkeys(SOURCES, 0)
    total = days + 1
    # The existing base: signups in the 30 days before the first day (users only).
    for i in range(-BASE_DAYS, 0):
        day = start + timedelta(days=i)
        folder = sources / "users" / f"date={day.isoformat()}"
        landed = epoch_us + i * US_PER_DAY + LANDING_US
        table = _users_table(pop, pop.signup_day == i, epoch_us, landed)
        _write(folder, "part-0.parquet", table, landed)
        _touch(folder / "_SUCCESS", landed)
        rows["users"] += table.num_rows
    done = 1
    if progress:
        progress(done, total)

    def one(i: int) -> dict[str, int]:
        day = start + timedelta(days=i)
        # The previous day's orders, for a re-delivery (deterministic: drawn again).
        previous = (_day(pop, start, i - 1, seed).tables["orders"]
                    if plan.get("redelivered_orders") == day else None)
        return _write_day(lake, start, i, _day(pop, start, i, seed), plan, seed, previous)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending = {pool.submit(one, i) for i in range(days)}
        for fut in as_completed(pending):
            for k, v in fut.result().items():
                rows[k] += v
            done += 1
            if progress:
                progress(done, total)
    partitions = sum(1 for _ in sources.glob("*/date=*"))
    return Generated(start, days, users, seed, rows, partitions, plan)
