"""`steward demo`, the README's first command: the whole main job on the example team."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipesteward.cli import app


def test_demo_runs_the_main_job_and_shows_investor_metrics_and_on_call(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "0 failed" in text  # every check of the last day passed
    assert "verified" in text  # the investor export was read back
    assert "investor metrics" in text and "DAU / WAU / MAU" in text
    assert "On call at" in text and "responder" in text
    assert (tmp_path / "demo" / ".steward" / "lake" / "models" / "aggregate_growth").is_dir()
