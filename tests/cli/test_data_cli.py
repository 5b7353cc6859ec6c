"""`steward data generate`: never deletes a lake's sources without being told to; bad
arguments are refused before anything starts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipesteward.cli import app


def generate(spec: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["data", "generate", "--spec", str(spec), "--start",
                                    "2025-02-20", "--days", "3", "--users", "100", *args])


def sources(spec: Path) -> dict[str, bytes]:
    root = spec.parent / ".steward" / "lake" / "sources"
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.parquet")}


def test_existing_sources_are_kept_unless_replace(project: Path) -> None:
    assert generate(project).exit_code == 0
    before = sources(project)
    assert before
    refused = generate(project, "--seed", "9")
    assert refused.exit_code == 2
    assert "already holds sources; pass --replace" in refused.output
    assert sources(project) == before
    replaced = generate(project, "--seed", "9", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert sources(project) != before


def test_bad_arguments_are_refused_before_the_progress_bar(project: Path) -> None:
    for args in (["--days", "0"], ["--users", "3"], ["--inject", "gremlins"],
                 ["--inject", "missing_day:2030-01-01"]):
        done = generate(project, *args)
        assert done.exit_code == 2, (args, done.output)
        assert "generating days" not in done.output, args
        assert not sources(project), args


def test_the_lake_path_is_printed_whole_at_80_columns(project: Path) -> None:
    done = CliRunner().invoke(app, ["data", "generate", "--spec", str(project), "--start",
                                    "2025-02-20", "--days", "2", "--users", "50"],
                              env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    lake = project.parent / ".steward" / "lake"
    assert f"generated 2 days into {lake}" in done.stdout.splitlines()
