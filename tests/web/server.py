"""`steward serve` as a real process on a free loopback port, stopped by its signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.incidents.receivers import free_port

STARTUP_SECONDS = 60


@contextmanager
def serving(project: Path, log: Path, stop: signal.Signals = signal.SIGTERM) -> Iterator[str]:
    """Start the console; yield its base URL; stop it with `stop` and check it is gone."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "STEWARD_DATABASE_URL"}
    steward = Path(sys.executable).with_name("steward")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(steward), "serve", "--spec", str(project), "--host", "127.0.0.1",
             "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, log)
            yield url
        finally:
            if proc.poll() is None:
                proc.send_signal(stop)
            try:
                code = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                raise AssertionError(f"steward serve ignored {stop.name}") from None
    assert code == 0, f"steward serve exited {code} on {stop.name}:\n{log.read_text()}"
    assert_gone(proc.pid)


def wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"steward serve exited {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"steward serve did not answer /healthz:\n{log.read_text()}")


def assert_gone(pgid: int) -> None:
    """Nothing of the process group is left running."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return
    raise AssertionError(f"processes of group {pgid} are still running")
