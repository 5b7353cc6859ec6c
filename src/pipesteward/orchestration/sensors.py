"""The daemon's sensors: the team's day with nobody at the keyboard.

- `daily_cycle` requests `daily_models` for each recent reporting day once every source
  partition its run reads has landed (`metrics.sources.unlanded`: for America/New_York, the
  UTC partition of the next day too), then `investor_month` for the day's month (the month,
  its checks, the export) once that run succeeded. A day built by `steward run` or
  `steward backfill` is left alone (the command checked and exported it). A failed run is
  requested again, up to `ATTEMPTS` times, and again whenever a source of the day lands after
  it; each attempt has its own run key, so a key never blocks a retry. A run that failed only
  on blocking checks (or an export they refused) is not retried until a source lands again:
  the same data would fail them again.
- `run_failures` runs `profit.pipeline_failure` for the models a failed run did not build
  (the check classifies the failure: resource limit, outage, source data, logic error; opens,
  routes and pages the incident); failed checks and failed exports open theirs in the run.
- `deadlines` runs `profit.pipeline_failure` and `profit.source_freshness` on aggregate_profit
  for a day not built by `schedule.deadline` (once per day): late is an incident too.
- `escalation` pages the next level of every unacknowledged incident past its ack timeout,
  each tick (no cron needed; `steward incidents escalate` does the same by hand).

A passing run checks the day again, which resolves its incidents. Every sensor reads the time
from `clock` and ticks every `STEWARD_SENSOR_SECONDS` (orchestration/clock.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipesteward.checks.service import deadline
from pipesteward.days import days_between, month_key, reporting_day
from pipesteward.metrics.models import MODELS, ORDER
from pipesteward.metrics.sources import (
    first_source_day,
    margin_days,
    mtime,
    partition_dir,
    unlanded,
)
from pipesteward.orchestration.checks import BLOCKED, DAY_TAG
from pipesteward.orchestration.clock import interval

if TYPE_CHECKING:
    from pipesteward.app import Steward

Clock = Callable[[], datetime]
LOOKBACK_DAYS = 7  # how far back the cycle and the deadline look for unfinished days
ATTEMPTS = 3  # runs of one stage of a day before the cycle waits for a person (or new data)
CYCLE_TAG = "pipesteward/cycle"  # on the runs the cycle requested
DAILY_MODELS = [n for n in ORDER if MODELS[n].grain == "day"]
RUNNING = dg.DefaultSensorStatus.RUNNING  # left alone, the deployment does the day
FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
            dg.DagsterRunStatus.CANCELED}


def recent_days(steward: Steward, at: datetime) -> list[date]:
    """The reporting days the cycle looks after at `at`: the last week up to yesterday."""
    yesterday = reporting_day(at, steward.spec.reporting.tz) - timedelta(days=1)
    first = max(first_source_day(steward.paths.lake) or yesterday,
                yesterday - timedelta(days=LOOKBACK_DAYS - 1))
    return days_between(first, yesterday) if first <= yesterday else []


def built(instance: dg.DagsterInstance, day: date) -> bool:
    """Every daily model has a materialization of the day (by anyone)."""
    key = day.isoformat()
    return all(key in instance.get_materialized_partitions(dg.AssetKey(m))
               for m in DAILY_MODELS)


def _runs(instance: dg.DagsterInstance, job: str, day: date) -> list[dg.DagsterRun]:
    return list(instance.get_runs(dg.RunsFilter(job_name=job, tags={DAY_TAG: day.isoformat()})))


def _landed_after(steward: Steward, day: date, since: float) -> bool:
    """A `_SUCCESS` of the day's partitions (and the next UTC day's) is newer than `since`."""
    margin = margin_days(steward.spec.reporting.timezone)
    for table in ("users", "orders", "events"):
        for d in days_between(day, day + timedelta(days=margin)):
            marker = partition_dir(steward.paths.lake, table, d) / "_SUCCESS"
            if marker.exists() and mtime(marker).timestamp() > since:
                return True
    return False


def blocked_by_checks(instance: dg.DagsterInstance, run_id: str) -> bool:
    """The run failed only because blocking checks failed (or the export refused for one):
    on the same data they fail again, so a retry waits for new data or a person."""
    failures = [e.dagster_event.step_failure_data for e in instance.all_logs(
        run_id, of_type=dg.DagsterEventType.STEP_FAILURE) if e.dagster_event]
    return bool(failures) and all(_blocked(f) for f in failures)


def _blocked(failure: Any) -> bool:
    if failure.error is not None and failure.error.cls_name == "DagsterAssetCheckFailedError":
        return True
    data = failure.user_failure_data
    return bool(data is not None and BLOCKED in (data.metadata or {}))


def next_attempt(steward: Steward, runs: list[dg.DagsterRun],
                 instance: dg.DagsterInstance) -> int | None:
    """The attempt number to request now, or None: a run is in flight, one succeeded, or
    `ATTEMPTS` failed (or the last failed only on blocking checks) and nothing landed since
    the last."""
    if any(r.status not in FINISHED for r in runs):
        return None
    if any(r.status == dg.DagsterRunStatus.SUCCESS for r in runs):
        return None
    if runs and (len(runs) >= ATTEMPTS or blocked_by_checks(instance, runs[0].run_id)):
        record = instance.get_run_record_by_id(runs[0].run_id)  # newest first
        ended = record.end_time if record and record.end_time else 0.0
        day = date.fromisoformat(runs[0].tags[DAY_TAG])
        if not _landed_after(steward, day, ended):
            return None
    return len(runs) + 1


def daily_cycle(steward: Steward, daily_job: Any, month_job: Any, clock: Clock) -> Any:
    tz = steward.spec.reporting.timezone

    @dg.sensor(name="daily_cycle", jobs=[daily_job, month_job],
               minimum_interval_seconds=interval(), default_status=RUNNING,
               description="Each recent day once its sources have landed: daily_models, "
               "then investor_month (the month, its checks, the export); again after a "
               "failure.")
    def _cycle(context: dg.SensorEvaluationContext) -> Any:
        instance = context.instance
        requests, waiting = [], []
        for day in recent_days(steward, clock()):
            missing = unlanded(steward.paths.lake, day, [MODELS[m] for m in DAILY_MODELS], tz)
            if missing:
                waiting.append(f"{day}: waiting for _SUCCESS in {', '.join(missing[:3])}")
                continue
            tags = {DAY_TAG: day.isoformat(), CYCLE_TAG: "daily_cycle"}
            daily = [r for r in _runs(instance, daily_job.name, day) if CYCLE_TAG in r.tags]
            if not any(r.status == dg.DagsterRunStatus.SUCCESS for r in daily):
                if built(instance, day):
                    continue  # built by a command, which checked and exported it
                job, partition, attempt = daily_job.name, day.isoformat(), next_attempt(
                    steward, daily, instance)
            else:
                month = [r for r in _runs(instance, month_job.name, day) if CYCLE_TAG in r.tags]
                job, partition, attempt = month_job.name, month_key(day), next_attempt(
                    steward, month, instance)
            if attempt is not None:
                requests.append(dg.RunRequest(run_key=f"{job}:{day}:{attempt}", job_name=job,
                                              partition_key=partition, tags=tags))
        if requests:
            return requests
        return dg.SkipReason("; ".join(waiting) or "every recent day is done or in flight")

    return _cycle


def _failed_models(steward: Steward, run: dg.DagsterRun) -> list[str]:
    """The models the run tried and did not build (from the ops store's run records)."""
    failed = {r.pipeline for r in steward.runs(run_id=run.run_id) if r.status != "succeeded"}
    return [m for m in ORDER if m in failed]


def run_failures(steward: Steward, jobs: list[Any], clock: Clock) -> Any:
    @dg.run_failure_sensor(name="run_failures", monitored_jobs=jobs,
                           minimum_interval_seconds=interval(), default_status=RUNNING,
                           description="An incident for each model a failed run did not "
                           "build, classified by profit.pipeline_failure.")
    def _failures(context: dg.RunFailureSensorContext) -> Any:
        run = context.dagster_run
        day = run.tags.get(DAY_TAG) or run.tags.get("dagster/partition", "")
        models = _failed_models(steward, run)
        if len(day) != 10 or not models:
            return dg.SkipReason(f"run {run.run_id}: no model failed (a failed check or "
                                 "export opened its own incident)")
        # A source that broke its contract stops the run before its checks step: the source
        # checks name it (and hold the day, so pipeline_failure then passes for it).
        results = steward.check(date.fromisoformat(day), as_of=clock(), pipelines=models,
                                check_ids={"profit.pipeline_failure", "source.contract",
                                           "source.volume"})
        failed = [f"{r.pipeline}: {r.figures.get('classification') or r.message}" for r in results
                  if not r.passed]
        return dg.SkipReason(f"run {run.run_id} for {day}: " + (", ".join(failed) or "waiting"))

    return _failures


def deadlines(steward: Steward, clock: Clock) -> Any:
    spec = steward.spec

    @dg.sensor(name="deadlines", minimum_interval_seconds=interval(), default_status=RUNNING,
               description="An incident when a day is not built by schedule.deadline.")
    def _deadlines(context: dg.SensorEvaluationContext) -> Any:
        at = clock()
        flagged = set(json.loads(context.cursor)) if context.cursor else set()
        late = []
        for day in recent_days(steward, at):
            if day.isoformat() in flagged or at <= deadline(day, spec.schedule.deadline,
                                                            spec.team.tz):
                continue
            if built(context.instance, day):
                continue
            steward.check(day, as_of=at, pipelines=["aggregate_profit"],
                          check_ids={"profit.pipeline_failure", "profit.source_freshness"})
            flagged.add(day.isoformat())
            late.append(day.isoformat())
        keep = {d.isoformat() for d in recent_days(steward, at)}
        context.update_cursor(json.dumps(sorted(flagged & keep)))
        return dg.SkipReason(f"late: {', '.join(late)}" if late else "no day past its deadline")

    return _deadlines


def escalation(steward: Steward, clock: Clock) -> Any:
    @dg.sensor(name="escalation", minimum_interval_seconds=interval(), default_status=RUNNING,
               description="Pages the next level of unacknowledged incidents past their ack "
               "timeout.")
    def _escalation(context: dg.SensorEvaluationContext) -> Any:
        escalated = steward.escalate_incidents(clock())
        return dg.SkipReason(f"escalated incidents {escalated}" if escalated
                             else "nothing to escalate")

    return _escalation


def sensors(steward: Steward, daily_job: Any, month_job: Any, clock: Clock) -> list[Any]:
    return [daily_cycle(steward, daily_job, month_job, clock),
            run_failures(steward, [daily_job, month_job], clock),
            deadlines(steward, clock), escalation(steward, clock)]
