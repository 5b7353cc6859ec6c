"""The day's cycle in the project's Dagster jobs: models, their runbook checks in the same run
(recorded in the ops store), then the month and the investor export, blocked by a failed
blocking check; complete lineage; `steward run` and `steward backfill` under the job names."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from pipesteward.app import Steward
from pipesteward.metrics.models import MODELS, SHARED
from pipesteward.orchestration.checks import DAY_TAG
from pipesteward.orchestration.definitions import build
from pipesteward.orchestration.execute import run_range
from pipesteward.orchestration.instance import instance
from tests.metrics.lakes import END, START, make_lake

DAY = END - timedelta(days=1)


@pytest.fixture
def steward(project: Path) -> Steward:
    s = Steward.from_path(project, env={}, executor=run_range)
    make_lake(s.paths.lake, users=200)
    return s


def run_job(steward: Steward, job: str, partition: str, **tags: str) -> Any:
    inst = instance(steward.paths.dagster_home, steward.spec.base_dir)
    try:
        return build(steward).defs.resolve_job_def(job).execute_in_process(
            partition_key=partition, instance=inst, raise_on_error=False,
            tags={DAY_TAG: DAY.isoformat(), **tags})
    finally:
        inst.dispose()


def evaluations(result: Any) -> dict[tuple[str, str], Any]:
    return {(e.asset_key.to_user_string(), e.check_name): e
            for e in result.get_asset_check_evaluations()}


def exported(result: Any) -> list[Any]:
    return [e for e in result.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey("investor_export")]


def test_every_model_shows_the_sources_and_shared_relations_it_reads(steward: Steward) -> None:
    graph = build(steward).defs.resolve_asset_graph()
    for name, m in MODELS.items():
        parents = {k.to_user_string() for k in graph.get(dg.AssetKey(name)).parent_keys}
        assert {f"sources/{t}" for t in m.reads} <= parents, name
        assert {f"shared/{s}" for s in m.shared} <= parents, name
        assert set(m.upstream) <= parents, name
    for name, shared in SHARED.items():
        parents = {k.to_user_string() for k in graph.get(dg.AssetKey(["shared", name])).parent_keys}
        assert parents == {f"sources/{t}" for t in shared.sources}
    for name in ("unit_profit", "daily_growth", "aggregate_engagement"):
        assert graph.get(dg.AssetKey(name)).parent_keys, f"{name} shows no upstream"
    export = graph.get(dg.AssetKey("investor_export")).parent_keys
    assert {k.to_user_string() for k in export} == {
        "aggregate_profit", "aggregate_growth", "aggregate_engagement"}


def test_a_day_runs_its_checks_in_the_same_run_then_its_month_exports(steward: Steward) -> None:
    assert steward.run_models(START, DAY - timedelta(days=1)).ok  # the history before the day
    daily = run_job(steward, "daily_models", DAY.isoformat())
    assert daily.success
    everything = evaluations(daily)
    assert all(e.passed for e in everything.values())
    # the sources' checks show under the sources, the runbook checks under the pipelines
    assert {p for p, _ in everything if p.startswith("sources/")} == {
        "sources/users", "sources/orders", "sources/events"}
    found = {k: e for k, e in everything.items() if not k[0].startswith("sources/")}
    daily_pipelines = {"unit_profit", "aggregate_profit", "daily_growth", "aggregate_engagement"}
    assert {p for p, _ in found} == daily_pipelines
    figures = found[("aggregate_profit", "profit__reconciliation")].metadata["figures"].value
    assert figures  # the numbers the check compared, in the UI
    recorded = {(r["id"], r["pipeline"]) for r in steward.check_results(limit=100)
                if r["day"] == DAY.isoformat()}
    # The sources' checks run in the same run (recorded, not assets of a pipeline).
    sources = {(i, p) for i, p in recorded if i.startswith("source.")}
    assert {p for _, p in sources} == {"users", "orders", "events"}
    assert ("profit.reconciliation", "aggregate_profit") in recorded
    assert len(recorded - sources) == len(found)
    # ... once per run: not once per pipeline's check step reading the source
    rows = [(r["id"], r["pipeline"], r["partition"]) for r in steward.check_results(limit=500)
            if r["id"].startswith("source.")]
    assert len(rows) == len(set(rows)), sorted(rows)

    month = run_job(steward, "investor_month", DAY.strftime("%Y-%m"))
    assert month.success
    # the month's run checks the sources once more (its own run), its export does not again
    rows = [(r["id"], r["pipeline"], r["partition"]) for r in steward.check_results(limit=500)
            if r["id"].startswith("source.")]
    assert len(rows) == 2 * len(set(rows)), sorted(rows)
    assert all(e.passed for e in evaluations(month).values())
    (export,) = exported(month)
    assert export.materialization.metadata["day"].value == DAY.isoformat()
    assert export.materialization.metadata["verified"].value > 0
    files = steward.spec.base_dir / "exports"
    assert any(files.rglob("*.csv")) and any(files.rglob("manifest*"))


def test_a_failed_blocking_check_stops_the_export(steward: Steward) -> None:
    assert steward.run_models(START, DAY).ok
    # A day of the month lost its daily_growth row: growth.completeness fails, and blocks.
    shutil.rmtree(steward.paths.lake / "models" / "daily_growth" / f"date={DAY:%Y-%m}-02")
    month = run_job(steward, "investor_month", DAY.strftime("%Y-%m"))
    failed = {k for k, e in evaluations(month).items() if not e.passed}
    assert ("aggregate_growth", "growth__completeness") in failed
    assert not exported(month)
    assert not (steward.spec.base_dir / "exports").exists()
    assert "growth.completeness" in {i["check"] for i in steward.incidents("open")}


def test_command_runs_are_under_the_job_names_and_tagged(steward: Steward) -> None:
    report = steward.run_models(DAY, DAY, tags={"pipesteward/command": "run"})
    assert report.ok
    inst = instance(steward.paths.dagster_home, steward.spec.base_dir)
    try:
        runs = [inst.get_run_by_id(r) for r in report.dagster_runs]
        assert [r.job_name for r in runs if r] == ["daily_models", "investor_month"]
        assert all(r and r.tags["pipesteward/command"] == "run" for r in runs)
        assert all(r and r.tags[DAY_TAG] == DAY.isoformat() for r in runs)
        found = inst.get_run_records(dg.RunsFilter(tags={"pipesteward/command": "run"}))
        assert {r.dagster_run.run_id for r in found} == set(report.dagster_runs)
        # no checks in these runs: the command checks the day itself, once
        for run_id in report.dagster_runs:
            assert not inst.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    finally:
        inst.dispose()


def test_the_dagster_config_is_relative_so_a_copy_keeps_its_own_history(
        steward: Steward, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster._core.instance.ref import InstanceRef

    assert steward.run_models(DAY, DAY, only=["aggregate_profit"]).ok
    project = steward.spec.base_dir
    text = (steward.paths.dagster_home / "dagster.yaml").read_text()
    assert str(tmp_path) not in text and "base_dir: .steward/dagster/history" in text
    assert (project / "dagster.yaml").read_text() == text

    def runs_in(folder: Path) -> int:
        monkeypatch.chdir(folder)  # what `dagster dev` does without DAGSTER_HOME
        scratch = folder / ".tmp_dagster_home_test"
        scratch.mkdir(exist_ok=True)
        with dg.DagsterInstance.from_ref(
                InstanceRef.from_dir(str(scratch), config_dir=str(folder))) as inst:
            return len(inst.get_runs())

    assert runs_in(project) == 1  # dagster dev from the project folder sees the same history
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    moved = Steward.from_path(copy / "steward.yaml", env={}, executor=run_range)
    assert moved.run_models(DAY, DAY, only=["aggregate_profit"]).ok
    assert runs_in(copy) == 2 and runs_in(project) == 1


def test_the_sources_show_their_checks_and_a_broken_partition_fails_under_its_source(
        steward: Steward) -> None:
    defs = build(steward).defs
    graph = defs.resolve_asset_graph()
    on_orders = {k.name for k in graph.get_check_keys_for_assets({dg.AssetKey(["sources",
                                                                               "orders"])})}
    assert {"source__contract", "source__volume"} <= on_orders
    assert steward.run_models(START, DAY - timedelta(days=1)).ok
    from tests.orchestration.test_sensors import drift

    drift(steward, "orders", DAY, "revenue")  # the column arrives as text
    daily = run_job(steward, "daily_models", DAY.isoformat())
    assert not daily.success  # the models refuse the quarantined partition
    found = evaluations(daily)
    contract = found[("sources/orders", "source__contract")]
    assert not contract.passed
    assert f"sources/orders/date={DAY}" in contract.description
    assert "revenue" in contract.description
    assert found[("sources/events", "source__contract")].passed
