"""The Dagster definitions, built from the spec: source assets, the shared relations, the five
model assets, the investor export, the runbook checks, the jobs and the sensors.

- The four sources are external assets (`sources/<table>`): Dagster does not produce them.
- The models are assets partitioned by reporting day (aggregate_growth: by month, keys
  `YYYY-MM`), in `reporting.timezone`, with the pipeline's primary and secondary owners' emails
  as `owners`. A single-run backfill policy makes a range one run, so the model's SQL runs once,
  set-based, over the whole range.
- Retries: a resource limit or an outage is retried (twice, with backoff); bad source data,
  logic errors, a busy lake lock and a store that is down are not (retrying cannot fix them),
  nor is a run stopped by SIGINT/SIGTERM (`Interrupted` is no Exception, so no retry policy
  sees it).
- The sensors (orchestration/sensors.py) run the day: `daily_cycle`, `run_failures`,
  `deadlines`, `escalation`.

Every asset calls `ModelRuns` (a resource: runs a model, collects the results), which calls
the service facade; the SQL and the writes live in `pipesteward.metrics`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import dagster as dg
from dagster import AssetExecutionContext

from pipesteward.days import month_end, parse_month
from pipesteward.errors import StoreUnavailable, UserError
from pipesteward.metrics.lock import LakeBusy
from pipesteward.metrics.models import (
    MODELS,
    ORDER,
    SHARED,
    definitions_used,
    logic_version,
)
from pipesteward.metrics.runner import ModelFailed, ModelResult
from pipesteward.metrics.service import OnResult, OnStart, RecordedRunner
from pipesteward.metrics.sources import first_source_day
from pipesteward.orchestration.clock import now

if TYPE_CHECKING:
    from pipesteward.app import Steward

SOURCE_TABLES = ("users", "orders", "events", "experiment_assignments")
ENGINE_TAG = "pipesteward/engine"
DEFAULT_FIRST_DAY = date(2025, 1, 1)  # partitions start here when the lake is still empty
RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)


@dataclass
class ModelRuns:
    """What the assets call: runs a model over a range and reports to whoever listens."""

    steward: Steward
    engine: str | None = None
    on_start: OnStart | None = None
    on_result: OnResult | None = None
    results: list[ModelResult] = field(default_factory=list)
    failures: list[ModelFailed] = field(default_factory=list)
    _runners: dict[str, RecordedRunner] = field(default_factory=dict)

    def runner(self, engine: str | None) -> RecordedRunner:
        name = engine or self.engine or self.steward.spec.compute.engine
        if name not in self._runners:
            self._runners[name] = self.steward.model_runner(engine=name)
        return self._runners[name]

    def run(self, model: str, start: date, end: date, run_id: str,
            engine: str | None = None) -> ModelResult:
        if self.on_start:
            self.on_start(model, start, end)
        try:
            result = self.runner(engine).run(model, start, end, run_id=run_id)
        except ModelFailed as e:
            self.failures.append(e)
            if self.on_result:
                self.on_result(e)
            raise
        # A retry that succeeded: the model's verdict is its last attempt's.
        self.failures = [f for f in self.failures if f.model != model]
        self.results.append(result)
        if self.on_result:
            self.on_result(result)
        return result

    def close(self) -> None:
        for r in self._runners.values():
            r.close()
        self._runners.clear()


# ---------------------------------------------------------------------------- partitions
def partitions(steward: Steward, first_day: date | None = None) -> tuple[Any, Any]:
    first = first_day or first_source_day(steward.paths.lake) or DEFAULT_FIRST_DAY
    tz = steward.spec.reporting.timezone
    daily = dg.DailyPartitionsDefinition(
        start_date=first.isoformat(), timezone=tz, end_offset=1
    )
    monthly = dg.MonthlyPartitionsDefinition(
        start_date=first.replace(day=1).strftime("%Y-%m"), fmt="%Y-%m", timezone=tz,
        end_offset=1,
    )
    return daily, monthly


def _range(context: AssetExecutionContext, grain: str) -> tuple[date, date]:
    keys = context.partition_key_range
    if grain == "month":
        return parse_month(keys.start), month_end(parse_month(keys.end))
    return date.fromisoformat(keys.start), date.fromisoformat(keys.end)


# ---------------------------------------------------------------------------- assets
def _owners(steward: Steward, model: str) -> list[str]:
    try:
        p = steward.spec.pipeline(model)
    except KeyError:
        return []
    team = steward.spec.team
    return [team.engineer(p.primary).email, team.engineer(p.secondary).email]


def _model_asset(steward: Steward, name: str, daily: Any, monthly: Any) -> dg.AssetsDefinition:
    m = MODELS[name]
    tz = steward.spec.reporting.timezone
    try:
        pipeline = steward.spec.pipeline(name)
        description, group = pipeline.name, pipeline.domain
    except KeyError:
        description, group = m.doc, "models"
    deps = [*source_keys(m.reads), *(shared_key(s) for s in m.shared),
            *(dg.AssetKey(u) for u in m.upstream)]

    @dg.asset(
        name=name,
        description=f"{description}. {m.doc}",
        group_name=group,
        deps=deps,
        partitions_def=monthly if m.grain == "month" else daily,
        backfill_policy=dg.BackfillPolicy.single_run(),
        retry_policy=RETRY,
        owners=_owners(steward, name),
        kinds={"duckdb", "parquet"},
        metadata={
            "logic_version": logic_version(name, tz),
            "definitions": dg.MetadataValue.json(definitions_used(name, tz)),
            "columns": ", ".join(m.columns),
        },
        required_resource_keys={"model_runs"},
    )
    def _asset(context) -> dg.MaterializeResult:  # type: ignore[no-untyped-def]  # Dagster reads the hint
        start, end = _range(context, m.grain)
        runs: ModelRuns = context.resources.model_runs
        try:
            result = runs.run(name, start, end, context.run.run_id,
                               context.run.tags.get(ENGINE_TAG))
        except ModelFailed as e:
            # Bad data and logic errors are not retried; resource limits and outages are.
            if e.kind in ("source", "logic"):
                raise dg.Failure(description=str(e), allow_retries=False) from e
            raise
        except (StoreUnavailable, LakeBusy) as e:
            # Waited for already; a retry cannot mend a damaged store or free a held lake.
            raise dg.Failure(description=str(e), allow_retries=False) from e
        except UserError as e:  # a setting to fix (e.g. compute.spark_master): not retried
            raise dg.Failure(description=str(e), allow_retries=False) from e
        return dg.MaterializeResult(metadata={
            "rows": result.rows,
            "partitions": result.partitions,
            "logic_version": result.logic_version,
            "seconds": round(result.seconds, 3),
        })

    return _asset


def source_keys(tables: Any) -> list[dg.AssetKey]:
    return [dg.AssetKey(["sources", t]) for t in SOURCE_TABLES if t in tables]


def shared_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["shared", name])


def shared_specs() -> list[dg.AssetSpec]:
    """The shared relations (qualifying users, completed orders, active user-days): built in
    each run from their sources (active user-days from their kept state per events partition,
    `metrics/state.py`) and read by several models; shown for lineage."""
    return [
        dg.AssetSpec(
            key=shared_key(s.name), group_name="shared", deps=source_keys(s.sources),
            description=f"Shared relation `{s.name}` (metrics/models/shared/{s.name}.sql): "
            "built in each run that reads it"
            + (f", from its state kept per source partition (state/{s.state})." if s.state
               else ", not stored."),
            kinds={"sql"},
        )
        for s in SHARED.values()
    ]


def source_specs(steward: Steward) -> list[dg.AssetSpec]:
    lake = steward.paths.lake
    return [
        dg.AssetSpec(
            key=dg.AssetKey(["sources", t]),
            description=f"Source `{t}`: Hive-partitioned Parquet, complete when `_SUCCESS` "
            "is in the partition.",
            group_name="sources",
            kinds={"parquet"},
            metadata={"path": str(lake / "sources" / t)},
        )
        for t in SOURCE_TABLES
    ]


def model_assets(steward: Steward, first_day: date | None = None) -> list[dg.AssetsDefinition]:
    daily, monthly = partitions(steward, first_day)
    with warnings.catch_warnings():
        # backfill_policy is a beta parameter of @asset; it makes a range one set-based run.
        warnings.simplefilter("ignore", dg.BetaWarning)
        return [_model_asset(steward, n, daily, monthly) for n in ORDER]


# ---------------------------------------------------------------------------- everything
DAILY_JOB = "daily_models"
MONTH_JOB = "investor_month"
# `steward run` and `steward backfill` tag their runs with the command (the UI filters by tag).
COMMAND_TAG = "pipesteward/command"


def daily_job(selection: list[str] | None = None) -> Any:
    """The daily models of a day (and, in the project's definitions, their checks and the
    checks of the sources they read)."""
    names = [n for n in ORDER if MODELS[n].grain == "day"]
    every = dg.AssetSelection.assets(*names) | dg.AssetSelection.checks_for_assets(
        *source_keys({t for n in names for t in MODELS[n].reads}))
    return dg.define_asset_job(
        DAILY_JOB, selection=selection or every,
        executor_def=dg.in_process_executor,
        description="The four daily models for a day, then their runbook checks and their "
        "sources' checks.",
    )


def month_job(selection: list[str] | None = None) -> Any:
    """aggregate_growth for the month of a day, its checks, then the day's investor export."""
    from pipesteward.orchestration.export import EXPORT

    return dg.define_asset_job(
        MONTH_JOB, selection=selection or ["aggregate_growth", EXPORT],
        executor_def=dg.in_process_executor,
        description="aggregate_growth for the month (to date), its runbook checks, then the "
        "day's investor export (verified by reading back).",
    )


@dataclass
class Built:
    defs: dg.Definitions
    assets: list[dg.AssetsDefinition]
    sources: list[dg.AssetSpec]
    model_runs: ModelRuns


def build(steward: Steward, model_runs: ModelRuns | None = None,
          first_day: date | None = None, clock: Callable[[], datetime] = now) -> Built:
    """The project's definitions; the sensors read the time from `clock`."""
    from pipesteward.orchestration.checks import asset_checks
    from pipesteward.orchestration.export import export_asset
    from pipesteward.orchestration.sensors import sensors

    runs = model_runs or ModelRuns(steward)
    daily, monthly = partitions(steward, first_day)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        assets = [_model_asset(steward, n, daily, monthly) for n in ORDER]
    daily_models, investor_month = daily_job(), month_job()
    sources = source_specs(steward)
    defs = dg.Definitions(
        assets=[*sources, *shared_specs(), *assets, export_asset(steward, monthly)],
        asset_checks=asset_checks(steward),  # the runbook checks (orchestration/checks.py)
        jobs=[daily_models, investor_month],
        sensors=sensors(steward, daily_models, investor_month, clock),
        resources={"model_runs": dg.ResourceDefinition.hardcoded_resource(runs)},
    )
    return Built(defs, assets, sources, runs)
