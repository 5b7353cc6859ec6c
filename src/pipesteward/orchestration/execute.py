"""`steward run` and `steward backfill`: the model assets materialised in-process by Dagster.

A range runs as (at most) two Dagster runs against the instance in DAGSTER_HOME: the daily
models over the range's days, then aggregate_growth over its months. Each asset gets the whole
range in one step (single-run backfill policy), so each model's SQL runs once over the range.
The runs show in the Dagster UI like any other. The CLI gives this executor to the facade.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipesteward.errors import RunFailed
from pipesteward.metrics.models import MODELS
from pipesteward.metrics.service import OnResult, OnStart, RangeReport, select
from pipesteward.metrics.sources import first_source_day
from pipesteward.orchestration.definitions import (
    ENGINE_TAG,
    ModelRuns,
    model_assets,
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
) -> RangeReport:
    """The Dagster executor (`Steward(executor=...)`): materialise the selected models over
    [start, end]; failures are in the report."""
    models = select(only)
    steward.store  # noqa: B018 - a store that is down fails here, once, not in retried steps
    runs = ModelRuns(steward, engine=engine, on_start=on_start, on_result=on_result)
    first = min(filter(None, (first_source_day(steward.paths.lake), start)))
    # Only the assets: materialize needs no jobs, schedules, sensors or checks.
    every: list[dg.AssetsDefinition | dg.AssetSpec] = [
        *source_specs(steward), *model_assets(steward, first)]
    report = RangeReport(start, end)
    inst = instance(steward.paths.dagster_home)
    tags = {ENGINE_TAG: engine or steward.spec.compute.engine}
    resources = {"model_runs": dg.ResourceDefinition.hardcoded_resource(runs)}
    try:
        daily = [m for m in models if MODELS[m].grain == "day"]
        if daily:
            result = _materialize(every, inst, daily, resources, {
                **tags, RANGE_START: start.isoformat(), RANGE_END: end.isoformat()})
            report.dagster_runs.append(result.run_id)
            _unexpected(result, runs)
        # The month is rebuilt from daily_growth: not after a failed daily_growth.
        monthly_blocked = any(f.model == "daily_growth" for f in runs.failures)
        if "aggregate_growth" in models and not monthly_blocked:
            result = _materialize(every, inst, ["aggregate_growth"], resources, {
                **tags, RANGE_START: start.strftime("%Y-%m"), RANGE_END: end.strftime("%Y-%m")})
            report.dagster_runs.append(result.run_id)
            _unexpected(result, runs)
    finally:
        runs.close()
        inst.dispose()
    report.results, report.failures = runs.results, runs.failures
    return report


def _materialize(assets: list[Any], inst: dg.DagsterInstance, selection: list[str],
                 resources: dict[str, Any], tags: dict[str, str]) -> Any:
    with batched_events():
        return dg.materialize(assets, instance=inst, selection=selection, raise_on_error=False,
                              run_config=QUIET, resources=resources, tags=tags)


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
