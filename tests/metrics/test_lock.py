"""The lake lock: a second process waits, or says who holds the lake; held by a real process."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipesteward.metrics.lock import LakeBusy, LakeLock

HOLDER = """
import sys
from pathlib import Path
from pipesteward.metrics.lock import LakeLock
with LakeLock(Path(sys.argv[1])).held():
    print("held", flush=True)
    sys.stdin.read()  # until the test closes stdin
"""


@contextmanager
def held_by_another_process(lake: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lake), "backfill", "--start",
                             "2025-01-01"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(30)


def test_a_held_lake_is_refused_in_one_line_naming_the_holder(tmp_path: Path) -> None:
    with held_by_another_process(tmp_path) as holder:
        with pytest.raises(LakeBusy) as busy, LakeLock(tmp_path, seconds=0.2).held():
            pass
    message = str(busy.value)
    assert len(message.splitlines()) == 1
    assert f"{holder.pid}@" in message and "backfill --start 2025-01-01" in message
    assert "STEWARD_LAKE_LOCK_SECONDS" in message
    with LakeLock(tmp_path, seconds=0.2).held():  # free once its holder has exited
        assert (tmp_path / ".steward.lock.holder").exists()
    assert not (tmp_path / ".steward.lock.holder").exists()


def test_the_second_one_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    heard: list[str] = []
    with held_by_another_process(tmp_path) as holder:
        assert holder.stdin is not None
        # The holder lets go a while after the wait has begun.
        timer = threading.Timer(2.0, holder.stdin.close)
        timer.start()
        try:
            with LakeLock(tmp_path, seconds=60, on_wait=heard.append).held():
                assert holder.wait(30) == 0
        finally:
            timer.cancel()
    assert len(heard) == 1 and f"{holder.pid}@" in heard[0] and "waiting" in heard[0]


def test_a_hold_nests_within_a_process(tmp_path: Path) -> None:
    lock = LakeLock(tmp_path, seconds=0.2)
    with lock.held(), LakeLock(tmp_path, seconds=0.2).held():
        pass
    with lock.held():  # and is released by the outermost
        pass
