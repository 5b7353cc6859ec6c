"""The runbook checks run in Dagster as asset checks, with the registry's severities and
blocking on investor pipelines."""

from __future__ import annotations

from datetime import date

import dagster as dg
import pytest

from pipesteward.app import Steward
from pipesteward.checks.registry import CHECKS
from pipesteward.checks.sources import TABLES
from pipesteward.orchestration.checks import asset_checks, check_name
from tests.checks.lakes import VERSIONS, HandLake, build


@pytest.fixture
def team(steward: Steward, monkeypatch: pytest.MonkeyPatch) -> Steward:
    monkeypatch.setattr("pipesteward.checks.service.current_versions", lambda s: dict(VERSIONS))
    build(steward.paths.lake)
    return steward


def defs_for(steward: Steward) -> dg.Definitions:
    return dg.Definitions(assets=[*(dg.AssetSpec(p.id) for p in steward.spec.pipelines),
                                  *(dg.AssetSpec(["sources", t]) for t in TABLES)],
                          asset_checks=asset_checks(steward))


def run_checks(steward: Steward, day: date) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    job = defs_for(steward).resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(tags={"dagster/partition": day.isoformat()},
                                    raise_on_error=False)
    return {(e.asset_key.to_user_string(), e.check_name): e
            for e in result.get_asset_check_evaluations()}


def test_every_check_is_an_asset_check_with_its_severity_and_blocking(team: Steward) -> None:
    every = {(s.asset_key.to_user_string(), s.name): s
             for d in asset_checks(team) for s in d.check_specs}
    specs = {k: s for k, s in every.items() if not k[0].startswith("sources/")}
    expected = {(p, check_name(c.id)) for c in CHECKS for p in c.pipelines if c.scope == "pipeline"}
    assert set(specs) == expected and len(specs) == 23
    # the sources' checks are on the source assets (not blocking there: the runner refuses
    # a quarantined partition and the facade blocks the export)
    on_sources = {k for k in every if k[0].startswith("sources/")}
    assert on_sources == {(f"sources/{t}", check_name(c.id)) for c in CHECKS
                          if c.scope == "source" for t in c.pipelines}
    assert not any(every[k].blocking for k in on_sources)
    audience = {p.id: p.audience for p in team.spec.pipelines}
    for (pipeline, name), spec in specs.items():
        check = next(c for c in CHECKS if check_name(c.id) == name)
        assert spec.blocking == (check.blocking and audience[pipeline] == "investors")
        assert spec.metadata["severity"] == check.severity.value
    assert specs[("aggregate_profit", "profit__reconciliation")].blocking
    assert not specs[("unit_profit", "profit__reconciliation")].blocking
    assert not specs[("aggregate_engagement", "engagement__export")].blocking


def test_asset_checks_pass_on_a_clean_lake_and_fail_on_a_broken_one(team: Steward) -> None:
    day = date(2026, 3, 2)
    evaluations = run_checks(team, day)
    assert len(evaluations) == 23 + 7 and all(e.passed for e in evaluations.values())
    HandLake(team.paths.lake, []).rewrite("aggregate_profit", day.isoformat(), orders=999)
    evaluations = run_checks(team, day)
    failed = {k for k, e in evaluations.items() if not e.passed}
    assert failed == {("aggregate_profit", "profit__reconciliation"),
                      ("unit_profit", "profit__reconciliation")}
    evaluation = evaluations[("aggregate_profit", "profit__reconciliation")]
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert "steward run --date 2026-03-02" in evaluation.description
    # the same results went to the ops store: the incident is open
    assert {i["check"] for i in team.incidents("open")} == {"profit.reconciliation"}


def test_the_project_definitions_carry_the_checks(team: Steward) -> None:
    from pipesteward.orchestration.definitions import build

    defs = build(team).defs
    keys = {(k.asset_key.to_user_string(), k.name)
            for k in defs.resolve_asset_graph().asset_check_keys}
    assert ("aggregate_profit", "profit__reconciliation") in keys and len(keys) == 23 + 7
    assert ("sources/orders", "source__contract") in keys


def test_checks_run_by_a_command_show_in_the_dagster_ui(team: Steward) -> None:
    from typer.testing import CliRunner

    from pipesteward.cli import app
    from pipesteward.orchestration.instance import instance

    spec = team.spec.base_dir / "steward.yaml"
    done = CliRunner().invoke(app, ["check", "--date", "2026-03-02", "--spec", str(spec)])
    assert done.exit_code == 0, done.output
    inst = instance(team.paths.dagster_home, team.spec.base_dir)
    try:
        logs = inst.all_logs("", of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        found = {(e.get_dagster_event().event_specific_data.asset_key.to_user_string(),
                  e.get_dagster_event().event_specific_data.check_name) for e in logs}
    finally:
        inst.dispose()
    assert ("aggregate_profit", "profit__reconciliation") in found and len(found) == 30
    assert ("sources/orders", "source__contract") in found  # shown on the source asset
