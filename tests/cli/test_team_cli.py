"""The team commands, in process: exit codes, JSON shapes, clear errors without tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from pipesteward.app import EXAMPLE_TEAM
from pipesteward.cli import app

runner = CliRunner()

TEAM_DOCUMENT = [
    ("unit_profit", "Unit-Level Profit Needed for Experiments", "profit", "experiments", "A", "B"),
    ("aggregate_profit", "Aggregate Profit Reported to Investors", "profit", "investors", "C", "D"),
    ("aggregate_growth", "Aggregate Growth Reported to Investors", "growth", "investors", "B", "C"),
    ("daily_growth", "Daily Growth Needed for Experiments", "growth", "experiments", "D", "A"),
    ("aggregate_engagement", "Aggregate Engagement Reported to Investors", "engagement",
     "investors", "A", "C"),
]


def steward(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_validate_accepts_the_example_team(project: Path) -> None:
    result = steward("validate", "--spec", str(project))
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_pipelines_json_is_the_team_document_table(project: Path) -> None:
    result = steward("pipelines", "--spec", str(project), "--json")
    assert result.exit_code == 0
    keys = ("id", "name", "domain", "audience", "primary", "secondary")
    assert json.loads(result.stdout) == {
        "pipelines": [dict(zip(keys, row, strict=True)) for row in TEAM_DOCUMENT]
    }


def test_owners_json_lists_each_engineers_pipelines(project: Path) -> None:
    result = steward("owners", "--spec", str(project), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "engineers": [
            {"id": "A", "primary": ["unit_profit", "aggregate_engagement"],
             "secondary": ["daily_growth"]},
            {"id": "B", "primary": ["aggregate_growth"], "secondary": ["unit_profit"]},
            {"id": "C", "primary": ["aggregate_profit"],
             "secondary": ["aggregate_growth", "aggregate_engagement"]},
            {"id": "D", "primary": ["daily_growth"], "secondary": ["aggregate_profit"]},
        ]
    }


def test_owners_of_one_engineer_and_of_an_unknown_one(project: Path) -> None:
    one = json.loads(steward("owners", "C", "--spec", str(project), "--json").stdout)
    assert [e["id"] for e in one["engineers"]] == ["C"]
    result = steward("owners", "Z", "--spec", str(project))
    assert result.exit_code == 2
    assert "unknown engineer 'Z'" in result.stderr


def test_bad_spec_exits_2_naming_file_line_and_key(project: Path) -> None:
    text = project.read_text().replace("primary: C, secondary: D", "primary: C, secondary: C")
    project.write_text(text)
    result = steward("pipelines", "--spec", str(project))
    assert result.exit_code == 2
    assert f"{project}:15: pipelines[1].secondary" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_spec_exits_2(tmp_path: Path) -> None:
    result = steward("validate", "--spec", str(tmp_path / "steward.yaml"))
    assert result.exit_code == 2
    assert "file not found" in result.stderr and "steward init" in result.stderr


def test_init_writes_a_valid_project_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "newteam"
    assert steward("init", str(target)).exit_code == 0
    assert (target / "steward.yaml").exists()
    assert (target / "runbooks" / "aggregate_profit.md").exists()
    assert steward("validate", "--spec", str(target / "steward.yaml")).exit_code == 0
    again = steward("init", str(target))
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_unknown_pipeline_runbook_exits_2(project: Path) -> None:
    result = steward("runbook", "nope", "--spec", str(project))
    assert result.exit_code == 2
    assert "unknown pipeline 'nope'" in result.stderr


def test_init_copies_only_the_spec_and_runbooks(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # State a command may have left beside the shipped example must not reach new projects.
    example = tmp_path / "example"
    shutil.copytree(EXAMPLE_TEAM, example)
    (example / ".steward" / "cache").mkdir(parents=True)
    (example / ".steward" / "steward.db").write_text("stale")
    monkeypatch.setattr("pipesteward.app.EXAMPLE_TEAM", example)
    assert steward("init", str(tmp_path / "new")).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["runbooks", "steward.yaml"]


def test_at_80_columns_paths_stay_whole_and_pipelines_take_one_line_each(
        tmp_path: Path) -> None:
    target = tmp_path / "a-team-folder-with-a-long-name" / "and" / "more" / "levels" / "below"
    spec = target / "steward.yaml"
    narrow = {"COLUMNS": "80"}
    for args, line in [
        (["init", str(target)], f"wrote {spec} and its runbooks"),
        (["validate", "--spec", str(spec)], f"{spec}: valid (4 engineers, 5 pipelines)"),
    ]:
        done = runner.invoke(app, args, env=narrow)
        assert done.exit_code == 0, done.output
        assert line in done.stdout.splitlines()  # on one line, never cut mid-word
    listed = runner.invoke(app, ["pipelines", "--spec", str(spec)], env=narrow).stdout
    lines = listed.splitlines()
    assert len(lines) == 1 + 2 + 5 and all(len(line) <= 80 for line in lines)
    assert [line.split()[0] for line in lines[3:]] == [p[0] for p in TEAM_DOCUMENT]
    assert all(line.split()[-2:] == list(p[4:]) for line, p in zip(lines[3:], TEAM_DOCUMENT,
                                                                    strict=True))
