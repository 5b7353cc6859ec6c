"""The edge of the checks: build their inputs from a Steward (spec, lake, ops store), run them,
record the results and keep incidents in step. The facade (`Steward.check`) calls this."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from pipesteward.checks.inputs import CheckInputs, ExportVerification, RunInfo
from pipesteward.checks.registry import CHECKS
from pipesteward.checks.result import CheckResult
from pipesteward.checks.runner import run_checks
from pipesteward.metrics.lake import Lake

if TYPE_CHECKING:
    from pipesteward.app import Steward


def deadline(steward: Steward, day: date) -> datetime:
    """The day's outputs are due the next morning at `schedule.deadline`, team local time."""
    hours, minutes = (int(x) for x in steward.spec.schedule.deadline.split(":"))
    return datetime.combine(day + timedelta(days=1), time(hours, minutes),
                            tzinfo=steward.spec.team.tz)


def current_versions(steward: Steward) -> dict[str, str]:
    """The logic_version each model would write now, from the canonical definitions."""
    from pipesteward.metrics.models import logic_versions

    return logic_versions(steward.spec.reporting.timezone)


def current_definitions(steward: Steward) -> dict[str, dict[str, str]]:
    """The canonical definitions (and fingerprints) each model's current SQL calls."""
    from pipesteward.metrics.models import ORDER, definitions_used

    tz = steward.spec.reporting.timezone
    return {m: definitions_used(m, tz) for m in ORDER}


def run_records(steward: Steward, day: date) -> list[RunInfo]:
    """The ops store's runs whose range covered the day, as the checks see them."""
    from pipesteward.store.runs import list_runs

    return [
        RunInfo(
            pipelines=(r.pipeline,), start=r.start, end=r.end, status=r.status,
            started_at=r.started_at, finished_at=r.finished_at, error=r.error_message,
            id=r.id, error_kind=r.error_kind,
        )
        for r in list_runs(steward.store, day=day)
    ]


def export_verifications(steward: Steward, day: date) -> list[ExportVerification]:
    from pipesteward.exports.service import verify_day

    return verify_day(steward, day)


def inputs_for(steward: Steward, day: date, as_of: datetime,
               runs: Sequence[RunInfo] | None = None) -> CheckInputs:
    return CheckInputs(
        day=day,
        as_of=as_of,
        deadline=deadline(steward, day),
        lake=Lake(steward.paths.lake),
        runs=tuple(run_records(steward, day) if runs is None else runs),
        versions=current_versions(steward),
        definitions=current_definitions(steward),
        verify_exports=lambda d: export_verifications(steward, d),
    )


def check_day(
    steward: Steward, day: date, *, as_of: datetime, record: bool = True,
    pipelines: Collection[str] | None = None, check_ids: Collection[str] | None = None,
) -> list[CheckResult]:
    """Run every check for the day (or those named); record results, open/resolve incidents
    and page the new ones."""
    audience = {p.id: p.audience for p in steward.spec.pipelines}
    chosen = [c for c in CHECKS if check_ids is None or c.id in check_ids]
    results = run_checks(inputs_for(steward, day, as_of), audience, pipelines=pipelines,
                         checks=chosen)
    if record:
        from pipesteward.incidents.service import record as record_and_page

        record_and_page(steward, results, day=day.isoformat(), at=as_of)
    return results


def summary(day: date, results: Sequence[CheckResult]) -> dict[str, Any]:
    """DESIGN section 9's JSON of `steward check --json`."""
    return {"date": day.isoformat(), "checks": [r.to_json() for r in results]}
