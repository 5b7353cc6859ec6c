"""Running the registry for one day: every check on every pipeline it applies to."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from pipesteward.checks.inputs import CheckInputs
from pipesteward.checks.registry import CHECKS, Check
from pipesteward.checks.result import CheckResult, Outcome, Severity


def evaluate(check: Check, pipeline: str, inputs: CheckInputs, investor: bool) -> CheckResult:
    """One check on one pipeline. A check that crashes is a failed ERROR, never a traceback."""
    try:
        outcome = check.fn(inputs, pipeline)
    except Exception as e:  # noqa: BLE001 - an unreadable partition is a finding, not a crash
        outcome = Outcome(False, f"the check could not read its inputs ({type(e).__name__}: "
                          f"{e}); see `steward runbook {pipeline}`.", {"error": str(e)})
    return CheckResult(
        id=check.id,
        pipeline=pipeline,
        partition=outcome.partition or inputs.day.isoformat(),
        passed=outcome.passed,
        severity=check.severity,
        blocking=check.blocking and investor,
        message=outcome.message,
        figures=outcome.figures,
    )


def run_checks(
    inputs: CheckInputs,
    audience: Mapping[str, str],
    *,
    pipelines: Collection[str] | None = None,
    checks: Iterable[Check] = CHECKS,
) -> list[CheckResult]:
    """Every check for the day, on the pipelines the spec has (optionally only some)."""
    results = []
    for check in checks:
        for pipeline in check.pipelines:
            if pipeline not in audience or (pipelines is not None and pipeline not in pipelines):
                continue
            results.append(
                evaluate(check, pipeline, inputs, audience[pipeline] == "investors")
            )
    return results


def blocking_failures(results: Iterable[CheckResult], pipelines: Collection[str]) -> list[
        CheckResult]:
    """Failed blocking checks on any of `pipelines` (an export's inputs)."""
    return [r for r in results if r.blocks and r.pipeline in pipelines]


__all__ = ["Severity", "blocking_failures", "run_checks"]
