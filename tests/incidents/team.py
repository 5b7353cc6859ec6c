"""The example team with notify channels and unavailability written into its spec."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipesteward.app import Steward
from pipesteward.checks.result import CheckResult, Severity
from pipesteward.incidents.notifier import AppriseNotifier, Notifier
from pipesteward.incidents.paging import Sender

FIGURES = {"revenue": {"unit_profit": 1200.5, "aggregate_profit": 1100.5,
                       "difference": 100.0}}


def team(project: Path, notify: dict[str, list[str]], unavailable: str = "[]",
         notifier: Notifier | None = None, sleeps: list[float] | None = None,
         env: dict[str, str] | None = None) -> Steward:
    """The spec's `notify` URLs come from the environment (`${NOTIFY_B_0}`), as secrets do;
    `env` adds to it (e.g. STEWARD_DATABASE_URL)."""
    text = project.read_text(encoding="utf-8")
    env = dict(env or {})
    for engineer, urls in notify.items():
        names = [f"NOTIFY_{engineer}_{i}" for i in range(len(urls))]
        env.update(zip(names, urls, strict=True))
        listed = ", ".join(f'"${{{n}}}"' for n in names)
        line = f"engineer-{engineer.lower()}@example.com, notify: []"
        text = text.replace(line, f"engineer-{engineer.lower()}@example.com, notify: [{listed}]")
    text = text.replace("  unavailable: []", f"  unavailable: {unavailable}")
    project.write_text(text, encoding="utf-8")
    steward = Steward.from_path(project, env=env)
    waits = sleeps if sleeps is not None else []
    steward.pager = Sender(notifier or AppriseNotifier(), waits.append, backoff=(0.5, 2.0))  # type: ignore[misc]
    return steward


def failing(check: str = "profit.reconciliation", pipeline: str = "unit_profit",
            partition: str = "2026-12-24") -> CheckResult:
    return CheckResult(check, pipeline, partition, False, Severity.ERROR, True,
                       "unit-level and aggregate profit disagree", FIGURES)


def fail(steward: Steward, at: datetime, *results: CheckResult) -> list[int]:
    """Record failing results at `at` (as `steward check` does); the incidents opened."""
    return steward._incidents().record(list(results) or [failing()], day="2026-12-24",
                                       at=at).opened
