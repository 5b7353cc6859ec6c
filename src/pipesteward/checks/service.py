"""The edge of the checks: build their inputs from a Steward (spec, lake, ops store), run them,
record the results and keep incidents in step. The facade (`Steward.check`) calls this."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from pipesteward.checks.inputs import CheckInputs, ExportVerification, RunInfo
from pipesteward.checks.lake import Lake
from pipesteward.checks.registry import CHECKS
from pipesteward.checks.result import CheckResult
from pipesteward.checks.runner import run_checks

if TYPE_CHECKING:
    from pipesteward.app import Steward


def deadline(steward: Steward, day: date) -> datetime:
    """The day's outputs are due the next morning at `schedule.deadline`, team local time."""
    hours, minutes = (int(x) for x in steward.spec.schedule.deadline.split(":"))
    return datetime.combine(day + timedelta(days=1), time(hours, minutes),
                            tzinfo=steward.spec.team.tz)


def current_versions() -> dict[str, str]:
    """The logic_version each model would write now, from the canonical definitions."""
    try:
        from pipesteward.metrics import logic_versions  # type: ignore[attr-defined]
    except ImportError:
        return {}
    return dict(logic_versions())


def run_records(steward: Steward, day: date) -> list[RunInfo]:
    """The ops store's runs that covered the day, as the checks see them."""
    try:
        from pipesteward.store import runs as runs_store  # type: ignore[attr-defined]
    except ImportError:
        return []
    records = runs_store.runs_covering(steward.store, day)
    return [_run_info(r) for r in records]


def _run_info(record: Any) -> RunInfo:
    def get(name: str, default: Any = None) -> Any:
        if isinstance(record, dict):
            return record.get(name, default)
        return getattr(record, name, default)

    pipelines = get("pipelines") or ()
    if isinstance(pipelines, str):
        pipelines = tuple(p for p in pipelines.split(",") if p)
    start, end = get("start"), get("end")
    start = date.fromisoformat(start) if isinstance(start, str) else start
    end = date.fromisoformat(end) if isinstance(end, str) else end
    return RunInfo(
        pipelines=tuple(pipelines), start=start, end=end,
        status=str(get("status", "")).lower(),
        started_at=get("started_at"), finished_at=get("finished_at"),
        error=get("error"), id=get("id"),
    )


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
        versions=current_versions(),
        verify_exports=lambda d: export_verifications(steward, d),
    )


def check_day(
    steward: Steward, day: date, *, as_of: datetime, record: bool = True,
    pipelines: Collection[str] | None = None, check_ids: Collection[str] | None = None,
) -> list[CheckResult]:
    """Run every check for the day (or those named); record results, open/resolve incidents."""
    audience = {p.id: p.audience for p in steward.spec.pipelines}
    chosen = [c for c in CHECKS if check_ids is None or c.id in check_ids]
    results = run_checks(inputs_for(steward, day, as_of), audience, pipelines=pipelines,
                         checks=chosen)
    if record:
        from pipesteward.incidents.records import record_results

        record_results(steward.store, results, day=day.isoformat(), at=as_of)
    return results


def summary(day: date, results: Sequence[CheckResult]) -> dict[str, Any]:
    """DESIGN section 9's JSON of `steward check --json`."""
    return {"date": day.isoformat(), "checks": [r.to_json() for r in results]}
