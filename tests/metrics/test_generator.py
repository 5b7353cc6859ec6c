"""The generator: deterministic, in the lake layout, and injecting the runbook failure modes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipesteward.errors import UserError
from pipesteward.metrics.generator import Injection, generate, parse_injection
from pipesteward.metrics.sources import CONTRACT, check_file, data_files

START = date(2025, 3, 1)


def lake_bytes(lake: Path) -> dict[str, bytes]:
    return {str(p.relative_to(lake)): p.read_bytes() for p in sorted(lake.rglob("*"))
            if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    a, b, c = (generate(tmp_path / n, START, 5, 300, seed=s)
               for n, s in (("a", 1), ("b", 1), ("c", 2)))
    assert a.rows == b.rows
    assert lake_bytes(tmp_path / "a") == lake_bytes(tmp_path / "b")
    assert lake_bytes(tmp_path / "a") != lake_bytes(tmp_path / "c")
    assert c.total_rows > 0


def test_partitions_follow_the_source_contract(tmp_path: Path) -> None:
    result = generate(tmp_path, START, 3, 300, seed=3)
    for table in CONTRACT:
        for folder in sorted((tmp_path / "sources" / table).glob("date=*")):
            assert (folder / "_SUCCESS").exists()
            for f in data_files(folder):
                check_file(table, folder.name, f, CONTRACT[table])
    assert result.rows["events"] > result.rows["orders"] > 0
    # the existing base signed up before the first day
    assert (tmp_path / "sources" / "users" / "date=2025-02-27").exists()
    events = pq.read_table(tmp_path / "sources/events/date=2025-03-02/part-0.parquet")
    assert "push_received" in events.column("event_type").to_pylist()


def test_injections(tmp_path: Path) -> None:
    kinds = [Injection("late_orders"), Injection("missing_day", date(2025, 3, 2)),
             Injection("duplicates", date(2025, 3, 1)), Injection("delayed_partition"),
             Injection("schema_drift", date(2025, 3, 3))]
    result = generate(tmp_path, START, 4, 300, seed=5, inject=kinds)
    src = tmp_path / "sources"
    assert not (src / "orders" / "date=2025-03-02").exists()
    assert not (src / "events" / "date=2025-03-02").exists()
    assert (src / "users" / "date=2025-03-02" / "_SUCCESS").exists()
    last = "date=2025-03-04"
    assert not (src / "orders" / last / "_SUCCESS").exists()  # delayed
    late = src / "orders" / last / "part-late.parquet"
    assert late.exists()
    dup = pq.read_table(src / "orders/date=2025-03-01/part-0.parquet").column("order_id")
    assert len(dup) > len(set(dup.to_pylist()))
    drift = pq.read_schema(src / "orders/date=2025-03-03/part-0.parquet")
    assert "shipping_fee" in drift.names and str(drift.field("revenue").type) == "double"
    assert result.injected["late_orders"] == date(2025, 3, 4)


def test_injection_names_are_checked() -> None:
    assert parse_injection("late-orders:2025-03-02") == Injection("late_orders", date(2025, 3, 2))
    with pytest.raises(UserError, match="unknown kind"):
        parse_injection("gremlins")
