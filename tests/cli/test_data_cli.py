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


def test_data_check_finds_the_broken_partition_of_the_range(project: Path) -> None:
    assert generate(project, "--inject", "null_revenue:2025-02-21").exit_code == 0
    checked = CliRunner().invoke(app, ["data", "check", "--spec", str(project), "--start",
                                       "2025-02-20", "--end", "2025-02-22",
                                       "--at", "2025-02-23T09:00", "--json"])
    assert checked.exit_code == 1, checked.output
    import json

    failed = [(c["id"], c["pipeline"], c["partition"]) for c in json.loads(checked.stdout)
              ["checks"] if not c["passed"]]
    assert failed == [("source.contract", "orders", "2025-02-21")]
    assert json.loads(checked.stdout)["profiled"]["partitions"] >= 9  # 3 days x 3 sources
    # the day before reads nothing broken (the day after still reads 02-21's orders)
    clean = CliRunner().invoke(app, ["data", "check", "--spec", str(project), "--start",
                                     "2025-02-20", "--end", "2025-02-20",
                                     "--at", "2025-02-23T09:00"])
    assert clean.exit_code == 0, clean.output
    assert "0 failed" in clean.output
    backwards = CliRunner().invoke(app, ["data", "check", "--spec", str(project), "--start",
                                         "2025-02-22", "--end", "2025-02-20"])
    assert backwards.exit_code == 2 and "is before --start" in backwards.output
