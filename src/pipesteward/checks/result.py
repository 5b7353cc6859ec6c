"""What a check returns: pass/fail, its severity, the figures it compared, what to do next."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a failure is. ERROR fails `steward check` (exit 1); WARN only reports."""

    ERROR = "ERROR"
    WARN = "WARN"


@dataclass(frozen=True)
class CheckResult:
    """One check on one pipeline's partition (a day `YYYY-MM-DD` or a month `YYYY-MM`)."""

    id: str
    pipeline: str
    partition: str
    passed: bool
    severity: Severity
    blocking: bool
    message: str
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def failed_error(self) -> bool:
        return not self.passed and self.severity is Severity.ERROR

    @property
    def blocks(self) -> bool:
        """A failed blocking ERROR check: its pipeline's export must not run."""
        return self.failed_error and self.blocking

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass(frozen=True)
class Outcome:
    """What a check function decides; the registry adds id, severity and blocking."""

    passed: bool
    message: str
    figures: dict[str, Any] = field(default_factory=dict)
    partition: str | None = None  # default: the checked day
    severity: Severity | None = None  # default: the check's (source.volume warns or errs)


def ok(message: str, **figures: Any) -> Outcome:
    return Outcome(True, message, figures)


def fail(message: str, **figures: Any) -> Outcome:
    return Outcome(False, message, figures)


def skipped(missing: str, partition: str | None = None) -> Outcome:
    """Nothing to check: an input partition is missing. That is reported once, by
    profit.pipeline_failure (no output by the deadline) and growth.completeness, not by every
    check downstream of it."""
    return Outcome(True, f"skipped: {missing} (see profit.pipeline_failure)",
                   {"skipped": True, "missing": missing}, partition)
