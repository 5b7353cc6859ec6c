"""The bench's baselines are trustworthy: the hand-written SQL, the pandas script and
`steward backfill` give the same five outputs on a tiny generated lake."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from bench.compare import MODELS, compare, load

from bench import __main__ as harness
from bench import handwritten, pandas_impl

START = dt.date(2025, 1, 1)
DAYS = 12
USERS = 3000


@pytest.fixture(scope="module")
def lake_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny lake from the project's generator."""
    folder = tmp_path_factory.mktemp("bench")
    spec = harness.new_project(folder / "project")
    cmd = [str(harness.BIN / "steward"), "data", "generate", "--spec", str(spec),
           "--start", str(START), "--days", str(DAYS), "--users", str(USERS), "--seed", "3"]
    subprocess.run(cmd, check=True, capture_output=True)
    return spec, harness.lake_of(spec)


def test_hand_written_sql_and_pandas_agree(lake_project: tuple[Path, Path],
                                           tmp_path: Path) -> None:
    _, lake = lake_project
    first, last = START + dt.timedelta(days=2), START + dt.timedelta(days=DAYS - 1)
    handwritten.run(lake, first, last, tmp_path / "hand")
    pandas_impl.run(lake, first, last, tmp_path / "pandas")
    assert compare(tmp_path / "hand", tmp_path / "pandas") == {}
    # Not vacuous: every output has rows, and a changed value is caught.
    for model in MODELS:
        assert len(load(tmp_path / "hand", model)) > 0, model
    profit = load(tmp_path / "hand", "aggregate_profit")
    assert len(profit) == DAYS - 2 and profit["orders"].sum() > 0
    engagement = load(tmp_path / "hand", "aggregate_engagement")
    assert (engagement["dau"] <= engagement["wau"]).all()
    assert (engagement["wau"] <= engagement["mau"]).all()
    from bench.compare import diff

    changed = profit.copy()
    changed.loc[3, "revenue"] = float(changed.loc[3, "revenue"]) + 0.02
    assert diff(profit, changed)


def test_project_backfill_agrees_with_the_hand_written_sql(lake_project: tuple[Path, Path],
                                                           tmp_path: Path) -> None:
    spec, lake = lake_project
    first, last = START, START + dt.timedelta(days=DAYS - 1)
    subprocess.run([str(harness.BIN / "steward"), "backfill", "--spec", str(spec),
                    "--start", str(first), "--end", str(last)], check=True, capture_output=True)
    handwritten.run(lake, first, last, tmp_path / "hand")
    assert compare(tmp_path / "hand", lake / "models") == {}


def test_the_harness_runs_end_to_end(tmp_path: Path) -> None:
    from tests.conftest import require

    require(Path(harness.TIME).exists(), "/usr/bin/time is missing (apt-get install time)")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--users", "1500", "--days", "4", "--repeat", "1",
         "--history", "", "--skip", "check,spark", "--no-peers", "--no-write",
         "--workdir", str(tmp_path)],
        cwd=harness.ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "hand-written DuckDB SQL" in done.stdout
    assert "identical outputs" in done.stderr
    assert "DIFFER" not in done.stderr
    # the floor and the backfill's breakdown run; the peers (installed from PyPI) are left
    # out, and the report says so
    assert "floor (one scan, active user-days)" in done.stdout
    assert "ratio to the floor (target 2x)" in done.stdout
    assert "skipped (--no-peers)" in done.stdout
    assert "| model aggregate_engagement |" in done.stderr  # where the backfill's time goes
    # the cost of the source checks: alone from a cold profile cache, and in the backfill
    assert "steward data check (cold profile cache)" in done.stdout
    assert "contract checks <= 20 % of the backfill" in done.stdout
    assert "profiling every source partition from a cold cache" in done.stdout
