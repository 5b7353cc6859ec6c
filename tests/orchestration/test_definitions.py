"""The Dagster definitions load, carry the spec's owners and policies, and materialise in
process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipesteward.app import Steward
from pipesteward.orchestration.definitions import build
from pipesteward.orchestration.execute import run_range
from pipesteward.orchestration.instance import instance
from tests.metrics.lakes import END, START, make_lake


@pytest.fixture
def steward(project: Path) -> Steward:
    s = Steward.from_path(project, env={}, executor=run_range)
    make_lake(s.paths.lake, users=300)
    return s


def test_definitions_load_with_owners_partitions_and_policies(steward: Steward) -> None:
    defs = build(steward).defs
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"unit_profit", "aggregate_growth", "sources/orders", "sources/events"} <= keys
    unit = graph.get(dg.AssetKey("unit_profit"))
    assert unit.owners == ["engineer-a@example.com", "engineer-b@example.com"]
    assert unit.backfill_policy == dg.BackfillPolicy.single_run()
    assert unit.partitions_def.get_first_partition_key() == str(START)
    growth = graph.get(dg.AssetKey("aggregate_growth"))
    assert growth.partitions_def.get_first_partition_key() == "2025-01"
    assert dg.AssetKey("daily_growth") in growth.parent_keys
    assert not defs.schedules  # the daily_cycle sensor requests each day, once
    assert {s.name for s in defs.sensors} == {"daily_cycle", "run_failures", "deadlines",
                                              "escalation"}
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in defs.sensors)


def test_a_range_materialises_in_process_as_one_run_per_grain(steward: Steward) -> None:
    report = steward.run_models(START, END)
    assert report.ok, report.failures
    assert len(report.dagster_runs) == 2  # the daily models, then aggregate_growth
    assert [(r.model, r.partitions) for r in report.results][-1] == ("aggregate_growth", 3)
    inst = instance(steward.paths.dagster_home, steward.spec.base_dir)
    status = inst.get_run_by_id(report.dagster_runs[0]).status
    assert status == dg.DagsterRunStatus.SUCCESS
    runs = steward.runs(pipeline="daily_growth")
    assert runs[0].status == "succeeded" and (runs[0].start, runs[0].end) == (START, END)
    assert runs[0].run_id == report.dagster_runs[0]
    assert {s["table"] for s in runs[0].sources} == {"users", "events", "orders"}


@pytest.mark.slow
def test_dagster_definitions_validate(steward: Steward, project: Path) -> None:
    exe = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(exe), "definitions", "validate", "-m", "pipesteward.orchestration"],
        capture_output=True, text=True, cwd=project.parent,
        env={**os.environ, "STEWARD_SPEC": str(project)}, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
