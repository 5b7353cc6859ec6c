"""Files exports for readers that glob: a reader sees the previous unit or the new one, exactly
once, even when the exporting process is killed at the worst moment; the next export removes
what a dead process left behind, and keeps what a running one is still writing."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from pipesteward.exports.rows import Unit
from pipesteward.exports.targets import FilesTarget

DAY = "2026-03-02"
NAME = f"date={DAY}"


def unit(value: float, day: str = DAY) -> Unit:
    return Unit("day", day, tuple(("day", day, "aggregate_profit", f"m{i}", value, "v1")
                                  for i in range(3)))


def readers_see(root: Path) -> list[tuple[str, str, float]]:
    """What DuckDB reads through the readers' glob, CSV and Parquet alike."""
    rows = []
    for name in ("investor_metrics.csv", "investor_metrics.parquet"):
        reader = "read_csv" if name.endswith(".csv") else "read_parquet"
        rows += duckdb.sql(f"SELECT period::VARCHAR, metric, value "
                           f"FROM {reader}('{root}/day/*/{name}')").fetchall()
    return sorted(rows)


def exactly(value: float, *days: str) -> list[tuple[str, str, float]]:
    return sorted((d, f"m{i}", value) for d in days or (DAY,) for i in range(3) for _ in "cp")


def leftovers(root: Path) -> list[str]:
    """What is there besides the published unit (and the lock)."""
    hidden = [p.name for p in (root / "day").iterdir() if p.name.startswith(".")]
    versions = root / ".versions" / "day" / NAME
    current = (root / "day" / NAME).resolve()
    return hidden + sorted(p.name for p in versions.iterdir()
                           if p.name != ".lock" and p != current)


# A real exporting process that stops just before it would publish `NAME` (the moment two
# renames used to leave the day unpublished), so the test can SIGKILL it there.
PAUSED_EXPORT = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from pipesteward.exports.rows import Unit
    from pipesteward.exports.targets import FilesTarget

    real = {"rename": os.rename, "replace": os.replace}

    def paused(name):
        def move(src, dst, *args, **kwargs):
            if Path(dst).name == sys.argv[2]:
                print("paused", flush=True)
                time.sleep(120)
            return real[name](src, dst, *args, **kwargs)
        return move

    os.rename, os.replace = paused("rename"), paused("replace")
    rows = tuple(("day", sys.argv[3], "aggregate_profit", f"m{i}", 2.0, "v1") for i in range(3))
    FilesTarget(Path(sys.argv[1])).write(Unit("day", sys.argv[3], rows))
""")


def start_paused_export(root: Path, tmp_path: Path) -> subprocess.Popen[str]:
    script = tmp_path / "paused_export.py"
    script.write_text(PAUSED_EXPORT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(script), str(root), NAME, DAY],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 120)
    assert ready and proc.stdout.readline().strip() == "paused", "the export did not pause"
    return proc


def test_a_reader_of_the_glob_sees_each_day_once(tmp_path: Path) -> None:
    target = FilesTarget(tmp_path)
    target.write(unit(1.0))
    target.write(unit(1.0, "2026-03-03"))
    target.write(unit(2.0))  # replaces the first day
    assert readers_see(tmp_path) == sorted(exactly(2.0) + exactly(1.0, "2026-03-03"))
    assert (tmp_path / "day" / NAME).is_symlink()
    assert leftovers(tmp_path) == []  # the replaced version is gone
    assert target.read_back("day", DAY).rows == 3


def test_an_export_killed_before_it_publishes_leaves_the_old_unit_once(
        tmp_path: Path) -> None:
    target = FilesTarget(tmp_path)
    target.write(unit(1.0))
    proc = start_paused_export(tmp_path, tmp_path)
    try:
        assert readers_see(tmp_path) == exactly(1.0)  # the new unit is written, not published
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert readers_see(tmp_path) == exactly(1.0)
    assert target.read_back("day", DAY).rows == 3
    assert leftovers(tmp_path) != []  # the dead process's new version and its link

    target.write(unit(3.0))
    assert readers_see(tmp_path) == exactly(3.0)
    assert leftovers(tmp_path) == []


def test_the_first_export_killed_before_it_publishes_shows_no_half_day(
        tmp_path: Path) -> None:
    proc = start_paused_export(tmp_path, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert list((tmp_path / "day").iterdir()) == []  # nothing yet: no copy in the glob
    FilesTarget(tmp_path).write(unit(1.0))
    assert readers_see(tmp_path) == exactly(1.0) and leftovers(tmp_path) == []


def test_what_a_running_process_is_writing_is_kept(tmp_path: Path) -> None:
    target = FilesTarget(tmp_path)
    target.write(unit(1.0))
    versions = tmp_path / ".versions" / "day" / NAME
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(30)
    try:
        (versions / f"{sleeper.pid}-0000aaaa.tmp").mkdir()
        (versions / f"{gone.pid}-0000bbbb.tmp").mkdir()
        target.write(unit(2.0))
        assert leftovers(tmp_path) == [f"{sleeper.pid}-0000aaaa.tmp"]
    finally:
        sleeper.kill()
        sleeper.wait(30)
    target.write(unit(2.0))
    assert leftovers(tmp_path) == []


def test_a_folder_an_older_release_published_is_replaced_in_one_step(tmp_path: Path) -> None:
    old = FilesTarget(tmp_path / "old")
    old.write(unit(1.0))
    legacy = tmp_path / "day" / NAME  # a real folder, and what a killed old export left
    (tmp_path / "day").mkdir()
    (old.folder("day", DAY)).resolve().rename(legacy)
    (tmp_path / "day" / f".tmp-{NAME}-1a2b3c4d").mkdir()
    (tmp_path / "day" / f".old-{NAME}-5e6f7a8b").mkdir()
    assert readers_see(tmp_path) == exactly(1.0)

    FilesTarget(tmp_path).write(unit(2.0))
    assert legacy.is_symlink() and readers_see(tmp_path) == exactly(2.0)
    assert leftovers(tmp_path) == []
