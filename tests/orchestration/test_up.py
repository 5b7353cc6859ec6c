"""`steward up` for real, on loopback, left alone over a tiny lake: a landed day is built,
checked and exported exactly once; a day whose source is missing past the deadline pages its
responder, then the next level after `ack_timeout_minutes`; SIGTERM leaves no process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from pipesteward.metrics.generator import generate
from pipesteward.orchestration.checks import DAY_TAG
from pipesteward.orchestration.execute import run_range
from pipesteward.orchestration.instance import instance
from tests.incidents.receivers import free_port, http_inbox
from tests.incidents.team import team
from tests.web.server import assert_gone

BUILT, LANDED, MISSING = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
AT = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # past the 06:00 New York deadline of MISSING
BOUND_SECONDS = 300


def wait_for(what: str, test: Callable[[], Any], proc: subprocess.Popen[str]) -> Any:
    ends = time.monotonic() + BOUND_SECONDS
    while time.monotonic() < ends:
        value = test()
        if value:
            return value
        assert proc.poll() is None, f"steward up exited while waiting for {what}"
        time.sleep(2)
    raise AssertionError(f"not within {BOUND_SECONDS} s: {what}")


@pytest.mark.slow
def test_steward_up_runs_the_day_alone_and_stops_cleanly(project: Path) -> None:
    with http_inbox() as inbox:
        project.write_text(project.read_text().replace("ack_timeout_minutes: 15",
                                                       "ack_timeout_minutes: 1"))
        steward = team(project, {e: [inbox.url(e)] for e in "ABCD"})
        steward.executor = run_range
        lake = steward.paths.lake
        generate(lake, date(2026, 3, 1), 4, 200, 5)
        (lake / "sources" / "orders" / f"date={MISSING}" / "_SUCCESS").unlink()  # delayed
        assert steward.run_models(date(2026, 3, 1), BUILT).ok  # the history, by a command
        env = {**os.environ, **steward.env, "STEWARD_SENSOR_SECONDS": "5",
               "STEWARD_CLOCK_OFFSET_SECONDS": str(AT.timestamp() - time.time()),
               "PYTHONPATH": os.pathsep.join(sys.path)}
        env.pop("DAGSTER_HOME", None)
        port, console = free_port(), free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipesteward", "up", "--port", str(port), "--console-port",
             str(console), "--spec", str(project)],
            cwd=project.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True)
        pgid = 0
        try:
            assert proc.stdout is not None
            lines = [proc.stdout.readline() for _ in range(3)]
            assert f"Dagster UI: http://127.0.0.1:{port}" in lines[0]
            assert f"console:    http://127.0.0.1:{console}" in lines[1]
            pgid = int(lines[2].split("process group ")[1].split(";")[0])
            inst = instance(steward.paths.dagster_home, steward.spec.base_dir)

            def runs(job: str) -> list[Any]:
                return list(inst.get_runs(dg.RunsFilter(
                    job_name=job, tags={DAY_TAG: str(LANDED)})))

            def exported() -> bool:
                return any(r.status == dg.DagsterRunStatus.SUCCESS
                           for r in runs("investor_month"))

            def paged(level: int) -> list[Any]:
                found = [i for i in steward.incidents("active")
                         if i["partition"] == str(MISSING)
                         and i["check"] == "profit.pipeline_failure"]
                if not found or found[0]["level"] < level:
                    return []
                who = found[0]["escalation"][level - 1]["engineer"]
                return [p for p in inbox.pages(who) if str(MISSING) in str(p)]

            assert wait_for("the responder paged for the missing day", lambda: paged(1), proc)
            wait_for("the landed day exported", exported, proc)
            assert wait_for("the next level paged after the ack timeout", lambda: paged(2),
                            proc)
            # exactly once: one daily run, one month run (the export), nothing requested again
            time.sleep(12)
            assert [r.status for r in runs("daily_models")] == [dg.DagsterRunStatus.SUCCESS]
            assert [r.status for r in runs("investor_month")] == [dg.DagsterRunStatus.SUCCESS]
            assert (steward.spec.base_dir / "exports").is_dir()
            assert not [i for i in steward.incidents("active") if i["partition"] == str(LANDED)]
            inst.dispose()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        assert proc.returncode == 0
        assert pgid
        assert_gone(pgid)
