"""`steward up`: the team's day on one machine. Dagster's daemon (sensors, run queue) and
webserver on the project's DAGSTER_HOME, and the ops console, as children in one process group
of their own; SIGINT or SIGTERM stops the whole group (grandchildren such as Dagster's code
servers and runs included), so nothing is left running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from pipesteward.cli.common import SpecOpt, handle_errors, load, out
from pipesteward.errors import RunFailed

MODULE = ["-m", "pipesteward.orchestration"]
GRACE_SECONDS = 20  # then the group is killed


def register(app: typer.Typer) -> None:
    app.command("up")(up)


def commands(host: str, port: int, console_port: int, spec: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "dagster daemon": [python, "-m", "dagster._daemon", "run", *MODULE],
        "dagster webserver": [python, "-m", "dagster_webserver", "--host", host,
                              "--port", str(port), *MODULE],
        "console": [python, "-m", "pipesteward", "serve", "--host", host,
                    "--port", str(console_port), "--spec", str(spec),
                    "--dagster-url", f"http://{host}:{port}"],
    }


class Group:
    """Children in one new process group, stopped together."""

    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen[Any]] = {}
        self.pgid: int | None = None

    def start(self, name: str, argv: Sequence[str], cwd: Path, env: dict[str, str]) -> None:
        child = subprocess.Popen(argv, cwd=cwd, env=env, process_group=self.pgid or 0)
        self.pgid = self.pgid or child.pid
        self.children[name] = child

    def exited(self) -> str | None:
        return next((n for n, c in self.children.items() if c.poll() is not None), None)

    def stop(self) -> None:
        if self.pgid is None:
            return
        self._signal(signal.SIGTERM)
        ends = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < ends and self._alive():
            time.sleep(0.2)
        if self._alive():
            self._signal(signal.SIGKILL)
        for c in self.children.values():
            c.wait()

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.pgid or 0, sig)
        except ProcessLookupError:
            pass

    def _alive(self) -> bool:
        for c in self.children.values():
            c.poll()
        try:
            os.killpg(self.pgid or 0, 0)  # any member left, grandchildren included
        except ProcessLookupError:
            return False
        return True


class Stop(Exception):
    """SIGINT or SIGTERM arrived."""


def _raise_stop(signum: int, _frame: Any) -> None:
    raise Stop(signal.Signals(signum).name)


@handle_errors
def up(
    host: Annotated[str, typer.Option("--host", help="Address both UIs listen on (loopback "
                                      "unless told otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The Dagster UI's port.")] = 3000,
    console_port: Annotated[int, typer.Option("--console-port", help="The console's port.")]
    = 8000,
    spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """Run the team's day: Dagster's daemon and UI, and the console, until Ctrl-C."""
    from pipesteward.orchestration.instance import write_config

    steward = load(spec)
    project, home = steward.spec.base_dir, steward.paths.dagster_home
    write_config(home, project, steward.paths.dagster_database_url)
    env = {**os.environ, "DAGSTER_HOME": str(home.resolve()),
           "STEWARD_SPEC": str(Path(spec).resolve())}
    group = Group()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _raise_stop)
    try:
        for name, argv in commands(host, port, console_port, Path(spec).resolve()).items():
            group.start(name, argv, project, env)
        out.print(f"Dagster UI: http://{host}:{port}")
        out.print(f"console:    http://{host}:{console_port}")
        out.print(f"DAGSTER_HOME {home}; process group {group.pgid}; Ctrl-C stops everything",
                  soft_wrap=True)
        sys.stdout.flush()
        while (gone := group.exited()) is None:
            time.sleep(0.5)
        raise RunFailed(f"{gone} exited with status {group.children[gone].returncode}; "
                        "stopping everything (see its output above)")
    except Stop as stop:
        out.print(f"{stop}: stopping")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        group.stop()
        out.print("stopped: no process left")
