"""The daemon's sensors at pinned instants (Dagster's sensor testing APIs): the daily cycle
requests each day once its sources are in (America/New_York included) and again after a
failure; failed runs and missed deadlines open incidents; escalation pages the next level."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from pipesteward.app import Steward
from pipesteward.orchestration.checks import DAY_TAG
from pipesteward.orchestration.definitions import build
from pipesteward.orchestration.execute import run_range
from pipesteward.orchestration.instance import instance
from tests.incidents.receivers import http_inbox
from tests.incidents.team import team
from tests.metrics.lakes import END, START, make_lake

DAY = END - timedelta(days=1)  # 2025-03-04, the last day whose next UTC day has landed
AT = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)  # after the 06:00 New York deadline of DAY


class Deployment:
    """The project's definitions at a pinned instant, over its Dagster instance."""

    def __init__(self, steward: Steward, at: datetime = AT):
        self.steward, self.at = steward, at
        self.defs = build(steward, clock=lambda: self.at).defs
        self.instance = instance(steward.paths.dagster_home, steward.spec.base_dir)

    def tick(self, name: str, cursor: str | None = None) -> Any:
        ctx = dg.build_sensor_context(instance=self.instance, definitions=self.defs,
                                      cursor=cursor)
        return self.defs.get_sensor_def(name).evaluate_tick(ctx)

    def requests(self) -> dict[str, dg.RunRequest]:
        return {f"{r.job_name} {r.partition_key}": r for r in self.tick("daily_cycle").run_requests}

    def launch(self, request: dg.RunRequest) -> Any:
        """What the daemon does with a request: the job's run, with the request's tags."""
        job = self.defs.resolve_job_def(request.job_name or "")
        return job.execute_in_process(partition_key=request.partition_key,
                                      instance=self.instance, tags=dict(request.tags),
                                      raise_on_error=False)

    def failure(self, result: Any) -> Any:
        run = self.instance.get_run_by_id(result.run_id)
        (event,) = self.instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        ctx = dg.build_run_status_sensor_context(
            sensor_name="run_failures", dagster_instance=self.instance, dagster_run=run,
            dagster_event=event.get_dagster_event(), repository_def=self.defs.get_repository_def(),
        ).for_run_failure()
        return self.defs.get_sensor_def("run_failures")(ctx)


@pytest.fixture
def steward(project: Path) -> Steward:
    s = Steward.from_path(project, env={}, executor=run_range)
    make_lake(s.paths.lake, users=200)
    return s


def drift(steward: Steward, table: str, day: Any, column: str) -> Path:
    """The partition's column arrives as text (schema drift): the run refuses the source."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    part = steward.paths.lake / "sources" / table / f"date={day}" / "part-0.parquet"
    part.rename(part.with_suffix(".bak"))
    data = pq.read_table(part.with_suffix(".bak"))
    index = data.schema.get_field_index(column)
    pq.write_table(data.set_column(index, column, data[column].cast(pa.string())), part)
    return part


def test_the_cycle_requests_each_day_once_then_its_month(steward: Steward) -> None:
    deployment = Deployment(steward)
    days = [(DAY - timedelta(days=i)).isoformat() for i in range(7)]  # the last week
    assert set(deployment.requests()) == {f"daily_models {d}" for d in days}
    assert steward.run_models(START, DAY - timedelta(days=1)).ok  # the history, by a command
    first = deployment.requests()
    assert set(first) == {f"daily_models {DAY}"}
    request = first[f"daily_models {DAY}"]
    assert request.tags[DAY_TAG] == DAY.isoformat() and request.run_key == f"daily_models:{DAY}:1"
    assert deployment.requests()[f"daily_models {DAY}"].run_key == request.run_key  # same key
    assert deployment.launch(request).success
    again = deployment.requests()
    assert f"daily_models {DAY}" not in again  # built: never requested twice
    month = again[f"investor_month {DAY:%Y-%m}"]
    assert month.tags[DAY_TAG] == DAY.isoformat()
    assert deployment.launch(month).success
    assert not any(k.endswith(f"{DAY:%Y-%m}") and r.tags[DAY_TAG] == DAY.isoformat()
                   for k, r in deployment.requests().items())


def test_a_day_built_by_a_command_is_left_alone(steward: Steward) -> None:
    assert steward.run_models(DAY, DAY, tags={"pipesteward/command": "run"}).ok
    assert not [k for k in Deployment(steward).requests() if DAY.isoformat() in k]


def test_a_failed_run_is_retried_with_a_new_key_and_its_incident_resolves(
        steward: Steward) -> None:
    deployment = Deployment(steward)
    part = drift(steward, "orders", DAY, "revenue")
    failed = deployment.launch(deployment.requests()[f"daily_models {DAY}"])
    assert not failed.success
    said = deployment.failure(failed)
    # The drifted column breaks the orders contract: one incident on that source partition.
    assert "orders: " in said.skip_message and "column revenue" in said.skip_message
    (incident,) = [i for i in steward.incidents("open") if i["partition"] == str(DAY)]
    assert (incident["check"], incident["pipeline"]) == ("source.contract", "orders")
    retry = deployment.requests()[f"daily_models {DAY}"]
    assert retry.run_key == f"daily_models:{DAY}:2"  # the first key does not block it
    for attempt in (2, 3):
        request = deployment.requests()[f"daily_models {DAY}"]
        assert request.run_key == f"daily_models:{DAY}:{attempt}"
        assert not deployment.launch(request).success
    assert f"daily_models {DAY}" not in deployment.requests()  # three failures: it waits
    part.unlink()
    part.with_suffix(".bak").rename(part)
    marker = part.parent / "_SUCCESS"
    os.utime(marker)  # the source landed again
    rerun = deployment.requests()[f"daily_models {DAY}"]
    assert rerun.run_key == f"daily_models:{DAY}:4"
    assert deployment.launch(rerun).success
    assert not [i for i in steward.incidents("open") if i["partition"] == str(DAY)]


def test_new_york_waits_for_the_next_utc_partition_and_its_day_succeeds(
        project: Path) -> None:
    text = project.read_text()
    project.write_text(text.replace("reporting:\n  timezone: UTC",
                                    "reporting:\n  timezone: America/New_York"))
    steward = Steward.from_path(project, env={}, executor=run_range)
    make_lake(steward.paths.lake, users=200)
    assert steward.spec.reporting.timezone == "America/New_York"
    at = datetime(2025, 3, 5, 20, 0, tzinfo=UTC)  # 15:00 in New York: yesterday is DAY
    marker = steward.paths.lake / "sources" / "events" / f"date={END}" / "_SUCCESS"
    marker.rename(marker.with_name("_LATER"))
    deployment = Deployment(steward, at)
    tick = deployment.tick("daily_cycle")
    partitions = {r.partition_key for r in tick.run_requests}
    assert str(DAY) not in partitions and str(DAY - timedelta(days=1)) in partitions
    marker.with_name("_LATER").rename(marker)
    request = deployment.requests()[f"daily_models {DAY}"]
    assert deployment.launch(request).success
    assert steward.read_model("aggregate_profit", str(DAY)) is not None


def test_a_day_not_built_by_the_deadline_pages_then_escalates(project: Path) -> None:
    with http_inbox() as inbox:
        steward = team(project, {e: [inbox.url(e)] for e in "ABCD"})
        steward.executor = run_range
        make_lake(steward.paths.lake, users=200)
        assert steward.run_models(START, DAY - timedelta(days=1)).ok
        before = Deployment(steward, AT.replace(hour=10))  # 05:00 in New York: not due yet
        assert "no day past its deadline" in before.tick("deadlines").skip_message
        deployment = Deployment(steward)
        tick = deployment.tick("deadlines")
        assert str(DAY) in tick.skip_message
        late = {i["check"]: i for i in steward.incidents("open") if i["partition"] == str(DAY)}
        assert set(late) == {"profit.pipeline_failure"}
        responder = late["profit.pipeline_failure"]["responder"]
        assert len(inbox.pages(responder)) == 1
        # the cursor remembers the day: a second tick pages nobody again
        deployment.tick("deadlines", cursor=tick.cursor)
        assert len(inbox.pages(responder)) == 1
        assert "nothing to escalate" in deployment.tick("escalation").skip_message
        deployment.at = AT + timedelta(minutes=16)  # past ack_timeout_minutes (15)
        assert "escalated" in deployment.tick("escalation").skip_message
        second = steward.incidents("open")[0]["escalation"][1]["engineer"]
        assert len(inbox.pages(second)) == 1


def test_a_run_failed_on_a_blocking_check_waits_for_new_data(steward: Steward) -> None:
    assert steward.run_models(START, DAY - timedelta(days=1)).ok
    deployment = Deployment(steward)
    assert deployment.launch(deployment.requests()[f"daily_models {DAY}"]).success
    # A day of the month lost its daily_growth row: growth.completeness fails, and blocks.
    lost = steward.paths.lake / "models" / "daily_growth" / f"date={DAY:%Y-%m}-02"
    kept = lost.with_name("kept")
    lost.rename(kept)
    month = f"investor_month {DAY:%Y-%m}"
    assert not deployment.launch(deployment.requests()[month]).success
    assert month not in deployment.requests()  # the same data fails the same check again
    kept.rename(lost)
    os.utime(steward.paths.lake / "sources" / "orders" / f"date={DAY}" / "_SUCCESS")
    again = deployment.requests()[month]  # a source landed again: worth another run
    assert again.run_key == f"investor_month:{DAY}:2"
    assert deployment.launch(again).success
