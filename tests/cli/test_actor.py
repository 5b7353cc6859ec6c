"""Who acts: `--by`, else STEWARD_ENGINEER, else the engineer concerned; someone on the team;
oneself, or anyone for the lead; the audit log names them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipesteward.app import Steward
from pipesteward.cli import app
from pipesteward.incidents.lifecycle import raise_incident

AT = datetime(2026, 3, 10, 12, tzinfo=UTC)


def cli(spec: Path, *args: str, engineer: str | None = None):  # type: ignore[no-untyped-def]
    env = {"STEWARD_ENGINEER": engineer} if engineer else {}
    return CliRunner().invoke(app, [*args, "--spec", str(spec)], env=env)


@pytest.fixture
def incident(project: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("STEWARD_ENGINEER", raising=False)
    store = Steward.from_path(project, env={}).store
    with store.transaction() as session:
        opened, _ = raise_incident(session, check_id="profit.reconciliation",
                                   pipeline="aggregate_profit", partition="2026-03-09",
                                   message="unit and aggregate profit differ", figures={},
                                   at=AT)
        return str(opened.id)


def last_actor(spec: Path) -> tuple[str, str]:
    entry = Steward.from_path(spec, env={}).store.audit_log(limit=1)[0]
    return entry.actor, entry.action


def test_an_incident_action_with_nobody_named_is_refused(project: Path, incident: str) -> None:
    done = cli(project, "incidents", "ack", incident)
    assert done.exit_code == 2
    assert "pass --by ENGINEER or set STEWARD_ENGINEER" in done.output
    assert "Traceback" not in done.output


def test_an_actor_not_on_the_team_is_refused(project: Path, incident: str) -> None:
    done = cli(project, "incidents", "ack", incident, "--by", "Z")
    assert done.exit_code == 2 and "--by Z: not an engineer of the team" in done.output
    done = cli(project, "incidents", "resolve", incident, engineer="Z")
    assert done.exit_code == 2 and "STEWARD_ENGINEER Z: not an engineer" in done.output


def test_the_audit_log_records_who_acked_and_resolved(project: Path, incident: str) -> None:
    assert cli(project, "incidents", "ack", incident, engineer="B").exit_code == 0
    assert last_actor(project) == ("B", "incident.acknowledged")
    # --by wins over the environment
    assert cli(project, "incidents", "resolve", incident, "--by", "C",
               engineer="B").exit_code == 0
    assert last_actor(project) == ("C", "incident.resolved")


def test_an_engineer_acts_for_themself_and_the_lead_for_anyone(project: Path,
                                                               incident: str) -> None:
    args = ["oncall", "unavailable", "add", "--engineer", "A", "--from", "2026-12-24",
            "--to", "2026-12-27"]
    refused = cli(project, *args, engineer="B")
    assert refused.exit_code == 2 and "B cannot act for A" in refused.output
    assert cli(project, *args).exit_code == 0  # nobody named: the engineer concerned
    assert last_actor(project)[0] == "A"
    project.write_text(project.read_text().replace("lead: null", "lead: D"))
    assert cli(project, *args, "--by", "D").exit_code == 0
    assert last_actor(project)[0] == "D"


def test_applying_a_plan_is_the_leads(project: Path, incident: str) -> None:
    args = ["oncall", "plan", "--year", "2026", "--apply"]
    project.write_text(project.read_text().replace("lead: null", "lead: D"))
    refused = cli(project, *args, "--by", "A")
    assert refused.exit_code == 2 and "A cannot act for D" in refused.output


def test_the_help_says_the_cli_trusts_the_name(project: Path) -> None:
    done = CliRunner().invoke(app, ["incidents", "ack", "--help"], env={"COLUMNS": "200"})
    assert "holds no password" in done.output and "STEWARD_ENGINEER" in done.output
