"""A daily `steward run --date D` reads D's events only (the MAU window's active user-days come
from the lake's kept state) and leaves exactly the lake a full backfill leaves; a re-delivered
old events partition is built into state again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
from tests.metrics.lakes import model_files

from pipesteward.app import Steward
from pipesteward.metrics.generator import generate

FIRST, LAST = date(2025, 2, 1), date(2025, 2, 28)


def run_day(spec: Path, day: date) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([sys.executable, "-m", "pipesteward", "run", "--date", str(day),
                           "--json"], env={**os.environ, "STEWARD_SPEC": str(spec)},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def event_files(lake: Path, before: date) -> list[Path]:
    root = lake / "sources" / "events"
    return [p for p in sorted(root.glob("date=*/*.parquet"))
            if date.fromisoformat(p.parent.name[5:]) < before]


def spoil_keeping_size_and_times(path: Path) -> None:
    """Garbage of the same size with the same mtime: the partition's fingerprint is unchanged,
    so a run that opened the file would fail (chmod would not stop root)."""
    st = path.stat()
    path.write_bytes(b"\0" * st.st_size)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def events_scanned(steward: Steward, day: date) -> set[tuple[str, str]]:
    """The events partitions the day's model runs opened (the first model of a run builds the
    state, the next reads it), as (first, last)."""
    return {(s["scanned"]["first"], s["scanned"]["last"])
            for r in steward.runs(limit=50) if r.start == day and r.pipeline in
            ("daily_growth", "aggregate_engagement")
            for s in r.sources if s["table"] == "events" and s["scanned"]["partitions"]}


def test_a_daily_run_opens_its_own_days_events_only_and_equals_a_full_backfill(
        project: Path) -> None:
    steward = Steward.from_path(project, env={})
    lake = steward.paths.lake
    generate(lake, FIRST, (LAST - FIRST).days + 1, 3000, 5)
    full = project.parent.parent / "full"
    shutil.copytree(project.parent, full)
    assert Steward.from_path(full / "steward.yaml", env={}).run_models(FIRST, LAST).ok

    assert steward.run_models(FIRST, LAST - timedelta(days=2)).ok  # the days before
    run_day(project, LAST - timedelta(days=1))  # yesterday's run: its checks saw the window
    for path in event_files(lake, LAST):
        spoil_keeping_size_and_times(path)

    report = run_day(project, LAST)
    assert report["ok"] is True
    assert events_scanned(steward, LAST) == {(str(LAST), str(LAST))}
    assert model_files(lake) == model_files(full / ".steward" / "lake")


def test_a_re_delivered_old_events_day_is_built_into_state_again(project: Path) -> None:
    steward = Steward.from_path(project, env={})
    lake = steward.paths.lake
    generate(lake, FIRST, 10, 2000, 3)
    last = FIRST + timedelta(days=9)
    assert steward.run_models(FIRST, last).ok
    # The events of the 5th again, without their first 100 rows (a later, smaller delivery).
    old = lake / "sources" / "events" / f"date={FIRST + timedelta(days=4)}" / "part-0.parquet"
    table = pq.read_table(old)
    pq.write_table(table.slice(100), old)
    assert steward.run_models(last, last).ok
    fifth = str(FIRST + timedelta(days=4))
    assert events_scanned(steward, last) == {(fifth, fifth)}

    fresh = project.parent.parent / "fresh"
    shutil.copytree(project.parent, fresh, ignore=shutil.ignore_patterns("models", "state"))
    assert Steward.from_path(fresh / "steward.yaml", env={}).run_models(FIRST, last).ok
    day = f"date={last}"
    ours, theirs = model_files(lake), model_files(fresh / ".steward" / "lake")
    assert {k: v for k, v in ours.items() if day in k} == \
        {k: v for k, v in theirs.items() if day in k}
