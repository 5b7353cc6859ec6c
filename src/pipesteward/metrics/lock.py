"""The lake lock: one process at a time builds, checks or exports over a lake.

`<lake>/.steward.lock` is a `filelock` lock (an OS lock: it is released when its process
ends, even by SIGKILL). Its holder writes `pid@host`, the command and the time beside it
(`.steward.lock.holder`), so that a process that waits too long says who holds it. The lock is
reentrant within a process: a command that holds it runs its models, checks and export under
the same hold.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipesteward import processes
from pipesteward.errors import RunFailed

LOCK_FILE = ".steward.lock"
HOLDER_FILE = ".steward.lock.holder"
LOCK_SECONDS = 600.0  # a backfill of a year holds it for minutes; a daily run for seconds
NOTICE_SECONDS = 1.0  # waiting longer than this is said once


class LakeBusy(RunFailed):
    """Another process held the lake lock for longer than the wait allows: exit 1. Not retried
    (the wait was the retry); run the command again when the other one is done."""


def command_line() -> str:
    name = Path(sys.argv[0]).name if sys.argv else "python"
    if name in ("__main__.py", "-m", "-c"):
        name = "steward"
    return shlex.join([name, *sys.argv[1:]])


class LakeLock:
    """The lock of one lake, waited for at most `seconds`; `on_wait` hears who is waited for."""

    def __init__(self, lake: Path, seconds: float = LOCK_SECONDS,
                 on_wait: Callable[[str], None] | None = None):
        from filelock import FileLock

        self.lake = Path(lake)
        self.seconds = seconds
        self.on_wait = on_wait
        self.path = self.lake / LOCK_FILE
        self.holder_path = self.lake / HOLDER_FILE
        # One instance per lock file in a process (so that every hold nests), shared by threads.
        self._lock = FileLock(self.path, thread_local=False, is_singleton=True)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock (waiting for it), or raise LakeBusy naming its holder."""
        from filelock import Timeout

        self.lake.mkdir(parents=True, exist_ok=True)
        first = not self._lock.is_locked
        try:
            self._lock.acquire(timeout=min(NOTICE_SECONDS, self.seconds))
        except Timeout:
            if self.on_wait:
                self.on_wait(f"the lake {self.lake} is in use by {self.holder()}; waiting up to "
                             f"{self.seconds:g} s (STEWARD_LAKE_LOCK_SECONDS)")
            try:
                self._lock.acquire(timeout=max(self.seconds - NOTICE_SECONDS, 0))
            except Timeout:
                raise LakeBusy(
                    f"the lake {self.lake} is in use by {self.holder()}, for longer than "
                    f"{self.seconds:g} s (STEWARD_LAKE_LOCK_SECONDS); run the command again "
                    "when that one has finished") from None
        try:
            if first:
                self._write_holder()
            yield
        finally:
            if first:
                self.holder_path.unlink(missing_ok=True)
            self._lock.release()

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it."""
        info = read_holder(self.holder_path)
        if info is None:
            return "another process"
        return f"{info['process']} (`{info['command']}`, since {info['since']})"

    def _write_holder(self) -> None:
        info = {"process": processes.tag(), "command": command_line(),
                "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}
        tmp = self.holder_path.with_name(f"{HOLDER_FILE}.{processes.tag()}.inprogress")
        tmp.write_text(json.dumps(info) + "\n", encoding="utf-8")
        os.replace(tmp, self.holder_path)


def read_holder(path: Path) -> dict[str, Any] | None:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and {"process", "command", "since"} <= info.keys() \
        else None
