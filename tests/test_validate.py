"""`steward validate`: what passes it does not fail later; what needs a heavy library or a file
is checked here and where the value is used, never by every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipesteward.cli import app

runner = CliRunner()


def edit(spec: Path, old: str, new: str) -> Path:
    text = spec.read_text(encoding="utf-8")
    assert old in text, old
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")
    return spec


def validate(spec: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", "--spec", str(spec)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def assert_refused(spec: Path, key: str, words: str) -> str:
    code, output = validate(spec)
    assert code == 2, output
    line = next((x for x in output.splitlines() if f": {key}: " in x), None)
    assert line is not None, output
    assert line.split(f"{spec}:")[1].split(":")[0].isdigit(), line
    assert words in line, line
    assert "Traceback" not in output
    return line


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("id: daily_growth,", "id: daily_grwoth,", "pipelines[3].id", "no model computes"),
    ("runbook: runbooks/unit_profit.md", "runbook: runbooks/missing.md", "pipelines[0].runbook",
     "does not exist"),
    ("{kind: sql, url: null", "{kind: sql, url: 'not a url'", "reporting.targets[1].url",
     "is not a database URL"),
    ("database_url: null", "database_url: 'nosuchdb+driver://h/db'", "storage.database_url",
     "not installed"),
    ("notify: []}", "notify: ['nonsense://example/x']}", "team.engineers[0].notify[0]",
     "no notifier understands"),
    ("weights: {}", "weights: {Christmas: 3}", "oncall.holidays.weights.Christmas",
     "did you mean 'Christmas Day'"),
])
def test_what_would_fail_later_is_refused_by_validate(
    project: Path, old: str, new: str, key: str, words: str
) -> None:
    assert_refused(edit(project, old, new), key, words)


def test_a_memory_limit_duckdb_refuses(project: Path) -> None:
    project.write_text(project.read_text() + "compute: {memory_limit: lots}\n")
    assert_refused(project, "compute.memory_limit", "DuckDB does not accept 'lots'")


def test_a_notify_url_from_the_environment_is_not_printed(project: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("A_HOOK", "nonsense://token-123456/x")
    line = assert_refused(edit(project, "notify: []}", "notify: ['${A_HOOK}']}"),
                          "team.engineers[0].notify[0]", "no notifier")
    assert "token-123456" not in line


def test_holiday_weights_of_the_calendar_pass(project: Path) -> None:
    edit(project, "weights: {}", "weights: {Christmas Day: 3, Thanksgiving Day: 2}")
    code, output = validate(project)
    assert code == 0, output


def test_nobody_to_page_is_a_warning_not_an_error(project: Path) -> None:
    code, output = validate(project)  # the example team has no notify URLs
    assert code == 0
    assert "warning:" in output and "incidents page nobody" in output
    edit(project, "notify: []}", "notify: ['json://127.0.0.1:9/hook']}")
    result = runner.invoke(app, ["validate", "--spec", str(project), "--json"])
    assert json.loads(result.stdout)["warnings"] == []


def test_a_bad_engine_flag_is_bad_input_and_records_no_run(project: Path) -> None:
    result = runner.invoke(app, ["run", "--engine", "flink", "--date", "2026-01-01",
                                 "--spec", str(project)])
    assert result.exit_code == 2, result.output
    assert "--engine 'flink'" in result.output
    runs = runner.invoke(app, ["runs", "--json", "--spec", str(project)])
    assert json.loads(runs.stdout)["runs"] == []


def test_a_bad_memory_limit_stops_a_run_before_it_is_recorded(project: Path) -> None:
    project.write_text(project.read_text() + "compute: {memory_limit: lots}\n")
    result = runner.invoke(app, ["backfill", "--start", "2026-01-01", "--end", "2026-01-02",
                                 "--spec", str(project)])
    assert result.exit_code == 2, result.output
    assert "compute.memory_limit" in result.output
    runs = runner.invoke(app, ["runs", "--json", "--spec", str(project)])
    assert json.loads(runs.stdout)["runs"] == []


def test_a_pipeline_without_a_model_stops_check_and_export(project: Path) -> None:
    edit(project, "id: daily_growth,", "id: daily_grwoth,")
    for command in ("check", "export"):
        result = runner.invoke(app, [command, "--date", "2026-01-01", "--spec", str(project)])
        assert result.exit_code == 2, result.output
        assert "pipelines[3].id" in result.output


def test_a_sql_target_url_that_does_not_parse_stops_export(project: Path) -> None:
    edit(project, "{kind: sql, url: null", "{kind: sql, url: 'not a url'")
    result = runner.invoke(app, ["export", "--date", "2026-01-01", "--spec", str(project)])
    assert result.exit_code == 2, result.output
    assert "reporting.targets[1].url: is not a database URL" in result.output


def test_unknown_holiday_weights_stop_plan_and_review(project: Path) -> None:
    edit(project, "weights: {}", "weights: {Xmas: 3}")
    for args in (["oncall", "plan", "--year", "2026"], ["review", "--as-of", "2026-06-01"]):
        result = runner.invoke(app, [*args, "--spec", str(project)])
        assert result.exit_code == 2, result.output
        assert "oncall.holidays.weights.Xmas" in result.output
