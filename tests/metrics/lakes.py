"""Small generated lakes for tests: a few hundred thousand rows, edge days included."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq

from pipesteward.metrics.generator import generate
from pipesteward.metrics.quality import Quality
from pipesteward.metrics.runner import ModelRunner

START = date(2025, 1, 25)  # crosses the end of January and of February
DAYS = 40  # 2025-01-25 .. 2025-03-05
END = date(2025, 3, 5)
NO_ORDERS_DAY = date(2025, 2, 10)
def accept(lake: Path, table: str, day: date, reason: str) -> None:
    """Release a source partition the contract would quarantine (a test of the models' own
    handling of it, not of the contract)."""
    Quality(lake, lambda: None).accept(table, day, reason=reason, by="tests",  # type: ignore[arg-type, return-value]
                                       at=datetime(2025, 1, 1, tzinfo=UTC))


def make_lake(lake: Path, users: int = 1500, seed: int = 11) -> Path:
    """Generated sources, with one day on which nobody ordered (accepted: an empty orders
    partition is otherwise quarantined)."""
    generate(lake, START, DAYS, users, seed)
    part = lake / "sources" / "orders" / f"date={NO_ORDERS_DAY}" / "part-0.parquet"
    table = pq.read_table(part)
    pq.write_table(table.slice(0, 0), part)
    accept(lake, "orders", NO_ORDERS_DAY, "a day without orders")
    return lake


def build_models(lake: Path, start: date = START, end: date = END) -> None:
    runner = ModelRunner(lake)
    try:
        for name in ("unit_profit", "aggregate_profit", "daily_growth",
                     "aggregate_engagement", "aggregate_growth"):
            runner.run(name, start, end)
    finally:
        runner.close()


def model_files(lake: Path) -> dict[str, bytes]:
    root = lake / "models"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def partitions(lake: Path, model: str) -> dict[str, Path]:
    root = lake / "models" / model
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*.parquet"))}


def _sort_key(row: dict) -> tuple:
    return tuple((v is None, str(v)) for v in row.values() if not isinstance(v, float))


def assert_same_rows(a: list[dict], b: list[dict], where: str) -> None:
    assert len(a) == len(b), f"{where}: {len(a)} rows on duckdb, {len(b)} on spark"
    for x, y in zip(sorted(a, key=_sort_key), sorted(b, key=_sort_key), strict=True):
        assert list(x) == list(y), where
        for col, v in x.items():
            w = y[col]
            if isinstance(v, float) or isinstance(w, float):
                assert v is not None and w is not None, (where, col, x, y)
                assert math.isclose(v, w, rel_tol=1e-9, abs_tol=1e-12), (where, col, x, y)
            else:
                assert v == w, (where, col, x, y)


def assert_same_outputs(duck: Path, spark: Path, model: str) -> None:
    ours, theirs = partitions(duck, model), partitions(spark, model)
    assert list(ours) == list(theirs), model  # the same partitions, written the same way
    for key, path in ours.items():
        a, b = pq.read_table(path), pq.read_table(theirs[key])
        assert a.schema == b.schema, (model, key, a.schema, b.schema)
        assert_same_rows(a.to_pylist(), b.to_pylist(), f"{model} {key}")
