"""Generated lakes for end-to-end check tests: the project's generator, its model runner, and
a pinned clock, so that run records and the generator's landing times share one timeline.

Timeline (UTC): the sources of day D land at D+1 01:00 (late orders at D+2 06:00); the daily
run of D starts at D+1 07:00; the deadline is 06:00 New York (11:00 UTC in winter); checks
run at D+1 12:00.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from pipesteward.app import EXAMPLE_FILES, EXAMPLE_TEAM, Steward
from pipesteward.checks.result import CheckResult
from pipesteward.metrics.generator import Injection, generate
from pipesteward.metrics.models import MODELS, ORDER
from pipesteward.metrics.runner import ModelRunner
from pipesteward.metrics.service import RecordedRunner, run_in_process

START = date(2026, 2, 20)
DAYS = 14
END = START + timedelta(days=DAYS - 1)  # 2026-03-05
USERS = 300


def morning_after(day: date, hour: int) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(hour), tzinfo=UTC)


def run_models(steward: Steward, start: date, end: date, at: datetime) -> set[str]:
    """Run the five models over [start, end] in process, as the daily job does (upstream
    first; a model whose upstream failed does not run), each run recorded at `at`; return the
    models that failed."""
    runner = RecordedRunner(ModelRunner(steward.paths.lake,
                                        reporting_timezone=steward.spec.reporting.timezone),
                            steward.store, lambda: at)
    try:
        report = run_in_process(runner, ORDER, start, end)
    finally:
        runner.close()
    failed = {f.model for f in report.failures}
    return failed | {m for m in ORDER if set(MODELS[m].upstream) & failed}


@dataclass
class Project:
    steward: Steward

    @property
    def lake(self) -> Path:
        return self.steward.paths.lake

    def check(self, day: date = END, at: datetime | None = None) -> list[CheckResult]:
        return self.steward.check(day, as_of=at or morning_after(day, 12))

    def failures(self, day: date = END, at: datetime | None = None) -> dict[tuple[str, str],
                                                                           CheckResult]:
        return {(r.id, r.pipeline): r for r in self.check(day, at) if not r.passed}


def new_project(folder: Path) -> Steward:
    shutil.copytree(EXAMPLE_TEAM, folder, ignore=EXAMPLE_FILES)
    return Steward.from_path(folder / "steward.yaml", env={})


def generated(folder: Path, inject: str | None = None) -> Project:
    """Generate the sources (optionally with one failure mode), backfill the days before the
    injected one (or the last day), then run each remaining day the morning after it, as the
    schedule would."""
    steward = new_project(folder)
    made = generate(steward.paths.lake, START, DAYS, USERS, seed=1,
                    inject=[Injection(inject)] if inject else [])
    first = made.injected.get(inject, END) if inject else END
    if first > START:
        before = first - timedelta(days=1)
        assert not run_models(steward, START, before, morning_after(before, 7))
    day = first
    while day <= END:
        run_models(steward, day, day, morning_after(day, 7))
        day += timedelta(days=1)
    return Project(steward)


def copy_project(template: Project, folder: Path) -> Project:
    template.steward.store.dispose()
    shutil.copytree(template.steward.spec.base_dir, folder)
    return Project(Steward.from_path(folder / "steward.yaml", env={}))
