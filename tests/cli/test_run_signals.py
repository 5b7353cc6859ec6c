"""SIGINT and SIGTERM stop a real `steward backfill`: its run is recorded interrupted (never
retried), it exits 130 / 143 in one line, and the lake keeps whole partitions only."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.metrics.lakes import END, START, build_models, make_lake, model_files

from pipesteward.app import Steward

SLOWEST = "aggregate_engagement"  # its 30-day window makes it the model still running


def wait_for_running(db: Path, proc: subprocess.Popen[str], model: str) -> None:
    """Poll the run records until `model` is running (bounded)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            with sqlite3.connect(db) as con:
                try:
                    row = con.execute("SELECT 1 FROM runs WHERE pipeline = ? AND status = "
                                      "'running'", (model,)).fetchone()
                except sqlite3.OperationalError:  # the table is being created
                    row = None
            if row:
                return
        time.sleep(0.02)
    pytest.fail(f"{model} never ran (exit {proc.poll()})")


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_backfill_and_records_it_interrupted(
        project: Path, signum: int, code: int) -> None:
    steward = Steward.from_path(project, env={})
    lake = make_lake(steward.paths.lake, users=40000)
    build_models(lake)
    good = model_files(lake)
    db = steward.paths.root / "steward.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipesteward", "backfill", "--start", str(START), "--end",
         str(END)], env={**os.environ, "STEWARD_SPEC": str(project)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_running(db, proc, SLOWEST)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)  # a retry would wait 30 s, then run it all
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code, err
    assert "Traceback" not in err
    assert f"stopped by {signal.Signals(signum).name}" in err
    runs = steward.runs(limit=50)
    interrupted = [r for r in runs if r.status == "interrupted"]
    assert [r.pipeline for r in interrupted] == [SLOWEST]
    assert interrupted[0].finished_at is not None and interrupted[0].error_kind is None
    # Nothing retried, nothing left running, nothing started after the stop.
    assert [r.pipeline for r in runs].count(SLOWEST) == 1
    assert all(r.status in ("succeeded", "interrupted") for r in runs)
    assert all(r.started_at <= interrupted[0].finished_at for r in runs)
    # The lake: every partition whole (the same inputs give the same bytes), no temp file left.
    after = model_files(lake)
    assert after == good
    for name in after:
        pq.read_table(lake / "models" / name)
    assert not list((lake / "models").rglob("*.inprogress"))
