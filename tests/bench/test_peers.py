"""The bench's floor and peers measure what they claim: the floor reads the lake and finds every
active user-day, the dbt-duckdb project gives the hand-written SQL's rows, as a full refresh
and as an incremental daily run on top of a project built up to the day before, and so does
the SQLMesh project's full build."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
from pathlib import Path

import duckdb
import pytest
from bench.compare import compare
from tests.conftest import require

from bench import __main__ as harness
from bench import floor, handwritten, peers

START = dt.date(2025, 1, 1)
DAYS = 10


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("peers")
    spec = harness.new_project(folder / "project")
    subprocess.run([str(harness.BIN / "steward"), "data", "generate", "--spec", str(spec),
                    "--start", str(START), "--days", str(DAYS), "--users", "2000",
                    "--seed", "5"], check=True, capture_output=True)
    return harness.lake_of(spec)


def test_the_floor_finds_every_active_user_day_of_the_hand_written_sql(lake: Path) -> None:
    first, last = START, START + dt.timedelta(days=DAYS - 1)
    rows = floor.run(lake, first, last)
    con = duckdb.connect()
    handwritten.compute(con, lake, first, last)
    # Every active user-day, before the qualifying-user filter (the floor does no join).
    con.execute(f"""CREATE TEMP TABLE all_days AS SELECT DISTINCT user_id,
                    CAST(event_at AS DATE) AS day FROM {handwritten._src(lake, 'events')}
                    WHERE event_type IN ('session_start', 'page_view', 'purchase')""")
    (expected,) = con.execute("SELECT count(*) FROM all_days").fetchone() or (0,)
    (qualifying,) = con.execute("SELECT count(*) FROM user_days").fetchone() or (0,)
    assert rows["active user-days"][0] == expected > qualifying > 0
    assert rows["users"][0] == 2000
    assert rows["orders"][0] > 0


def test_dbt_duckdb_gives_the_hand_written_rows_full_and_incremental(lake: Path,
                                                                    tmp_path: Path) -> None:
    # dbt lives in its own venv, which `make test` (python -m bench.peers install) creates
    require(peers.installed("dbt"), "bench/peers/.venv-dbt (python -m bench.peers install)")
    first, last = START, START + dt.timedelta(days=DAYS - 1)
    handwritten.run(lake, first, last, tmp_path / "hand")
    dbt = peers.Dbt(lake, tmp_path / "dbt")

    def build(lo: dt.date, hi: dt.date, full: bool) -> None:
        done = subprocess.run(dbt.build(str(lo), str(hi), full_refresh=full), env=dbt.env(),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-3000:]

    dbt.fresh()
    build(first, last, True)
    assert compare(tmp_path / "hand", dbt.out) == {}
    dbt.fresh()
    build(first, last - dt.timedelta(days=1), True)
    assert "unit_profit" in compare(tmp_path / "hand", dbt.out)  # the last day is missing
    build(last, last, False)
    build(last, last, False)  # a repeated daily run replaces its rows
    assert compare(tmp_path / "hand", dbt.out) == {}


def test_sqlmesh_gives_the_hand_written_rows(lake: Path, tmp_path: Path) -> None:
    # like dbt, SQLMesh has its own venv (see above)
    require(peers.installed("sqlmesh"),
            "bench/peers/.venv-sqlmesh (python -m bench.peers install)")
    first, last = START, START + dt.timedelta(days=DAYS - 1)
    handwritten.run(lake, first, last, tmp_path / "hand")
    args = argparse.Namespace(repeat=1, peer_timeout=300)
    mesh = peers.sqlmesh(args, lake=lake, first=str(first), last=str(last), size="", work=tmp_path,
                         step=harness.Step, repeat=harness.repeat, log=print)
    assert mesh.status == "ok", mesh.note
    assert compare(tmp_path / "hand", tmp_path / "peers" / "sqlmesh" / "outputs") == {}
