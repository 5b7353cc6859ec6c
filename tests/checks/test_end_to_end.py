"""Each runbook failure mode, injected into a clean generated lake, fails its own check (and
only the checks that should), with a message naming the next command; no investor export
leaves while a blocking check fails.

Two ways in: the generator's `--inject` (the sources are born broken), and editing a clean
lake directly (what a bad loader, a bad deploy or a stray hand does afterwards)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipesteward.errors import RunFailed
from pipesteward.store.runs import record_finish, record_start
from tests.checks.generated import (
    END,
    START,
    Project,
    copy_project,
    generated,
    morning_after,
    run_models,
)
from tests.checks.lakes import HandLake

AT = morning_after(END, 12)
PROFIT = ("aggregate_profit", "unit_profit")
PROFIT_READERS = ("aggregate_profit", "unit_profit", "daily_growth")  # read sources/orders


def pairs(check: str, *pipelines: str) -> set[tuple[str, str]]:
    return {(check, p) for p in pipelines}


def assert_fails(project: Project, expected: set[tuple[str, str]], naming: dict[str, str],
                 day: date = END) -> dict:  # type: ignore[type-arg]
    """Exactly `expected` fail; each check id in `naming` says the given command."""
    failures = project.failures(day)
    assert set(failures) == expected, {k: v.message for k, v in failures.items()}
    for check_id, command in naming.items():
        for (cid, _), result in failures.items():
            if cid == check_id:
                assert command in result.message, result.message
    return failures


@pytest.fixture(scope="module")
def clean_template(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return generated(tmp_path_factory.mktemp("clean") / "team")


@pytest.fixture
def clean(clean_template: Project, tmp_path: Path) -> Project:
    return copy_project(clean_template, tmp_path / "team")


def lake(project: Project) -> HandLake:
    return HandLake(project.lake, [])


# ------------------------------------------------------------------ a clean lake
def test_a_clean_generated_lake_passes_every_check(clean: Project) -> None:
    for day in (START, date(2026, 2, 28), date(2026, 3, 1), END):
        results = clean.check(day)
        assert len(results) == 30
        assert [r for r in results if not r.passed] == [], day
    report = clean.steward.export(END, at=AT, sleep=lambda s: None)
    assert {d.status for d in report.deliveries} == {"verified"}


# ------------------------------------------------------------------ by the generator
def test_injected_late_orders_fail_source_freshness(tmp_path: Path) -> None:
    project = generated(tmp_path / "team", "late_orders")
    failures = assert_fails(project, pairs("profit.source_freshness", *PROFIT_READERS),
                            {"profit.source_freshness": "steward run --date 2026-03-05 --only"})
    assert "after aggregate_profit read the partition" in failures[
        ("profit.source_freshness", "aggregate_profit")].message
    with pytest.raises(RunFailed, match="refused"):
        project.steward.export(END, at=AT, sleep=lambda s: None)
    # the re-run the message names absorbs the late data
    run_models(project.steward, END, END, morning_after(END, 7) + timedelta(days=2))
    assert project.failures() == {}


def test_injected_duplicates_fail_the_orders_contract(tmp_path: Path) -> None:
    project = generated(tmp_path / "team", "duplicates")
    failures = assert_fails(
        project, {("source.contract", "orders")},
        {"source.contract": "steward data accept orders 2026-03-05"})
    assert "order_id,loaded_at must be unique" in failures[("source.contract", "orders")].message
    with pytest.raises(RunFailed, match="source.contract"):
        project.steward.export(END, at=AT, sleep=lambda s: None)
    assert not (project.steward.spec.base_dir / "exports").exists()


def test_an_injected_delayed_partition_fails_source_freshness(tmp_path: Path) -> None:
    project = generated(tmp_path / "team", "delayed_partition")
    # The day's orders and events never got _SUCCESS, so its run refused them: the delay is
    # reported by source_freshness (not again as a pipeline failure), and the growth day it
    # cost by completeness.
    failures = assert_fails(
        project,
        pairs("profit.source_freshness", *PROFIT_READERS, "aggregate_engagement")
        | pairs("growth.completeness", "daily_growth", "aggregate_growth"),
        {"profit.source_freshness": "steward run --date 2026-03-05 --only",
         "growth.completeness": "steward backfill --start 2026-03-05 --end 2026-03-05"})
    assert "has no _SUCCESS marker" in failures[("profit.source_freshness",
                                                 "aggregate_profit")].message
    # before the deadline the same lake is only pending
    assert project.failures(at=morning_after(END, 7)) == {}


def test_injected_schema_drift_fails_the_orders_contract(tmp_path: Path) -> None:
    project = generated(tmp_path / "team", "schema_drift")
    failures = assert_fails(project, {("source.contract", "orders")},
                            {"source.contract": "steward run --date 2026-03-05"})
    failed = failures[("source.contract", "orders")]
    assert "column revenue: the column is double, expected DECIMAL(18,2)" in failed.message
    assert "part-0.parquet" in failed.message
    # the runs that would read it were refused, and say why in their run records
    assert project.steward.runs(pipeline="aggregate_profit", day=END)[0].error_kind == "source"


def test_an_injected_missing_day_fails_completeness(tmp_path: Path) -> None:
    project = generated(tmp_path / "team", "missing_day")
    missing = START + timedelta(days=7)  # the generator's default: the middle day
    month_end = date(2026, 2, 28)
    failures = project.failures(month_end)
    # The runs that needed the missing day refused it (which ones depends on how far back
    # each model reads); the growth days it cost are named with the backfill that fixes them.
    assert pairs("growth.completeness", "aggregate_growth") <= set(failures)
    assert set(failures) <= pairs("growth.completeness", "daily_growth", "aggregate_growth") | \
        pairs("profit.pipeline_failure", *PROFIT_READERS, "aggregate_engagement")
    for key, result in failures.items():
        if key[0] == "profit.pipeline_failure":
            assert result.figures["classification"] == "source_data"
            assert f"date={missing}" in result.message
    month = failures[("growth.completeness", "aggregate_growth")]
    assert month.figures["missing_days"][0] == missing.isoformat()
    assert f"steward backfill --start {missing} --end" in month.message


# ------------------------------------------------------------------ by editing the lake
def test_an_edited_aggregate_fails_reconciliation_and_blocks_the_export(clean: Project) -> None:
    lake(clean).rewrite("aggregate_profit", END.isoformat(), revenue=Decimal("1.00"))
    failures = assert_fails(clean, pairs("profit.reconciliation", *PROFIT)
                            | pairs("output.invariants", "aggregate_profit"),
                            {"profit.reconciliation": "steward run --date 2026-03-05"})
    assert failures[("profit.reconciliation", "aggregate_profit")].figures["revenue"][
        "aggregate_profit"] == 1.0
    with pytest.raises(RunFailed, match="export of 2026-03-05 refused"):
        clean.steward.export(END, at=AT, sleep=lambda s: None)


def test_a_failed_run_fails_pipeline_failure_classified(clean: Project) -> None:
    store = clean.steward.store
    run = record_start(store, run_id="r-oom", pipeline="aggregate_profit", partition=str(END),
                       start=END, end=END, engine="duckdb", started_at=AT)
    record_finish(store, run, status="failed", finished_at=AT, error_kind="resource",
                  error_message="Out of Memory Error: could not allocate block")
    killed = record_start(store, run_id="r-kill", pipeline="daily_growth",
                          partition=str(END), start=END, end=END, engine="duckdb",
                          started_at=AT)  # never finished: killed outright
    failures = assert_fails(
        clean, pairs("profit.pipeline_failure", "aggregate_profit", "daily_growth"),
        {"profit.pipeline_failure": "compute.memory_limit"},
        day=END)
    assert {r.figures["classification"] for r in failures.values()} == {"resource_limit"}
    assert killed


def test_data_landing_after_the_run_fails_source_freshness(clean: Project) -> None:
    folder = clean.lake / "sources/orders" / f"date={END}"
    table = pq.read_table(folder / "part-0.parquet").slice(0, 1)
    index = table.schema.get_field_index("order_id")
    table = table.set_column(index, "order_id", pa.array([10**15], pa.int64()))
    pq.write_table(table, folder / "part-late.parquet")  # a new order lands now, after the run
    assert_fails(clean, pairs("profit.source_freshness", *PROFIT_READERS),
                 {"profit.source_freshness": "to absorb the late data"})


def test_duplicated_rows_in_the_delivery_quarantine_the_partition(clean: Project) -> None:
    folder = clean.lake / "sources/orders" / f"date={END}"
    table = pq.read_table(folder / "part-0.parquet")
    pq.write_table(table.slice(0, 2), folder / "part-1.parquet")
    landed = (folder / "_SUCCESS").stat().st_mtime  # delivered with the partition, not late
    os.utime(folder / "part-1.parquet", (landed, landed))
    assert run_models(clean.steward, END, END, morning_after(END, 8))  # refused
    failures = assert_fails(clean, {("source.contract", "orders")},
                            {"source.contract": "re-deliver a fixed partition"})
    assert failures[("source.contract", "orders")].figures["violations"][
        "unique:order_id,loaded_at"]["rows"] == 2


def test_a_removed_success_marker_fails_source_freshness(clean: Project) -> None:
    (clean.lake / "sources/orders" / f"date={END}" / "_SUCCESS").unlink()
    assert_fails(clean, pairs("profit.source_freshness", *PROFIT_READERS),
                 {"profit.source_freshness": "once its _SUCCESS marker is in"})


def test_a_lost_daily_growth_day_fails_completeness(clean: Project) -> None:
    import shutil

    shutil.rmtree(clean.lake / "models/daily_growth/date=2026-03-02")
    assert_fails(clean, pairs("growth.completeness", "aggregate_growth"),
                 {"growth.completeness": "steward backfill --start 2026-03-02 --end 2026-03-02"})


def test_an_infinite_growth_rate_fails_calculation(clean: Project) -> None:
    lake(clean).rewrite("aggregate_growth", "2026-03", revenue_mom=float("inf"))
    assert_fails(clean, pairs("growth.calculation", "aggregate_growth")
                 | pairs("output.invariants", "aggregate_growth"),
                 {"growth.calculation": "steward run --date 2026-03-05 --only aggregate_growth"})


def test_a_wrong_total_users_fails_calculation(clean: Project) -> None:
    row = lake(clean).lake.model_day("daily_growth", END)[0]
    lake(clean).rewrite("daily_growth", END.isoformat(), total_users=row["total_users"] + 7)
    assert_fails(clean, pairs("growth.calculation", "aggregate_growth", "daily_growth"),
                 {"growth.calculation": "steward"})


def test_stale_logic_versions_fail_version_consistency(clean: Project) -> None:
    for day in ("2026-03-02", "2026-03-03"):
        lake(clean).rewrite("daily_growth", day, logic_version="0ld0ld0ld0ld")
    failures = assert_fails(
        clean, pairs("growth.version_consistency", "aggregate_growth"),
        {"growth.version_consistency": "steward backfill --start 2026-03-02 --end 2026-03-03"})
    assert set(failures[("growth.version_consistency", "aggregate_growth")].figures[
        "stale_days"]) == {"2026-03-02", "2026-03-03"}


def test_a_dau_off_the_active_user_definition_fails_alignment(clean: Project) -> None:
    row = lake(clean).lake.model_day("aggregate_engagement", END)[0]
    lake(clean).rewrite("aggregate_engagement", END.isoformat(), dau=row["dau"] + 3,
                        dau_returning=row["dau_returning"] + 3, wau=row["wau"] + 3,
                        mau=row["mau"] + 3, dau_web=row["dau_web"] + 3)
    assert_fails(clean, pairs("engagement.definition_alignment", "aggregate_engagement"),
                 {"engagement.definition_alignment": "steward run --date 2026-03-05"})


def test_users_counted_in_two_categories_fail_overlap(clean: Project) -> None:
    row = lake(clean).lake.model_day("aggregate_engagement", END)[0]
    lake(clean).rewrite("aggregate_engagement", END.isoformat(), dau_new=row["dau_new"] + 2)
    assert_fails(clean, pairs("engagement.overlap", "aggregate_engagement"),
                 {"engagement.overlap": "steward run --date 2026-03-05 --only "
                                        "aggregate_engagement"})


def test_an_exported_file_changed_afterwards_fails_export(clean: Project) -> None:
    clean.steward.export(END, at=AT, sleep=lambda s: None)
    csv = clean.steward.spec.base_dir / "exports/month/month=2026-03/investor_metrics.csv"
    csv.write_text(csv.read_text().replace("aggregate_growth,revenue,", "aggregate_growth,"
                                           "revenue,1"))
    assert_fails(clean, pairs("engagement.export", "aggregate_engagement"),
                 {"engagement.export": "steward export --date 2026-03-05"})
