"""The check service: builds the checks' inputs from the lake, the run records and the spec's
deadline, and runs the registry. Recording the results and keeping incidents in step is the
incident service's; the facade (`Steward.check`) joins the two."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from pipesteward.checks.inputs import CheckInputs, ExportVerification, RunInfo
from pipesteward.checks.registry import CHECKS
from pipesteward.checks.result import CheckResult
from pipesteward.checks.runner import run_checks
from pipesteward.metrics.contract import VolumeSettings
from pipesteward.metrics.lake import Lake
from pipesteward.metrics.quality import Quality, on_duckdb
from pipesteward.store import Store


def deadline(day: date, at: str, tz: tzinfo) -> datetime:
    """The day's outputs are due the next morning at `schedule.deadline` (`at`), team time."""
    hours, minutes = (int(x) for x in at.split(":"))
    return datetime.combine(day + timedelta(days=1), time(hours, minutes), tzinfo=tz)


def current_versions(reporting_timezone: str) -> dict[str, str]:
    """The logic_version each model would write now, from the canonical definitions."""
    from pipesteward.metrics.models import logic_versions

    return logic_versions(reporting_timezone)


def current_definitions(reporting_timezone: str) -> dict[str, dict[str, str]]:
    """The canonical definitions (and fingerprints) each model's current SQL calls."""
    from pipesteward.metrics.models import ORDER, definitions_used

    return {m: definitions_used(m, reporting_timezone) for m in ORDER}


def run_records(store: Store, day: date) -> list[RunInfo]:
    """The ops store's runs whose range covered the day, as the checks see them."""
    from pipesteward.store.runs import list_runs

    return [
        RunInfo(
            pipelines=(r.pipeline,), start=r.start, end=r.end, status=r.status,
            started_at=r.started_at, finished_at=r.finished_at, error=r.error_message,
            id=r.id, error_kind=r.error_kind,
        )
        for r in list_runs(store, day=day)
    ]


@dataclass(frozen=True)
class CheckService:
    lake: Path
    store: Store
    audience: dict[str, str]  # pipeline -> "investors" | "experiments"
    deadline_at: str  # schedule.deadline, HH:MM
    team_tz: tzinfo
    reporting_timezone: str
    verify_exports: Callable[[date], Sequence[ExportVerification]]
    volume: VolumeSettings = VolumeSettings()

    def inputs(self, day: date, as_of: datetime, runs: Sequence[RunInfo] | None = None,
               quality: Quality | None = None) -> CheckInputs:
        return CheckInputs(
            day=day,
            as_of=as_of,
            deadline=deadline(day, self.deadline_at, self.team_tz),
            lake=Lake(self.lake),
            runs=tuple(run_records(self.store, day) if runs is None else runs),
            versions=current_versions(self.reporting_timezone),
            definitions=current_definitions(self.reporting_timezone),
            verify_exports=self.verify_exports,
            quality=quality or on_duckdb(self.lake, self.volume),
        )

    def check_day(self, day: date, *, as_of: datetime,
                  pipelines: Collection[str] | None = None,
                  check_ids: Collection[str] | None = None,
                  quality: Quality | None = None) -> list[CheckResult]:
        """Every check for the day (or those named) on the spec's pipelines."""
        chosen = [c for c in CHECKS if check_ids is None or c.id in check_ids]
        return run_checks(self.inputs(day, as_of, quality=quality), self.audience,
                          pipelines=pipelines,
                          checks=chosen)


def summary(day: date, results: Sequence[CheckResult]) -> dict[str, Any]:
    """DESIGN section 9's JSON of `steward check --json`, with the pipelines each check that ran
    covers (its id names one domain, its code may serve several)."""
    ran = {r.id for r in results}
    covers = {c.id: list(c.pipelines) for c in CHECKS if c.id in ran}
    return {"date": day.isoformat(), "checks": [r.to_json() for r in results], "covers": covers}
