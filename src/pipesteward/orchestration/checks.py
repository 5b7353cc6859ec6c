"""The runbook checks as Dagster asset checks, so the Dagster UI shows them beside the assets.

One multi-asset check per pipeline wraps the registry (`pipesteward.checks.registry`): each of
its checks is an `AssetCheckSpec` on the pipeline's asset, named after the check id, with the
registry's severity, and `blocking` where the registry says so on an investor pipeline (a
failed blocking ERROR check stops the assets downstream in the same run). The work goes through
the service facade (`Steward.check`), so results are recorded and incidents opened exactly as
`steward check` does; the instant is `clock.now()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import dagster as dg

from pipesteward.checks.registry import CHECKS
from pipesteward.checks.result import CheckResult, Severity
from pipesteward.days import month_end, parse_month
from pipesteward.orchestration.clock import now

if TYPE_CHECKING:
    from pipesteward.app import Steward

# The reporting day a run is for: its checks and its export look at this day.
DAY_TAG = "pipesteward/day"
# In a dg.Failure's metadata: the step failed because a blocking check refused it.
BLOCKED = "pipesteward/blocked_by_check"
SEVERITY = {Severity.ERROR: dg.AssetCheckSeverity.ERROR, Severity.WARN: dg.AssetCheckSeverity.WARN}


def check_name(check_id: str) -> str:
    """`profit.reconciliation` -> `profit__reconciliation` (Dagster names are identifiers)."""
    return check_id.replace(".", "__")


def checked_day(steward: Steward, tags: dict[str, str]) -> date:
    """The day a run's checks look at: its `pipesteward/day` tag, else its (last) partition;
    for a month partition, the month's newest daily_growth day (month to date); without a
    partition, yesterday."""
    if tags.get(DAY_TAG):
        return date.fromisoformat(tags[DAY_TAG])
    key = tags.get("dagster/partition") or tags.get("dagster/asset_partition_range_end")
    if not key:
        return steward.reporting_yesterday(now())
    if len(key) == 7:  # YYYY-MM
        folder = steward.paths.lake / "models" / "daily_growth"
        days = sorted(p.name[5:] for p in folder.glob(f"date={key}-*"))
        return date.fromisoformat(days[-1]) if days else month_end(parse_month(key))
    return date.fromisoformat(key)


def specs_for(steward: Steward, pipeline: str) -> list[dg.AssetCheckSpec]:
    investor = steward.spec.pipeline(pipeline).audience == "investors"
    return [
        dg.AssetCheckSpec(
            check_name(c.id), asset=dg.AssetKey(pipeline),
            description=f"{c.runbook_issue}: {c.verifies}",
            blocking=c.blocking and investor,
            metadata={"check_id": c.id, "severity": c.severity.value,
                      "runbook_issue": c.runbook_issue},
        )
        for c in CHECKS if pipeline in c.pipelines
    ]


def _result(r: CheckResult) -> dg.AssetCheckResult:
    import json

    key = source_key(r.pipeline) if r.id in SOURCE_CHECKS else dg.AssetKey(r.pipeline)
    return dg.AssetCheckResult(
        passed=r.passed, asset_key=key, check_name=check_name(r.id),
        severity=SEVERITY[r.severity], description=r.message,
        metadata={"partition": r.partition, "message": r.message,
                  "figures": dg.MetadataValue.json(json.loads(json.dumps(r.figures,
                                                                         default=str)))},
    )


SOURCE_CHECKS = frozenset(c.id for c in CHECKS if c.scope == "source")


class RunSources:
    """The source checks of one run, evaluated and recorded once: each pipeline's check step
    and the export of a run share them (the profiles are cached; the verdicts, incidents and
    pages need not be made four times). Only the latest run is kept."""

    def __init__(self) -> None:
        self._key: tuple[str, date] | None = None
        self._results: list[CheckResult] = []

    def of(self, steward: Steward, run_id: str, day: date) -> list[CheckResult]:
        if self._key != (run_id, day):
            readers = [p.id for p in steward.spec.pipelines]
            self._results = steward.check(day, as_of=now(), pipelines=readers,
                                          check_ids=SOURCE_CHECKS)
            self._key = (run_id, day)
        return self._results


run_sources = RunSources()


def _pipeline_checks(steward: Steward, pipeline: str) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(name=f"{pipeline}_runbook_checks", specs=specs_for(steward, pipeline),
                          can_subset=True)
    def _checks(context) -> Iterator[dg.AssetCheckResult]:  # type: ignore[no-untyped-def]  # Dagster reads the hint
        day = checked_day(steward, dict(context.run.tags))
        wanted = {k.name for k in context.selected_asset_check_keys}
        ids = {c.id for c in CHECKS if check_name(c.id) in wanted}
        # The sources' checks run too (once per run, whichever step comes first), so a
        # partition that is fixed (or accepted) resolves its incident in the passing re-run.
        run_sources.of(steward, context.run.run_id, day)
        for r in steward.check(day, as_of=now(), pipelines=[pipeline], check_ids=ids):
            if r.pipeline == pipeline and r.id in ids:
                yield _result(r)

    return _checks


def source_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["sources", table])


def source_check_specs() -> list[dg.AssetCheckSpec]:
    """source.contract and source.volume on each source asset (`sources/<table>`). Not
    blocking in Dagster: the runner already refuses a quarantined partition, and the facade
    blocks the export; a blocking check here would only skip the models' own failure."""
    return [
        dg.AssetCheckSpec(
            check_name(c.id), asset=source_key(table),
            description=f"{c.runbook_issue}: {c.verifies}",
            metadata={"check_id": c.id, "severity": c.severity.value,
                      "runbook_issue": c.runbook_issue},
        )
        for c in CHECKS if c.scope == "source" for table in c.pipelines
    ]


def _source_result(check_id: str, table: str, found: list[CheckResult]) -> dg.AssetCheckResult:
    """One evaluation per source and check in a run: failed when a partition the day reads
    fails (the day's own, or an earlier quarantined one), naming each."""
    failed = [r for r in found if not r.passed]
    shown = failed or found
    worst = (Severity.ERROR if any(r.severity == Severity.ERROR for r in failed)
             else Severity.WARN if failed else Severity.ERROR)
    text = " | ".join(r.message for r in shown) or "no partition of the day to check"
    return dg.AssetCheckResult(
        passed=not failed, asset_key=source_key(table), check_name=check_name(check_id),
        severity=SEVERITY[worst], description=text[:2000],
        metadata={"partitions": ", ".join(sorted({r.partition for r in shown})),
                  "message": text},
    )


def _sources_check(steward: Steward) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(name="sources_checks", specs=source_check_specs(), can_subset=True)
    def _checks(context) -> Iterator[dg.AssetCheckResult]:  # type: ignore[no-untyped-def]  # Dagster reads the hint
        day = checked_day(steward, dict(context.run.tags))
        results = run_sources.of(steward, context.run.run_id, day)
        for key in context.selected_asset_check_keys:
            table = key.asset_key.path[-1]
            check_id = next(c.id for c in CHECKS if check_name(c.id) == key.name)
            yield _source_result(check_id, table, [
                r for r in results if r.id == check_id and r.pipeline == table])

    return _checks


def asset_checks(steward: Steward) -> list[Any]:
    """Every pipeline's runbook checks and the sources' checks, for
    `Definitions(asset_checks=...)`."""
    ids = {p.id for p in steward.spec.pipelines}
    return [_pipeline_checks(steward, p) for p in sorted({p for c in CHECKS for p in c.pipelines})
            if p in ids] + [_sources_check(steward)]



def report(steward: Steward, results: list[CheckResult]) -> None:
    """Results of checks run outside Dagster (`steward check`, `run`, `demo`) recorded in the
    project's Dagster instance as runless asset check evaluations: the UI shows them too. The
    ops store already holds them: a Dagster storage that fails here only warns."""
    from pipesteward.orchestration.instance import instance

    try:
        inst = instance(steward.paths.dagster_home, steward.spec.base_dir,
                        steward.paths.dagster_database_url)
        try:
            for r in results:
                e = _result(r)
                inst.report_runless_asset_event(dg.AssetCheckEvaluation(
                    asset_key=e.asset_key or dg.AssetKey(r.pipeline), check_name=check_name(r.id),
                    passed=r.passed, severity=SEVERITY[r.severity], description=r.message,
                    metadata=dict(e.metadata), blocking=r.blocking))
        finally:
            inst.dispose()
    except Exception as e:  # noqa: BLE001 - the command's results stand without the UI
        steward.warn(f"the check results are recorded, but not shown in the Dagster UI: {e}")
