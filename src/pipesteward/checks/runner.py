"""Running the registry for one day: every check on every pipeline it applies to."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from pipesteward.checks.inputs import CheckInputs
from pipesteward.checks.registry import CHECKS, Check
from pipesteward.checks.result import CheckResult, Outcome, Severity
from pipesteward.checks.sources import readers


def evaluate(check: Check, pipeline: str, inputs: CheckInputs,
             investor: bool) -> list[CheckResult]:
    """One check on one pipeline (or source). A check that crashes is a failed ERROR, never a
    traceback."""
    try:
        found = check.fn(inputs, pipeline)
    except Exception as e:  # noqa: BLE001 - an unreadable partition is a finding, not a crash
        found = Outcome(False, f"the check could not read its inputs ({type(e).__name__}: "
                        f"{e}); see `steward runbook {pipeline}`.", {"error": str(e)})
    outcomes = found if isinstance(found, list) else [found]
    return [CheckResult(
        id=check.id,
        pipeline=pipeline,
        partition=outcome.partition or inputs.day.isoformat(),
        passed=outcome.passed,
        severity=outcome.severity or check.severity,
        blocking=check.blocking and investor,
        message=outcome.message,
        figures=outcome.figures,
    ) for outcome in outcomes]


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
            if check.scope == "source":
                # A source partition is checked when a chosen pipeline reads the source.
                chosen = [p for p in readers(pipeline) if p in audience
                          and (pipelines is None or p in pipelines)]
                if chosen or (pipelines is None and not readers(pipeline)):
                    results += evaluate(check, pipeline, inputs, True)
                continue
            if pipeline not in audience or (pipelines is not None and pipeline not in pipelines):
                continue
            results += evaluate(check, pipeline, inputs, audience[pipeline] == "investors")
    return results


def blocking_failures(results: Iterable[CheckResult], pipelines: Collection[str]) -> list[
        CheckResult]:
    """Failed blocking checks on any of `pipelines` (an export's inputs), or on a source
    partition one of them reads."""
    return [r for r in results if r.blocks and (
        r.pipeline in pipelines or set(readers(r.pipeline)) & set(pipelines))]


__all__ = ["Severity", "blocking_failures", "run_checks"]
