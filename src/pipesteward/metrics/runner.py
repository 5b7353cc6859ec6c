"""Running one model over a date range: read plan, one set-based query, atomic writes.

`ModelRunner.run(model, start, end)` checks the sources (`plan_reads`), runs the model's SQL
once over the whole range on the engine, stamps `logic_version` on every row and replaces each
partition of the range atomically. A failure is a `ModelFailed` with its kind and what was
read. Recording runs in the ops store is the run service's (`metrics/service.py`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipesteward.days import days_between, month_key, months_between
from pipesteward.errors import RunFailed
from pipesteward.metrics.contract import VolumeSettings
from pipesteward.metrics.engines import Engine, EngineSettings, open_engine
from pipesteward.metrics.models import SHARED, Model, logic_version, model, render
from pipesteward.metrics.quality import Quality
from pipesteward.metrics.sources import (
    ReadPlan,
    Relation,
    Settled,
    SourceError,
    model_dir,
    plan_reads,
)
from pipesteward.metrics.state import KeptState
from pipesteward.metrics.writer import string_scalar, write_partitions


class Quarantined(SourceError):
    """A source partition the model would read is quarantined (DESIGN section 5)."""

    kind = "quarantine"

    def __init__(self, table: str, day: date, why: str):
        super().__init__(
            table, f"date={day.isoformat()}",
            f"quarantined: {why}; no model reads it until it is re-delivered or released "
            f"with `steward data accept {table} {day.isoformat()} --reason ...` "
            f"(see `steward check --date {day.isoformat()}`)")


class ModelFailed(RunFailed):
    """A model run that failed; `kind` is source, resource, outage or logic."""

    def __init__(self, model: str, partition: str, kind: str, message: str,
                 sources: list[dict[str, Any]] | None = None):
        self.model, self.partition, self.kind, self.message = model, partition, kind, message
        self.sources = sources or []
        super().__init__(f"{model} {partition} failed ({kind}): {message}")


@dataclass(frozen=True)
class ModelResult:
    model: str
    start: date
    end: date
    partition: str
    status: str  # succeeded | failed
    rows: int = 0
    partitions: int = 0
    logic_version: str = ""
    seconds: float = 0.0
    error_kind: str | None = None
    error: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)


def partition_label(grain: str, start: date, end: date) -> str:
    if grain == "month":
        first, last = month_key(start), month_key(end)
    else:
        first, last = start.isoformat(), end.isoformat()
    return first if first == last else f"{first}..{last}"


def classify(exc: BaseException, engine: Engine | None = None) -> str:
    """The failure kinds of DESIGN section 5: source, resource, outage, logic (and quarantine:
    a source partition held back by its contract)."""
    if isinstance(exc, Quarantined):
        return "quarantine"
    if isinstance(exc, SourceError):
        return "source"
    kind = engine.failure_kind(exc) if engine is not None else None
    if kind:
        return kind
    if isinstance(exc, MemoryError):
        return "resource"
    if isinstance(exc, OSError | ConnectionError | TimeoutError):
        return "outage"
    return "logic"


class ModelRunner:
    """Runs models over ranges of one lake, on one engine (opened on first use)."""

    def __init__(
        self,
        lake: Path,
        *,
        reporting_timezone: str = "UTC",
        engine: str = "duckdb",
        settings: EngineSettings | None = None,
        volume: VolumeSettings | None = None,
    ):
        self.lake = Path(lake)
        self.tz = reporting_timezone
        self.engine_name = engine
        self.settings = settings or EngineSettings()
        self._engine: Engine | None = None
        self._shared: dict[str, tuple[Any, ...]] = {}  # shared relation -> what it was built from
        self.quality = Quality(self.lake, lambda: self.engine, volume)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_engine(self.engine_name, self.settings)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        self._shared.clear()

    def describe(self, name: str, start: date, end: date) -> tuple[str, str]:
        """The partition label and logic_version a run of the model over the range has."""
        return partition_label(model(name).grain, start, end), logic_version(name, self.tz)

    def run(self, name: str, start: date, end: date) -> ModelResult:
        """Compute and write every partition of [start, end]; raise ModelFailed on failure."""
        m = model(name)
        label, version = self.describe(name, start, end)
        # Opened before the run is recorded: settings the engine refuses (an unknown engine, a
        # memory_limit DuckDB cannot read) are bad input, not a failed run.
        self.engine  # noqa: B018
        t0 = time.perf_counter()
        sources: list[dict[str, Any]] = []
        try:
            plan = plan_reads(self.lake, m, start, end, self.tz, self._settled(m))
            sources = [r.as_dict() for r in plan.reads]
            self._guard(plan)
            self._build_shared(m, start, end, plan)
            sql = render(name, start, end, self.tz, dialect=self.engine.dialect)
            table = self.engine.query(sql, plan.relations)
            table = _with_version(table, version)
            keys = (
                months_between(start, end) if m.grain == "month"
                else [d.isoformat() for d in days_between(start, end)]
            )
            written = write_partitions(model_dir(self.lake, name), m.partition_key, table, keys)
        except Exception as e:
            kind = classify(e, self._engine)
            message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ModelFailed(name, label, kind, message, sources) from e
        rows = sum(w.rows for w in written)
        return ModelResult(
            name, start, end, label, "succeeded", rows=rows, partitions=len(written),
            logic_version=version, seconds=time.perf_counter() - t0, sources=sources,
        )

    def _guard(self, plan: ReadPlan) -> None:
        """Refuse to read a quarantined source partition (checked on this engine, once per
        partition's files)."""
        for read in plan.reads:
            if read.first is None or read.last is None:
                continue
            held = self.quality.held_back(read.table, read.first, read.last)
            if held:
                day = min(held)
                raise Quarantined(read.table, day, held[day])

    def _kept(self, m: Model) -> dict[str, KeptState]:
        """The model's shared relations that are built from kept state, by source table (a
        table the model or another shared relation reads directly is read as it is)."""
        kept = {s: KeptState(self.lake, s, self.tz) for s in m.shared if SHARED[s].state}
        direct = set(m.sources) | {t for s in m.shared if s not in kept for t in SHARED[s].sources}
        return {k.table: k for k in kept.values() if k.table not in direct}

    def _settled(self, m: Model) -> Settled | None:
        kept = self._kept(m)
        return (lambda table, day: table in kept and kept[table].current(table, day)) if kept \
            else None

    def _inputs(self, name: str, kept: dict[str, KeptState],
                plan: ReadPlan) -> tuple[dict[str, Relation], list[Any]]:
        """The relations a shared relation is built from, and what they were made of (a
        kept state's partitions not current yet are built first, in one query)."""
        state = next((k for k in kept.values() if k.shared == name), None)
        if state is None:
            tables = sorted(SHARED[name].sources)
            landed = [(r.newest_file_at, r.latest_success_at) for r in plan.reads
                      if r.table in tables]
            return {t: plan.relations[t] for t in tables}, [plan.relations[t].files
                                                            for t in tables] + landed
        read = next(r for r in plan.reads if r.table == state.table)
        state.build(self.engine, read.scanned)
        relation = state.relation(read.days)
        return {relation.name: relation}, [(f, f.stat().st_mtime_ns) for f in relation.files]

    def _build_shared(self, m: Model, start: date, end: date, plan: ReadPlan) -> None:
        """Build the model's shared relations, unless the engine has them for this range and
        these source files already (the previous model of the run built them)."""
        kept = self._kept(m)
        for name in m.shared:
            inputs, made_of = self._inputs(name, kept, plan)
            key = (start, end, self.tz, made_of)
            if self._shared.get(name) == key:
                continue
            self._shared.pop(name, None)
            sql = render(name, start, end, self.tz, dialect=self.engine.dialect)
            self.engine.stage(name, sql, inputs)
            self._shared[name] = key


def _with_version(table: Any, version: str) -> Any:
    import pyarrow as pa

    return table.append_column(
        pa.field("logic_version", pa.string()), pa.repeat(string_scalar(version), table.num_rows)
    )
