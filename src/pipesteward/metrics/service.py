"""The run service: model runs recorded in the ops store, and running a range in process.

`RecordedRunner` holds the lake lock, writes a run record (`running`, with its pid and host)
before the model reads anything, then closes it `succeeded` or `failed` with the error's kind
and what was read of each source, or `interrupted` when SIGINT or SIGTERM stopped it (then
`Interrupted` goes on up: never a failure, never retried). A run killed outright stays
`running`, listed as abandoned once its process is gone.
`run_in_process` runs the selected models over a range, upstream first, without Dagster; the
Dagster executor (`orchestration/execute.py`) gives the same report.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from pipesteward import signals
from pipesteward.days import month_end, month_start
from pipesteward.errors import Interrupted, UserError
from pipesteward.metrics.models import MODELS, ORDER
from pipesteward.metrics.runner import ModelFailed, ModelResult, ModelRunner
from pipesteward.store import Store
from pipesteward.store.runs import record_finish, record_start

OnStart = Callable[[str, date, date], None]
OnResult = Callable[[ModelResult | ModelFailed], None]
Hold = Callable[[], AbstractContextManager[None]]


@dataclass
class RangeReport:
    """What a run or backfill did, model by model (in run order)."""

    start: date
    end: date
    results: list[ModelResult] = field(default_factory=list)
    failures: list[ModelFailed] = field(default_factory=list)
    dagster_runs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def select(only: Iterable[str] | None) -> list[str]:
    """The models to run, in run order; `only` names pipelines (nothing upstream is added)."""
    if not only:
        return list(ORDER)
    names = [n.strip() for n in only if n.strip()]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise UserError(
            f"--only: unknown pipeline {', '.join(repr(n) for n in unknown)}; "
            f"the pipelines are {', '.join(ORDER)}"
        )
    return [n for n in ORDER if n in names]


class RecordedRunner:
    """A model runner whose every run is recorded in the ops store."""

    def __init__(self, runner: ModelRunner, store: Store, clock: Callable[[], datetime],
                 hold: Hold = nullcontext):
        self.runner, self.store, self.clock = runner, store, clock
        self.hold = hold  # the lake lock, held for each model (reentrant: a command may hold it)

    @property
    def engine_name(self) -> str:
        return self.runner.engine_name

    def run(self, name: str, start: date, end: date, run_id: str | None = None) -> ModelResult:
        label, version = self.runner.describe(name, start, end)
        self.runner.engine  # noqa: B018  # bad engine settings are bad input, not a failed run
        # The signals raise Interrupted from here on (Dagster's own handlers would retry).
        with signals.stopping(), self.hold():
            record = record_start(
                self.store, run_id=run_id or uuid.uuid4().hex, pipeline=name, partition=label,
                start=start, end=end, engine=self.runner.engine_name, started_at=self.clock(),
                logic_version=version,
            )
            try:
                result = self._run(name, start, end)
            except ModelFailed as e:
                record_finish(self.store, record, status="failed", finished_at=self.clock(),
                              error_kind=e.kind, error_message=e.message, sources=e.sources)
                raise
            except Interrupted as e:
                record_finish(self.store, record, status="interrupted", finished_at=self.clock(),
                              error_message=str(e))
                raise
            record_finish(self.store, record, status="succeeded", finished_at=self.clock(),
                          rows=result.rows, partitions=result.partitions, sources=result.sources)
        return result

    def _run(self, name: str, start: date, end: date) -> ModelResult:
        try:
            return self.runner.run(name, start, end)
        except ModelFailed as e:
            # An engine turns the signal into its own error ("Query interrupted").
            stop = signals.received()
            if stop is not None:
                raise stop from e
            raise

    def close(self) -> None:
        self.runner.close()


def run_in_process(runner: RecordedRunner, models: Iterable[str], start: date, end: date,
                   on_start: OnStart | None = None,
                   on_result: OnResult | None = None) -> RangeReport:
    """Run the models over [start, end] in run order; a model whose upstream failed does not
    run (as in the daily job). Failures are in the report."""
    report = RangeReport(start, end)
    failed: set[str] = set()
    for name in models:
        if set(MODELS[name].upstream) & failed:
            failed.add(name)
            continue
        # A monthly model runs over whole months, as its Dagster partitions do.
        first, last = ((month_start(start), month_end(end)) if MODELS[name].grain == "month"
                       else (start, end))
        if on_start:
            on_start(name, first, last)
        try:
            result = runner.run(name, first, last)
        except ModelFailed as e:
            failed.add(name)
            report.failures.append(e)
            if on_result:
                on_result(e)
            continue
        report.results.append(result)
        if on_result:
            on_result(result)
    return report
