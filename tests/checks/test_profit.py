"""profit.*: reconciliation, pipeline failures (classified), source freshness."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pipesteward.checks.inputs import RunInfo
from pipesteward.checks.profit import classify
from tests.checks.common import assert_all_pass, assert_only_fails, results_for
from tests.checks.lakes import T1, build, touch, write

DAY = date(2026, 3, 1)


@pytest.fixture
def lake(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build(tmp_path / "lake")


def test_a_consistent_lake_passes_every_check(lake) -> None:  # type: ignore[no-untyped-def]
    for day in lake.days:
        assert_all_pass(lake, day)


def test_aggregate_profit_off_by_a_cent_more_than_tolerance_fails_reconciliation(lake) -> None:  # type: ignore[no-untyped-def]
    cost = lake.lake.model_day("aggregate_profit", DAY)[0]["cost"]
    lake.rewrite("aggregate_profit", DAY.isoformat(), revenue=Decimal("999.99"),
                 profit=Decimal("999.99") - cost)  # consistent row: only the sums differ
    results = assert_only_fails(
        lake, DAY, {("profit.reconciliation", "aggregate_profit"),
                    ("profit.reconciliation", "unit_profit")},
        "steward run --date 2026-03-01 --only unit_profit,aggregate_profit")
    failed = next(r for r in results if r.id == "profit.reconciliation")
    assert failed.figures["revenue"]["aggregate_profit"] == 999.99
    assert failed.blocking and failed.pipeline == "aggregate_profit"
    assert not next(r for r in results if r.pipeline == "unit_profit" and not r.passed).blocking


def test_reconciliation_tolerates_a_cent(lake) -> None:  # type: ignore[no-untyped-def]
    rows = lake.lake.model_day("aggregate_profit", DAY)
    lake.rewrite("aggregate_profit", DAY.isoformat(),
                 revenue=rows[0]["revenue"] + Decimal("0.01"),
                 profit=rows[0]["profit"] + Decimal("0.01"))
    assert_all_pass(lake, DAY)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("duckdb.OutOfMemoryException: Out of Memory Error: failed to allocate", "resource_limit"),
        ("process killed by signal 9", "resource_limit"),
        ("IOException: could not read file lake/sources/orders", "outage"),
        ("psycopg.OperationalError: connection refused", "outage"),
        ("BinderException: column revenue not found in orders", "logic_error"),
        (None, "logic_error"),
    ],
)
def test_a_failed_run_is_classified(error: str | None, kind: str) -> None:
    assert classify(error) == kind


def test_a_failed_run_fails_pipeline_failure_with_its_class(lake) -> None:  # type: ignore[no-untyped-def]
    run = RunInfo(("aggregate_profit", "unit_profit"), DAY, DAY, "failed",
                  started_at=T1, finished_at=T1, error="Out of Memory Error", id="r1")
    results = assert_only_fails(
        lake, DAY, {("profit.pipeline_failure", "aggregate_profit"),
                    ("profit.pipeline_failure", "unit_profit")},
        "steward run --date 2026-03-01 --only", runs=(run,))
    assert {r.figures.get("classification") for r in results if not r.passed} == {
        "resource_limit"}
    assert "compute.memory_limit" in next(r.message for r in results if not r.passed)


def test_a_later_success_clears_a_failed_run(lake) -> None:  # type: ignore[no-untyped-def]
    failed = RunInfo(("aggregate_profit",), DAY, DAY, "failed", started_at=T1, error="x")
    retried = RunInfo(("aggregate_profit",), DAY - timedelta(days=3), DAY, "succeeded",
                      started_at=T1 + timedelta(hours=1), finished_at=T1 + timedelta(hours=2))
    assert_all_pass(lake, DAY, runs=(failed, retried))


def test_no_run_and_no_output_after_the_deadline_is_not_finished(lake) -> None:  # type: ignore[no-untyped-def]
    for f in lake.model("aggregate_profit", DAY.isoformat()).iterdir():
        f.unlink()
    results = results_for(lake, DAY)
    failure = next(r for r in results if r.id == "profit.pipeline_failure"
                   and r.pipeline == "aggregate_profit")
    assert not failure.passed and failure.figures["classification"] == "not_finished"
    assert "steward run --date 2026-03-01 --only aggregate_profit" in failure.message
    # before the deadline it is only pending
    early = lake.inputs(DAY).deadline - timedelta(hours=2)
    pending = next(r for r in results_for(lake, DAY, as_of=early)
                   if r.id == "profit.pipeline_failure" and r.pipeline == "aggregate_profit")
    assert pending.passed


def test_an_abandoned_or_interrupted_run_without_output_fails_after_the_deadline(lake) -> None:  # type: ignore[no-untyped-def]
    for f in lake.model("aggregate_profit", DAY.isoformat()).iterdir():
        f.unlink()
    for status, classification, said in (("abandoned", "resource_limit", "never finished"),
                                         ("interrupted", "not_finished", "stopped by SIGTERM")):
        run = RunInfo(("aggregate_profit",), DAY, DAY, status, started_at=T1,
                      error="stopped by SIGTERM" if status == "interrupted" else None)
        failure = next(r for r in results_for(lake, DAY, runs=(run,))
                       if r.id == "profit.pipeline_failure" and r.pipeline == "aggregate_profit")
        assert not failure.passed and failure.figures["classification"] == classification
        assert said in failure.message


def test_a_partition_without_success_after_the_deadline_is_delayed(lake) -> None:  # type: ignore[no-untyped-def]
    (lake.root / "sources/orders" / f"date={DAY}" / "_SUCCESS").unlink()
    results = assert_only_fails(
        lake, DAY, {("profit.source_freshness", p) for p in
                    ("aggregate_profit", "unit_profit", "daily_growth")},
        "steward run --date 2026-03-01")
    assert "no _SUCCESS" in next(r.message for r in results if not r.passed)
    early = lake.inputs(DAY).deadline - timedelta(minutes=1)
    assert_all_pass(lake, DAY, as_of=early)


def test_a_file_landing_after_the_model_read_the_partition_is_late_data(lake) -> None:  # type: ignore[no-untyped-def]
    late = T1 + timedelta(hours=5)
    write(lake.root / "sources/orders" / f"date={DAY}", "late-0.parquet",
          {"user_id": [9], "loaded_at": [datetime(2026, 3, 10, 8)]}, mtime=late)
    results = assert_only_fails(
        lake, DAY, {("profit.source_freshness", p) for p in
                    ("aggregate_profit", "unit_profit", "daily_growth")},
        "re-run `steward run --date 2026-03-01 --only")
    assert "after aggregate_profit read the partition" in next(
        r.message for r in results if r.pipeline == "aggregate_profit" and not r.passed)


def test_rows_loaded_after_the_model_read_the_partition_are_late_data(lake) -> None:  # type: ignore[no-untyped-def]
    # Same file time as the model's, but the rows say they were loaded later.
    write(lake.root / "sources/orders" / f"date={DAY}", "part-1.parquet",
          {"user_id": [9], "loaded_at": [datetime(2026, 3, 10, 9)]}, mtime=T1)
    results = results_for(lake, DAY)
    bad = [r for r in results if not r.passed]
    assert {r.id for r in bad} == {"profit.source_freshness"}
    assert "rows loaded at 2026-03-10T09:00:00+00:00" in bad[0].message


def test_re_running_after_late_data_clears_freshness(lake) -> None:  # type: ignore[no-untyped-def]
    late = T1 + timedelta(hours=5)
    write(lake.root / "sources/orders" / f"date={DAY}", "late-0.parquet",
          {"user_id": [9], "loaded_at": [datetime(2026, 3, 10, 8)]}, mtime=late)
    for model in ("aggregate_profit", "unit_profit", "daily_growth"):
        for f in lake.model(model, DAY.isoformat()).glob("*.parquet"):
            os.utime(f, (late.timestamp() + 60, late.timestamp() + 60))
    assert_all_pass(lake, DAY)


def test_a_day_without_signups_needs_no_users_partition(lake) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.rmtree(lake.root / "sources/users" / f"date={DAY}")
    assert_all_pass(lake, DAY)
    touch(lake.root / "sources/events" / f"date={DAY}" / "_SUCCESS",
          datetime(2026, 3, 9, tzinfo=UTC))
    assert_all_pass(lake, DAY)
