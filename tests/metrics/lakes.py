"""Small generated lakes for tests: a few hundred thousand rows, edge days included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from pipesteward.metrics.generator import generate
from pipesteward.metrics.runner import ModelRunner

START = date(2025, 1, 25)  # crosses the end of January and of February
DAYS = 40  # 2025-01-25 .. 2025-03-05
END = date(2025, 3, 5)
NO_ORDERS_DAY = date(2025, 2, 10)
def make_lake(lake: Path, users: int = 1500, seed: int = 11) -> Path:
    """Generated sources, with one day on which nobody ordered."""
    generate(lake, START, DAYS, users, seed)
    part = lake / "sources" / "orders" / f"date={NO_ORDERS_DAY}" / "part-0.parquet"
    table = pq.read_table(part)
    pq.write_table(table.slice(0, 0), part)
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
