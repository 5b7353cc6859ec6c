"""The investor export as a Dagster asset, downstream of the investor models.

`investor_export` is partitioned by month like aggregate_growth and runs in the
`investor_month` job after it, for the run's day (`pipesteward/day`, else the month's newest
daily_growth day). A failed blocking check of aggregate_growth in the same run skips it
(Dagster's blocking asset checks); the facade (`Steward.export`) refuses it when a blocking
check of the day's other investor inputs failed, opens the incident of a failed target, and
reads every target back.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipesteward.checks.registry import CHECKS
from pipesteward.orchestration.checks import BLOCKED, SOURCE_CHECKS, checked_day, run_sources
from pipesteward.orchestration.clock import now

if TYPE_CHECKING:
    from pipesteward.app import Steward

EXPORT = "investor_export"
INVESTOR_INPUTS = ("aggregate_profit", "aggregate_growth", "aggregate_engagement")


def export_asset(steward: Steward, monthly: Any) -> dg.AssetsDefinition:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)  # backfill_policy, as on the models
        return _export_asset(steward, monthly)


def _export_asset(steward: Steward, monthly: Any) -> dg.AssetsDefinition:
    names = {p.id for p in steward.spec.pipelines if p.audience == "investors"}
    deps = [dg.AssetKey(n) for n in INVESTOR_INPUTS if n in names or n == "aggregate_growth"]

    @dg.asset(
        name=EXPORT, group_name="exports", partitions_def=monthly, deps=deps,
        description="The day's and its month's investor metrics, exported to every "
        "reporting.targets entry (files: CSV, Parquet and a SHA-256 manifest; sql: a table) "
        "and verified by reading back.",
        kinds={"csv", "parquet", "sql"},
        backfill_policy=dg.BackfillPolicy.single_run(),  # one run, like aggregate_growth's
    )
    def _export(context) -> dg.MaterializeResult:  # type: ignore[no-untyped-def]  # Dagster reads the hint
        from pipesteward.exports.service import ExportFailed, ExportRefused

        day = checked_day(steward, dict(context.run.tags))
        # the run's source checks are not evaluated (and recorded) again for the export
        others = {c.id for c in CHECKS} - SOURCE_CHECKS
        results = run_sources.of(steward, context.run.run_id, day) + steward.check(
            day, as_of=now(), check_ids=others)
        try:
            report = steward.export(day, at=now(), results=results)
        except ExportRefused as e:  # a blocking check failed: the facade opened its incident
            raise dg.Failure(description=str(e), allow_retries=False,
                             metadata={BLOCKED: True}) from e
        except ExportFailed as e:  # a target failed its retries: the facade opened it
            raise dg.Failure(description=str(e), allow_retries=False) from e
        deliveries = report.to_json()["exports"]
        return dg.MaterializeResult(metadata={
            "day": day.isoformat(),
            "verified": sum(d["status"] == "verified" for d in deliveries),
            "deliveries": dg.MetadataValue.json(deliveries),
        })

    return _export
