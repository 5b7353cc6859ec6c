"""`steward incidents list|show` as a person reads them: one line per incident at 80 and 120
columns, times in the team's zone to the minute, and one incident in full on demand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.incidents.receivers import http_inbox
from tests.incidents.team import failing, team
from typer.testing import CliRunner

from pipesteward.app import Steward
from pipesteward.checks.result import CheckResult
from pipesteward.cli import app

# 12:00:05.123456 UTC is 08:00 in New York (daylight time since 8 March).
AT = datetime(2026, 3, 10, 12, 0, 5, 123456, tzinfo=UTC)
CHECKS = ["profit.reconciliation", "growth.completeness", "engagement.definition_alignment",
          "profit.source_freshness", "growth.version_consistency"]
PIPELINES = ["aggregate_profit", "aggregate_growth", "aggregate_engagement"]
MESSAGE = ("unit-level and aggregate profit disagree by 100.00 on revenue; run `steward "
           "backfill --start 2026-03-01 --end 2026-03-02`, then `steward check --date 2026-03-02`")


def steward_cli(spec: Path, *args: str, columns: int = 80):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--spec", str(spec)], env={"COLUMNS": str(columns)})


def open_fifteen(steward: Steward) -> None:
    """Fifteen incidents a minute apart, the newest at 08:14 New York time."""
    for n in range(15):
        r = failing(CHECKS[n % 5], PIPELINES[n % 3], f"2026-03-{n + 1:02d}")
        r = CheckResult(r.id, r.pipeline, r.partition, False, r.severity, True, MESSAGE,
                        r.figures)
        steward._incidents().record([r], day=r.partition, at=AT + timedelta(minutes=n))


@pytest.mark.parametrize(("columns", "opened"), [
    (80, "03-10 08:14"), (120, "2026-03-10 08:14"), (160, "2026-03-10 08:14")])
def test_the_list_is_one_line_per_incident(steward: Steward, columns: int, opened: str) -> None:
    open_fifteen(steward)
    done = steward_cli(steward.spec.path, "incidents", "list", columns=columns)
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert all(len(line) <= columns for line in lines), lines
    rows = [line for line in lines if line[:1].isdigit()]
    assert [int(r.split()[0]) for r in rows] == list(range(15, 0, -1))
    assert len(lines) == 15 + 4, lines  # header, rule, the zone, the undelivered line
    assert f" {opened} " in rows[0] and "2026-03-15" in rows[0]
    assert "+00:00" not in done.stdout and "12:14" not in done.stdout and ".123" not in done.stdout
    assert all(r.rstrip().endswith("…") for r in rows)  # the message is cut, visibly
    assert "times in America/New_York" in lines[-2]
    assert lines[-1] == "incidents 1-15 undelivered: no notify URLs for D"
    if columns >= 120:  # whole ids where they fit
        assert "engagement.definition_alignment" in done.stdout
        assert "aggregate_engagement" in done.stdout
    assert ("D: undelivered" in rows[0]) == (columns >= 140)


def test_show_is_the_whole_incident(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with http_inbox() as inbox:
        steward = team(project, {"D": [inbox.url("D/token-D")]})
        for name, value in steward.env.items():
            monkeypatch.setenv(name, value)
        r = failing("profit.reconciliation", "aggregate_profit", "2026-03-09")
        (opened,) = steward._incidents().record(
            [CheckResult(r.id, r.pipeline, r.partition, False, r.severity, True, MESSAGE,
                         r.figures)], day="2026-03-09", at=AT).opened
        steward._incidents().page(AT)
        acked = steward_cli(project, "incidents", "ack", str(opened), "--by", "D",
                            "--at", "2026-03-10T08:20")
        assert acked.exit_code == 0, acked.output
        done = steward_cli(project, "incidents", "show", str(opened))
    assert done.exit_code == 0, done.output
    text = done.stdout
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert text.startswith(f"incident {opened}: profit.reconciliation on aggregate_profit, "
                           "partition 2026-03-09")
    flat = " ".join(text.split())
    assert "opened 2026-03-10 08:00 (America/New_York)" in flat
    assert "acknowledged by D 2026-03-10 08:20" in flat
    assert " ".join(MESSAGE.split()) in flat  # the whole message, wrapped at words
    assert '"difference": 100.0' in text
    assert "runbook step (aggregate_profit.md)" in text and "Data Inconsistencies" in text
    assert "Pipeline Failures" not in text  # only the step of its check
    assert "level 1: D, due 2026-03-10 08:00 (paged)" in text
    assert "level 2: " in text and "(not yet paged)" in text
    delivery = next(line for line in text.splitlines() if "json://" in line)
    assert delivery.split()[:2] == ["1", "D"] and "sent" in delivery and "token-D" not in text
    actions = [line.split()[3] for line in text.split("\naudit\n")[1].splitlines()[2:]]
    assert actions == ["incident.paged", "page.sent", "incident.acknowledged"]
    assert "2026-03-10 08:20  D" in text  # who acknowledged, in the audit history

    data = json.loads(steward_cli(project, "incidents", "show", str(opened), "--json").stdout)
    assert data["runbook"]["file"] == "aggregate_profit.md"
    assert data["runbook"]["section"].startswith("### Data Inconsistencies")
    assert [h["action"] for h in data["history"]][-1] == "incident.acknowledged"
    assert data["history"][-1]["actor"] == "D"


def test_show_of_a_missing_incident_is_refused(steward: Steward) -> None:
    done = steward_cli(steward.spec.path, "incidents", "show", "99")
    assert done.exit_code == 2 and "no incident 99" in done.stderr
    assert "Traceback" not in done.output
