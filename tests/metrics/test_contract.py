"""The source contract: one declaration, the same verdicts on DuckDB and on Spark, and the
volume score that lets growth and weekly seasonality pass but not a collapse."""

from __future__ import annotations

import importlib.util
import os
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipesteward.metrics.contract import CONTRACTS, VolumeSettings, robust_score
from pipesteward.metrics.engines import EngineSettings, open_engine
from pipesteward.metrics.generator import Injection, generate
from pipesteward.metrics.quality import Quality
from tests.conftest import require

START = date(2026, 1, 5)
DAYS = 35
BROKEN = {"null_revenue": START + timedelta(days=30), "upper_status": START + timedelta(days=31),
          "redelivered_orders": START + timedelta(days=32),
          "duplicates": START + timedelta(days=33), "null_is_test": START + timedelta(days=34),
          "empty_orders": START + timedelta(days=29)}


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contract") / "lake"
    generate(root, START, DAYS, 3000, seed=3,
             inject=[Injection(k, d) for k, d in BROKEN.items()])
    return root


def verdicts(quality: Quality) -> dict[tuple[str, str], Any]:
    """Per (source, day): rows, money sums and each broken rule with its count."""
    out = {}
    last = START + timedelta(days=DAYS - 1)
    for table in ("users", "orders", "events"):
        days = [START - timedelta(days=3) + timedelta(days=i) for i in range(DAYS + 3)]
        for day, p in quality.profiles(table, [d for d in days if d <= last]).items():
            out[(table, day.isoformat())] = (
                p.rows, {k: round(v, 2) for k, v in p.sums.items()},
                {v.rule: v.rows for v in p.violations}, quality.problem(table, day))
    return out


@pytest.fixture(scope="module")
def on_duckdb(lake: Path) -> dict[tuple[str, str], Any]:
    engine = open_engine("duckdb", EngineSettings())
    shutil.rmtree(lake / "_quality", ignore_errors=True)
    try:
        return verdicts(Quality(lake, lambda: engine))
    finally:
        engine.close()


def test_each_broken_rule_is_found_with_its_column(on_duckdb: dict) -> None:  # type: ignore[type-arg]
    def broken(table: str, kind: str) -> dict[str, int]:
        return on_duckdb[(table, BROKEN[kind].isoformat())][2]  # type: ignore[no-any-return]

    assert broken("orders", "null_revenue") == {"not_null:revenue": 5}
    assert set(broken("orders", "upper_status")) == {"accepted:status"}
    assert set(broken("orders", "redelivered_orders")) == {"in_day:ordered_at"}
    assert set(broken("orders", "duplicates")) == {"unique:order_id,loaded_at"}
    assert broken("users", "null_is_test") == {"not_null:is_test": 5}
    empty = on_duckdb[("orders", BROKEN["empty_orders"].isoformat())]
    assert empty[0] == 0 and "is empty" in empty[3]
    clean = [k for k, v in on_duckdb.items() if k[1] not in {d.isoformat()
                                                             for d in BROKEN.values()}]
    assert clean and all(not on_duckdb[k][2] and on_duckdb[k][3] is None for k in clean)


def test_spark_gives_the_same_verdicts(lake: Path, on_duckdb: dict) -> None:  # type: ignore[type-arg]
    require(importlib.util.find_spec("pyspark") is not None, "pyspark is not installed")
    require(bool(shutil.which("java") or os.environ.get("JAVA_HOME")), "no Java for Spark")
    engine = open_engine("spark", EngineSettings(spark_master="local[2]"))
    shutil.rmtree(lake / "_quality", ignore_errors=True)  # profiled again, on Spark
    try:
        assert verdicts(Quality(lake, lambda: engine)) == on_duckdb
    finally:
        engine.close()


def test_the_declaration_covers_every_column_of_design_section_4() -> None:
    assert set(CONTRACTS) == {"users", "orders", "events", "experiment_assignments"}
    for contract in CONTRACTS.values():
        assert set(contract.not_null) <= set(contract.columns)
        assert contract.event_time in contract.columns
    assert CONTRACTS["users"].empty_days and not CONTRACTS["orders"].empty_days


def test_growth_and_seasonality_score_low_a_collapse_high() -> None:
    s = VolumeSettings()
    growing = [1300.0, 1200.0, 1100.0, 1000.0]  # newest first, +100 a week
    assert robust_score(1400, growing, s.floor, 1400)[1] < 1
    assert robust_score(600, growing, s.floor, 600)[1] >= s.error  # more than half gone
    assert robust_score(2500, growing, s.floor, 2500)[1] >= s.warn  # three quarters more
    # few rows: Poisson noise is not an anomaly
    assert robust_score(9, [14.0, 11.0, 15.0], s.floor, 9)[1] < s.warn


def test_a_clean_90_day_lake_raises_no_volume_alarm(tmp_path: Path) -> None:
    from pipesteward.metrics.quality import on_duckdb

    start = date(2026, 1, 1)
    generate(tmp_path / "lake", start, 90, 20000, seed=5)  # growth and weekly seasonality
    quality = on_duckdb(tmp_path / "lake")
    days = [start + timedelta(days=i) for i in range(90)]
    alarms = []
    for table in ("users", "orders", "events"):
        quality.profiles(table, days)
        for day in days:
            verdict = quality.volume(table, day)
            if quality.problem(table, day) or verdict.level not in ("ok", "history"):
                alarms.append((table, day.isoformat(), verdict.level, verdict.scores))
    assert alarms == []


def test_a_partition_that_lands_later_is_seen_by_the_same_quality(tmp_path: Path) -> None:
    """A Quality kept over a range (steward data check) lists a source's partitions once,
    but sees the partition delivered after it did (a daemon's next day)."""
    root = tmp_path / "lake"
    generate(root, START, 3, 200, seed=1)
    quality = Quality(root, lambda: open_engine("duckdb", EngineSettings()))
    last = START + timedelta(days=2)
    assert max(quality.days("orders")) == last
    late = root / "sources" / "orders" / f"date={last + timedelta(days=1)}"
    shutil.copytree(root / "sources" / "orders" / f"date={last}", late)
    assert max(quality.days("orders")) == last + timedelta(days=1)
    assert quality.first_day() == START
