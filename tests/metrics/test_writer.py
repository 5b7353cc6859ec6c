"""The lake writer: identical bytes on re-run; a killed backfill leaves whole partitions only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipesteward.metrics.writer import write_partition, write_partitions
from tests.metrics.lakes import END, START, build_models, make_lake, model_files


def test_rewriting_a_partition_gives_identical_bytes(tmp_path: Path) -> None:
    t = pa.table({"date": pa.array(["2025-01-01"] * 3), "x": [1, 2, 3]})
    a = write_partition(tmp_path / "a", t).read_bytes()
    assert write_partition(tmp_path / "a", t).read_bytes() == a
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["part-0.parquet"]


def test_every_key_of_the_range_gets_a_partition(tmp_path: Path) -> None:
    import datetime as dt

    t = pa.table({"date": pa.array([dt.date(2025, 1, 2)], pa.date32()), "x": [1]})
    written = write_partitions(tmp_path, "date", t, ["2025-01-01", "2025-01-02"])
    assert [(w.key, w.rows) for w in written] == [("2025-01-01", 0), ("2025-01-02", 1)]
    assert pq.read_table(tmp_path / "date=2025-01-01" / "part-0.parquet").num_rows == 0


def test_rebuilding_the_models_gives_identical_bytes(tmp_path: Path) -> None:
    lake = make_lake(tmp_path, users=400)
    build_models(lake)
    first = model_files(lake)
    build_models(lake)
    assert model_files(lake) == first
    assert len(first) == 4 * 40 + 3


@pytest.mark.slow
def test_sigkill_during_a_backfill_leaves_only_whole_partitions(project: Path) -> None:
    from pipesteward.app import Steward

    steward = Steward.from_path(project, env={})
    lake = make_lake(steward.paths.lake, users=3000)
    build_models(lake)
    good = model_files(lake)
    env = {**os.environ, "STEWARD_SPEC": str(project)}
    cmd = [sys.executable, "-m", "pipesteward", "backfill", "--start", str(START),
           "--end", str(END)]
    mtimes = {p: p.stat().st_mtime_ns for p in (lake / "models").rglob("part-0.parquet")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        # Kill as soon as the backfill has replaced its first partition: mid-write.
        while time.monotonic() < deadline and proc.poll() is None:
            if any(p.stat().st_mtime_ns != m for p, m in mtimes.items()):
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    after = model_files(lake)
    assert after.keys() == good.keys()
    for name, data in after.items():
        assert data == good[name], f"{name} is not a whole partition"
        pq.read_table(lake / "models" / name)
    # Anything else a killed writer left is a dot-file, which readers skip.
    strays = [p for p in (lake / "models").rglob("*") if p.is_file()
              and p.name != "part-0.parquet" and not p.name.startswith(".")]
    assert not strays


def test_a_writer_removes_the_temp_files_of_gone_writers_only(tmp_path: Path) -> None:
    from pipesteward import processes

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    gone_pid = int(done.stdout)  # a process that has exited
    folder = tmp_path / "date=2025-01-01"
    folder.mkdir(parents=True)
    live = folder / f".part-0.parquet.{os.getppid()}@{processes.host()}.ab12.inprogress"
    remote = folder / f".part-0.parquet.{gone_pid}@another-host.cd34.inprogress"
    dead = folder / f".part-0.parquet.{gone_pid}@{processes.host()}.ef56.inprogress"
    untagged = folder / ".part-0.parquet.0123abcd.inprogress"  # written before tags
    for p in (live, remote, dead, untagged):
        p.write_bytes(b"half a file")
    t = pa.table({"date": pa.array(["2025-01-01"]), "x": [1]})
    write_partitions(tmp_path, "date", t, ["2025-01-01"])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["part-0.parquet", live.name, remote.name])
