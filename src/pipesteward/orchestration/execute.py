"""`steward run` and `steward backfill`: the model assets materialised in-process by Dagster.

A range runs as (at most) two Dagster runs against the instance in DAGSTER_HOME, under the
project's job names: `daily_models` over the range's days, then `investor_month` (here only
aggregate_growth, over its months), tagged `pipesteward/command: run` or `backfill`. The
definitions here hold only the assets (no checks, sensors or export): the command checks and
exports the day itself, once. Each asset gets the whole
range in one step (single-run backfill policy), so each model's SQL runs once over the range.
The runs show in the Dagster UI like any other. The CLI gives this executor to the facade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipesteward import signals
from pipesteward.errors import RunFailed
from pipesteward.metrics.models import MODELS
from pipesteward.metrics.service import OnResult, OnStart, RangeReport, select
from pipesteward.metrics.sources import first_source_day
from pipesteward.orchestration.checks import DAY_TAG
from pipesteward.orchestration.definitions import (
    ENGINE_TAG,
    ModelRuns,
    daily_job,
    model_assets,
    month_job,
    shared_specs,
    source_specs,
)
from pipesteward.orchestration.instance import batched_events, instance

if TYPE_CHECKING:
    from pipesteward.app import Steward

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def run_range(
    steward: Steward,
    start: date,
    end: date,
    only: Iterable[str] | None = None,
    engine: str | None = None,
    on_start: OnStart | None = None,
    on_result: OnResult | None = None,
    tags: Mapping[str, str] | None = None,
) -> RangeReport:
    """The Dagster executor (`Steward(executor=...)`): materialise the selected models over
    [start, end]; failures are in the report."""
    models = select(only)
    steward.store  # noqa: B018 - a store that is down fails here, once, not in retried steps
    runs = ModelRuns(steward, engine=engine, on_start=on_start, on_result=on_result)
    first = min(filter(None, (first_source_day(steward.paths.lake), start)))
    # Only the assets: materialize needs no jobs, schedules, sensors or checks.
    every: list[dg.AssetsDefinition | dg.AssetSpec] = [
        *source_specs(steward), *shared_specs(), *model_assets(steward, first)]
    report = RangeReport(start, end)
    inst = instance(steward.paths.dagster_home, steward.spec.base_dir,
                    steward.paths.dagster_database_url)
    tags = {**(tags or {}), ENGINE_TAG: engine or steward.spec.compute.engine}
    if start == end:
        tags[DAY_TAG] = end.isoformat()
    resources = {"model_runs": dg.ResourceDefinition.hardcoded_resource(runs)}
    try:
        # Settings the engine refuses (an unreachable Spark master) are bad input: they fail
        # here, once, not in retried steps.
        runs.runner(engine).runner.engine  # noqa: B018
        daily = [m for m in models if MODELS[m].grain == "day"]
        if daily:
            result = _execute(daily_job(daily), every, inst, resources, {
                **tags, RANGE_START: start.isoformat(), RANGE_END: end.isoformat()})
            report.dagster_runs.append(result.run_id)
            stop = signals.received()
            if stop is not None:  # SIGINT/SIGTERM: no month run after a stopped day run
                raise stop
            _unexpected(result, runs)
        # The month is rebuilt from daily_growth: not after a failed daily_growth.
        monthly_blocked = any(f.model == "daily_growth" for f in runs.failures)
        if "aggregate_growth" in models and not monthly_blocked:
            result = _execute(month_job(["aggregate_growth"]), every, inst, resources, {
                **tags, RANGE_START: start.strftime("%Y-%m"), RANGE_END: end.strftime("%Y-%m")})
            report.dagster_runs.append(result.run_id)
            _unexpected(result, runs)
    finally:
        runs.close()
        inst.dispose()
    report.results, report.failures = runs.results, runs.failures
    return report


def _execute(job: Any, assets: list[Any], inst: dg.DagsterInstance, resources: dict[str, Any],
             tags: dict[str, str]) -> Any:
    """One named job over the assets, in this process (what `dg.materialize` does, named)."""
    defs = dg.Definitions(assets=assets, jobs=[job], resources=resources)
    with batched_events():
        return defs.resolve_job_def(job.name).execute_in_process(
            instance=inst, raise_on_error=False, run_config=QUIET, tags=tags)


def _unexpected(result: Any, runs: ModelRuns) -> None:
    """A Dagster failure that is not a model failure (e.g. a bad partition key)."""
    if result.success:
        return
    failed_steps = [e for e in result.all_events if e.is_step_failure]
    known = {f.model for f in runs.failures}
    for event in failed_steps:
        if event.step_key not in known:
            error = event.event_specific_data.error
            message = error.message.strip().splitlines()[0] if error else "unknown error"
            raise RunFailed(f"{event.step_key}: the Dagster step failed: {message}")
    if not failed_steps and not runs.failures:
        raise RunFailed(f"the Dagster run {result.run_id} failed before any model ran")
