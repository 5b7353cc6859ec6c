"""`steward incidents list|escalate`, in process: DESIGN section 9's JSON, undelivered pages."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from tests.incidents.receivers import http_inbox
from tests.incidents.team import fail, team
from tests.incidents.test_paging import A_AWAY, MARCH, XMAS
from typer.testing import CliRunner

from pipesteward.app import Steward
from pipesteward.cli import app


def steward_cli(spec: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--spec", str(spec)])


def test_list_json_has_the_deliveries_and_escalate_pages_the_next_level(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with http_inbox() as inbox:
        steward = team(project, {e: [inbox.url(f"{e}/token-{e}")] for e in "BC"}, A_AWAY)
        for name, value in steward.env.items():
            monkeypatch.setenv(name, value)  # the CLI reads the secrets from the environment
        (opened,) = fail(steward, XMAS)
        done = steward_cli(project, "incidents", "list", "--json")
        assert done.exit_code == 0, done.output
        (incident,) = json.loads(done.stdout)["incidents"]
        assert {"id", "key", "pipeline", "check", "partition", "status", "responder",
                "opened_at", "deliveries"} <= set(incident)
        assert (incident["id"], incident["check"], incident["responder"]) == (
            opened, "profit.reconciliation", "B")
        (delivery,) = incident["deliveries"]
        assert {"engineer", "channel", "status", "at"} <= set(delivery)
        assert (delivery["engineer"], delivery["status"], delivery["at"]) == (
            "B", "sent", XMAS.isoformat())
        assert delivery["channel"] == f"json://127.0.0.1:{inbox.port}/***"
        assert "token-B" not in done.stdout

        early = steward_cli(project, "incidents", "escalate", "--at",
                            (XMAS + timedelta(minutes=10)).isoformat())
        assert early.exit_code == 0 and "nothing to escalate" in early.stdout
        done = steward_cli(project, "incidents", "escalate", "--at",
                           (XMAS + timedelta(minutes=15)).isoformat(), "--json")
        assert done.exit_code == 0, done.output
        (escalated,) = json.loads(done.stdout)["escalated"]
        assert escalated["level"] == 2 and len(inbox.pages("C/token-C")) == 1
        assert "token-C" not in done.stdout


def test_list_says_when_a_page_was_not_delivered(steward: Steward) -> None:
    fail(steward, MARCH)  # the example team has no notify URLs
    done = steward_cli(steward.spec.base_dir / "steward.yaml", "incidents", "list")
    assert done.exit_code == 0, done.output
    assert "incident 1 undelivered: no notify URLs for " in done.stdout
