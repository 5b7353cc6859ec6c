"""The runbook checks, declared as values: id, pipelines, runbook issue, severity, blocking, code.

DESIGN section 5. Each check names the investor pipeline whose runbook lists the issue first,
then the experiment pipelines whose same failure mode the same code checks. `blocking` means a
failure blocks the export of an investor pipeline's metrics; on an experiment pipeline nothing
is exported, so nothing is blocked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipesteward.checks import engagement, growth, outputs, profit, sources
from pipesteward.checks.inputs import CheckInputs
from pipesteward.checks.result import Outcome, Severity


@dataclass(frozen=True)
class Check:
    # A declaration's fields, alike in shape to the other declared values (Definition,
    # SourceContract): each names what its own kind needs.
    id: str
    pipelines: tuple[str, ...]
    runbook_issue: str
    verifies: str
    severity: Severity
    blocking: bool
    fn: Callable[[CheckInputs, str], Outcome | list[Outcome]]
    # "source": `pipelines` are source tables, each result is one source partition, and a
    # failure blocks the export of every pipeline that reads the source.
    scope: str = "pipeline"


INVESTOR = ("aggregate_profit", "aggregate_growth", "aggregate_engagement")

# A table of declarations: the entries are alike because each is one check's facts, the logic
# is in `fn` (checks/<area>.py).
CHECKS: tuple[Check, ...] = (
    Check(
        "source.contract", sources.TABLES, "data inconsistencies",
        "each source partition meets its contract: columns and types, NOT NULL keys and "
        "measures, accepted values, ranges, one row per id and loaded_at, rows on the "
        "partition's day",
        Severity.ERROR, True, sources.contract, scope="source",
    ),
    Check(
        "source.volume", ("users", "orders", "events"), "data inconsistencies",
        "each source partition's rows and money sums are in line with the same weekday of "
        "recent weeks (contracts.volume); an empty partition is an error unless the source "
        "has empty days",
        Severity.ERROR, True, sources.volume, scope="source",
    ),
    Check(
        "output.invariants", INVESTOR, "output failures",
        "every investor row: profit = revenue - cost to the cent, counts whole and "
        "non-negative, rates finite or NULL, no day at zero while its sources had rows",
        Severity.ERROR, True, outputs.invariants,
    ),
    Check(
        "profit.reconciliation", ("aggregate_profit", "unit_profit"), "data inconsistencies",
        "per day, the sums of unit_profit equal aggregate_profit (orders, revenue, cost, "
        "profit; tolerance 0.01)",
        Severity.ERROR, True, profit.reconciliation,
    ),
    Check(
        "profit.pipeline_failure",
        ("aggregate_profit", "unit_profit", "daily_growth", "aggregate_growth",
         "aggregate_engagement"),
        "pipeline failures",
        "the day's run finished by the deadline; a failed run is classified as resource "
        "limit, outage or logic error",
        Severity.ERROR, True, profit.pipeline_failure,
    ),
    Check(
        "profit.source_freshness",
        ("aggregate_profit", "unit_profit", "daily_growth", "aggregate_engagement"),
        "source data delays",
        "the day's source partitions have _SUCCESS by the deadline and nothing landed after "
        "the model read them",
        Severity.ERROR, True, profit.source_freshness,
    ),
    Check(
        "growth.calculation", ("aggregate_growth", "daily_growth"), "incorrect calculations",
        "growth rates recompute; total_users(d) = total_users(d-1) + new_users(d); no "
        "infinite or NaN rates",
        Severity.ERROR, True, growth.calculation,
    ),
    Check(
        "growth.completeness", ("aggregate_growth", "daily_growth"), "missing data",
        "every day of the period has a daily_growth row with no NULL in required columns",
        Severity.ERROR, True, growth.completeness,
    ),
    Check(
        "growth.version_consistency", ("aggregate_growth", "daily_growth"), "version mismatches",
        "every daily_growth partition used carries the current logic_version",
        Severity.ERROR, True, growth.version_consistency,
    ),
    Check(
        "engagement.definition_alignment", ("aggregate_engagement",), "metric definitions",
        "dau equals daily_growth.active_users, both on the current active-event definition",
        Severity.ERROR, True, engagement.definition_alignment,
    ),
    Check(
        "engagement.overlap", ("aggregate_engagement",), "data overlap",
        "dau_new + dau_returning = dau; max(platform dau) <= dau <= sum(platform dau); "
        "dau <= wau <= mau",
        Severity.ERROR, True, engagement.overlap,
    ),
    Check(
        # Verifies exports after they ran, so it cannot block them; a mismatch is an ERROR.
        "engagement.export", ("aggregate_engagement",), "output failures",
        "each export target read back matches what was exported (row count and checksum)",
        Severity.ERROR, False, engagement.export,
    ),
)
