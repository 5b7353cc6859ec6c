"""A range's Dagster runs: where they are recorded, what they record, what a failure stops."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from pipesteward.app import Steward
from pipesteward.orchestration.execute import run_range
from pipesteward.orchestration.instance import EVENT_BATCH, batched_events
from pipesteward.orchestration.instance import instance as project_instance
from pipesteward.orchestration.storage import KeptOpenConsolidatedSqliteEventLogStorage
from tests.metrics.lakes import END, make_lake

START = END - timedelta(days=4)
DAYS = {(START + timedelta(days=i)).isoformat() for i in range(5)}
@pytest.fixture
def steward(project: Path) -> Steward:
    s = Steward.from_path(project, env={}, executor=run_range)
    make_lake(s.paths.lake, users=200)
    return s


def _instance(steward: Steward) -> dg.DagsterInstance:
    return project_instance(steward.paths.dagster_home, steward.spec.base_dir)


def _planned(instance: dg.DagsterInstance, run_id: str, asset: str) -> list[str]:
    logs = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
    planned = [e.get_dagster_event().event_specific_data for e in logs]
    return [p.partition for p in planned if p.asset_key == dg.AssetKey(asset)]


def _assert_recorded(steward: Steward, runs: list[str]) -> None:
    instance = _instance(steward)
    for run_id in runs:
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
    # A materialisation and a planned event per partition (the UI marks each partition).
    assert instance.get_materialized_partitions(dg.AssetKey("daily_growth")) == DAYS
    assert sorted(_planned(instance, runs[0], "daily_growth")) == sorted(DAYS)
    assert instance.get_materialized_partitions(dg.AssetKey("aggregate_growth")) == {
        START.strftime("%Y-%m")}


def test_a_new_home_keeps_every_run_in_one_event_log(
        steward: Steward, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EVENT_BATCH, raising=False)
    batches: list[int] = []
    store = KeptOpenConsolidatedSqliteEventLogStorage.store_event_batch

    def counted(self: KeptOpenConsolidatedSqliteEventLogStorage, events: Any) -> None:
        batches.append(len(events))
        store(self, events)

    monkeypatch.setattr(KeptOpenConsolidatedSqliteEventLogStorage, "store_event_batch", counted)
    report = steward.run_models(START, END)
    assert report.ok, report.failures
    history = steward.paths.dagster_home / "history"
    assert (history / "event_log.db").exists() and not (history / "runs").exists()
    _assert_recorded(steward, report.dagster_runs)
    # The planned events of the daily run, then each daily step's materialisations.
    assert batches[:5] == [4 * len(DAYS)] + [len(DAYS)] * 4
    assert EVENT_BATCH not in os.environ


def test_event_batching_is_scoped_and_yields_to_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EVENT_BATCH, raising=False)
    with batched_events(7):
        assert os.environ[EVENT_BATCH] == "7"
    assert EVENT_BATCH not in os.environ
    monkeypatch.setenv(EVENT_BATCH, "3")
    with batched_events(7):
        assert os.environ[EVENT_BATCH] == "3"
    assert os.environ[EVENT_BATCH] == "3"


def test_a_failed_daily_growth_fails_its_run_and_stops_the_month(steward: Steward) -> None:
    shutil.rmtree(steward.paths.lake / "sources" / "events" / f"date={END}")
    report = steward.run_models(START, END)
    assert not report.ok
    assert "daily_growth" in {f.model for f in report.failures}
    assert {f.kind for f in report.failures} == {"source"}
    assert len(report.dagster_runs) == 1  # no aggregate_growth run
    assert "aggregate_growth" not in {r.model for r in report.results}
    status = _instance(steward).get_run_by_id(report.dagster_runs[0]).status
    assert status == dg.DagsterRunStatus.FAILURE
