"""Domain assertions for check tests: which checks fail, and what their messages say."""

from __future__ import annotations

from datetime import date

from pipesteward.checks.result import CheckResult
from pipesteward.checks.runner import run_checks
from tests.checks.lakes import AUDIENCE, HandLake


def failures(results: list[CheckResult]) -> set[tuple[str, str]]:
    return {(r.id, r.pipeline) for r in results if not r.passed}


def results_for(lake: HandLake, day: date, **kwargs) -> list[CheckResult]:  # type: ignore[no-untyped-def]
    return run_checks(lake.inputs(day, **kwargs), AUDIENCE)


def assert_only_fails(lake: HandLake, day: date, expected: set[tuple[str, str]],
                      naming: str, **kwargs) -> list[CheckResult]:  # type: ignore[no-untyped-def]
    """Exactly `expected` (check, pipeline) fail on `day`, each message naming `naming`."""
    results = results_for(lake, day, **kwargs)
    assert failures(results) == expected, [
        (r.id, r.pipeline, r.message) for r in results if not r.passed]
    for r in results:
        if not r.passed:
            assert naming in r.message, r.message
    return results


def assert_all_pass(lake: HandLake, day: date, **kwargs) -> None:  # type: ignore[no-untyped-def]
    assert_only_fails(lake, day, set(), "", **kwargs)
