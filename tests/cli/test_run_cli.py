"""`steward data generate`, `steward run`, `steward backfill` and `steward runs`, in process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.metrics.lakes import model_files
from typer.testing import CliRunner

from pipesteward.cli import app

runner = CliRunner()


def steward(*args: str) -> object:
    return runner.invoke(app, list(args))


def test_generate_run_twice_backfill_and_runs(project: Path) -> None:
    spec = str(project)
    done = steward("data", "generate", "--spec", spec, "--start", "2025-02-20", "--days", "12",
                   "--users", "1000", "--seed", "4", "--json")
    assert done.exit_code == 0, done.output
    generated = json.loads(done.output)
    assert generated["rows"]["events"] > 0 and generated["partitions"] > 12

    done = steward("backfill", "--spec", spec, "--start", "2025-02-20", "--end", "2025-03-03",
                   "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["ok"] and len(report["pipelines"]) == 5
    assert all(p["status"] == "succeeded" for p in report["pipelines"])
    first = steward("run", "--spec", spec, "--date", "2025-03-03", "--only",
                    "unit_profit,aggregate_profit,daily_growth,aggregate_engagement,"
                    "aggregate_growth")
    assert first.exit_code == 0, first.output
    lake = project.parent / ".steward" / "lake"
    before = model_files(lake)
    again = steward("run", "--spec", spec, "--date", "2025-03-03", "--only",
                    "unit_profit,aggregate_profit,daily_growth,aggregate_engagement,"
                    "aggregate_growth")
    assert again.exit_code == 0, again.output
    assert model_files(lake) == before  # identical bytes
    assert "aggregate_growth" in again.output

    done = steward("backfill", "--spec", spec, "--start", "2025-02-20", "--end", "2025-03-03",
                   "--only", "aggregate_profit,unit_profit", "--json")
    assert done.exit_code == 0, done.output
    assert [p["pipeline"] for p in json.loads(done.output)["pipelines"]] == [
        "unit_profit", "aggregate_profit"]  # nothing upstream, nothing else

    listed = json.loads(steward("runs", "--spec", spec, "--json").output)["runs"]
    assert listed[0]["status"] == "succeeded" and listed[0]["sources"]


def test_a_missing_source_day_fails_with_exit_1_and_names_it(project: Path) -> None:
    spec = str(project)
    assert steward("data", "generate", "--spec", spec, "--start", "2025-02-20", "--days", "5",
                   "--users", "200").exit_code == 0
    assert steward("backfill", "--spec", spec, "--start", "2025-02-20",
                   "--end", "2025-02-23").exit_code == 0
    lake = project.parent / ".steward" / "lake"
    before = model_files(lake)
    shutil.rmtree(lake / "sources" / "orders" / "date=2025-02-23")
    done = steward("run", "--spec", spec, "--date", "2025-02-23")
    assert done.exit_code == 1
    assert "source orders, partition date=2025-02-23: no partition" in done.output
    assert "Traceback" not in done.output
    assert model_files(lake) == before


def test_bad_arguments_exit_2(project: Path) -> None:
    done = steward("run", "--spec", str(project), "--date", "2025-02-30")
    assert done.exit_code == 2 and "not a date" in done.output
    done = steward("run", "--spec", str(project), "--date", "2025-02-01", "--only", "nope")
    assert done.exit_code == 2 and "unknown pipeline 'nope'" in done.output
    done = steward("data", "generate", "--spec", str(project), "--start", "2025-02-01",
                   "--days", "3", "--users", "100", "--inject", "gremlins")
    assert done.exit_code == 2 and "unknown kind" in done.output


def test_run_json_carries_checks_and_exports_and_says_when_a_check_failed(
        project: Path) -> None:
    spec = str(project)
    assert steward("data", "generate", "--spec", spec, "--start", "2025-02-20", "--days", "6",
                   "--users", "200").exit_code == 0
    assert steward("backfill", "--spec", spec, "--start", "2025-02-20",
                   "--end", "2025-02-24").exit_code == 0
    done = steward("run", "--spec", spec, "--date", "2025-02-25", "--json")
    assert done.exit_code == 0, done.output
    clean = json.loads(done.stdout)
    assert clean["ok"] is True and len(clean["checks"]) == 30
    assert {e["status"] for e in clean["exports"]} == {"verified"}
    # A month with a day missing: growth.completeness (ERROR, blocking) fails on the next run.
    shutil.rmtree(project.parent / ".steward/lake/models/daily_growth/date=2025-02-21")
    done = steward("run", "--spec", spec, "--date", "2025-02-25", "--json")
    assert done.exit_code == 1
    failed = json.loads(done.stdout)
    assert failed["ok"] is False and failed["exports"] == []
    assert [c["id"] for c in failed["checks"] if not c["passed"]] == ["growth.completeness"]


def test_runs_are_one_line_each_in_the_teams_time_at_80_columns(project: Path) -> None:
    from datetime import UTC, date, datetime

    from pipesteward.app import Steward
    from pipesteward.store.runs import record_finish, record_start

    store = Steward.from_path(project, env={}).store
    at = datetime(2026, 3, 10, 12, 0, 5, 123456, tzinfo=UTC)  # 08:00 in New York
    for n, pipeline in enumerate(("aggregate_engagement", "unit_profit")):
        rid = record_start(store, run_id=f"r{n}", pipeline=pipeline, partition="2026-03-09",
                           start=date(2026, 3, 9), end=date(2026, 3, 9), engine="duckdb",
                           started_at=at)
        record_finish(store, rid, status="failed", finished_at=at.replace(minute=7),
                      error_kind="resource", error_message="Out of Memory Error: could not "
                      "allocate block of size 256 KiB\n(the line break of a JVM stack)")
    done = runner.invoke(app, ["runs", "--spec", str(project)], env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert len(lines) == 1 + 2 + 2 + 1 and all(len(line) <= 80 for line in lines), lines
    assert all(" 03-10 08:00  08:07 " in line and line.rstrip().endswith("…")
               for line in lines[3:5])
    assert lines[-1].rstrip() == "times in America/New_York"
