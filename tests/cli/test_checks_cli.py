"""`steward check`, `steward export`, `steward incidents`, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.checks.lakes import VERSIONS, HandLake, build
from typer.testing import CliRunner

from pipesteward.app import Steward
from pipesteward.cli import app

AT = "2026-03-10T12:00:00+00:00"


@pytest.fixture
def spec(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("pipesteward.checks.service.current_versions", lambda s: dict(VERSIONS))
    monkeypatch.setattr("pipesteward.checks.service.run_records", lambda s, d: [])
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # retries do not wait here
    build(Steward.from_path(project, env={}).paths.lake)
    return project


def steward(spec: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--spec", str(spec)])


def test_a_clean_lake_passes_every_check(spec: Path) -> None:
    done = steward(spec, "check", "--date", "2026-03-02", "--at", AT, "--json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["date"] == "2026-03-02"
    assert len(data["checks"]) == 30 and all(c["passed"] for c in data["checks"])
    assert set(data["checks"][0]) == {"id", "pipeline", "partition", "passed", "severity",
                                      "blocking", "message", "figures"}
    # Each check's pipelines, as the registry declares them: the ids that ran on them agree.
    assert data["covers"]["profit.pipeline_failure"] == [
        "aggregate_profit", "unit_profit", "daily_growth", "aggregate_growth",
        "aggregate_engagement"]
    for c in data["checks"]:
        assert c["pipeline"] in data["covers"][c["id"]], c
    table = steward(spec, "check", "--date", "2026-03-02", "--at", AT)
    assert table.exit_code == 0 and "30 passed, 0 failed" in table.stdout


def test_a_failed_check_exits_1_and_blocks_the_export(spec: Path) -> None:
    HandLake(spec.parent / ".steward" / "lake", []).rewrite(
        "aggregate_profit", "2026-03-02", orders=999)
    done = steward(spec, "check", "--date", "2026-03-02", "--at", AT, "--json")
    assert done.exit_code == 1
    failed = [c for c in json.loads(done.stdout)["checks"] if not c["passed"]]
    assert {(c["id"], c["pipeline"]) for c in failed} == {
        ("profit.reconciliation", "aggregate_profit"), ("profit.reconciliation", "unit_profit")}
    export = steward(spec, "export", "--date", "2026-03-02", "--at", AT)
    assert export.exit_code == 1
    assert "refused" in export.stderr and "steward export --date 2026-03-02" in export.stderr
    assert not (spec.parent / "exports").exists()


def test_export_then_incidents(spec: Path) -> None:
    done = steward(spec, "export", "--date", "2026-03-02", "--at", AT, "--json")
    assert done.exit_code == 0, done.output
    assert {e["status"] for e in json.loads(done.stdout)["exports"]} == {"verified"}
    csv = spec.parent / "exports/day/date=2026-03-02/investor_metrics.csv"
    csv.write_text(csv.read_text() + "day,2026-03-02,x,y,1.0,v\n")
    check = steward(spec, "check", "--date", "2026-03-02", "--at", AT)
    assert check.exit_code == 1 and "29 passed, 1 failed" in check.stdout
    listed = json.loads(steward(spec, "incidents", "list", "--json").stdout)["incidents"]
    assert [(i["check"], i["status"]) for i in listed] == [("engagement.export", "open")]
    assert listed[0]["deliveries"] == []
    ack = steward(spec, "incidents", "ack", str(listed[0]["id"]), "--by", "A", "--at", AT)
    assert ack.exit_code == 0
    resolved = steward(spec, "incidents", "resolve", str(listed[0]["id"]), "--by", "B",
                       "--at", AT)
    assert resolved.exit_code == 0
    assert json.loads(steward(spec, "incidents", "list", "--json").stdout)["incidents"][0][
        "status"] == "resolved"
    missing = steward(spec, "incidents", "ack", "99", "--by", "A")
    assert missing.exit_code == 2 and "99" in missing.output


def test_an_unwritable_target_exits_1_with_a_clear_message(spec: Path) -> None:
    (spec.parent / "exports").write_text("not a folder")
    done = steward(spec, "export", "--date", "2026-03-02", "--at", AT)
    assert done.exit_code == 1
    assert "export of 2026-03-02 failed" in done.stderr
    assert "Nothing was half-written" in done.stderr
    assert "Traceback" not in done.output


def test_bad_dates_are_bad_input(spec: Path) -> None:
    assert steward(spec, "check", "--date", "03/02/2026").exit_code == 2
    assert steward(spec, "check", "--at", "noon").exit_code == 2


@pytest.mark.parametrize("columns", [80, 120])
def test_the_check_table_is_one_line_per_check(spec: Path, columns: int) -> None:
    done = CliRunner().invoke(app, ["check", "--date", "2026-03-02", "--at", AT, "--spec",
                                    str(spec)], env={"COLUMNS": str(columns)})
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert len(lines) == 30 + 3, lines  # header, rule, 30 checks, the summary
    assert all(len(line) <= columns for line in lines)
    assert all(" 2026-03" in line and " pass " in line for line in lines[2:-1])
    assert lines[-1] == "30 passed, 0 failed"
    if columns == 120:
        assert "engagement.definition_alignment" in done.stdout
        assert "aggregate_engagement" in done.stdout


def test_export_targets_are_whole_at_80_columns(spec: Path) -> None:
    done = CliRunner().invoke(app, ["export", "--date", "2026-03-02", "--at", AT, "--spec",
                                    str(spec)], env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    files, sql = f"files:{spec.parent / 'exports'}", f"sql:sqlite:///{spec.parent}"
    assert files in lines  # a path on its own line, never cut or broken mid-word
    (target,) = [line for line in lines if line.startswith("sql:")]
    assert target == f"{sql}/.steward/steward.db#investor_metrics"
    units = [line.split() for line in lines if line.startswith("  ")]
    assert [u[:4] for u in units] == [["day", "2026-03-02", "15", "rows"],
                                      ["month", "2026-03", "11", "rows"]] * 2
    assert all(u[-1] == "verified" for u in units)


def test_a_failed_check_is_listed_in_full_under_the_table(spec: Path) -> None:
    HandLake(spec.parent / ".steward" / "lake", []).rewrite(
        "aggregate_profit", "2026-03-02", orders=999)
    done = CliRunner().invoke(app, ["check", "--date", "2026-03-02", "--at", AT, "--spec",
                                    str(spec)], env={"COLUMNS": "80"})
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    at = lines.index("28 passed, 2 failed")
    assert at == 32 and all(len(line) <= 80 for line in lines)
    listed = " ".join(" ".join(lines[at + 1:]).split())
    message = next(c["message"] for c in json.loads(steward(
        spec, "check", "--date", "2026-03-02", "--at", AT, "--json").stdout)["checks"]
        if c["pipeline"] == "aggregate_profit" and not c["passed"])
    assert listed.startswith("- profit.reconciliation on ")
    assert f"- profit.reconciliation on aggregate_profit 2026-03-02: {message}" in listed
