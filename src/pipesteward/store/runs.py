"""Run records: one row per model run (a pipeline over a partition or a range of them).

Written by the metrics runner when a run starts (status `running`, with the `pid` and `host`
of its process) and when it ends (`succeeded` or `failed`, with the error's kind and message,
and what it read of each source; `interrupted` when SIGINT or SIGTERM stopped it). A run killed
outright (SIGKILL, out-of-memory killer) stays `running` with no `finished_at`; it is listed as
`abandoned` once its process is known to be gone (same host, pid not running). Checks read
both as a resource-limit failure once the deadline has passed.

Error kinds: `source` (missing, incomplete or mistyped source data), `resource` (out of
memory, killed), `outage` (I/O, connection), `logic` (anything else: a bug or bad SQL).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from pipesteward import processes
from pipesteward.store.base import Base

if TYPE_CHECKING:
    from pipesteward.store import Store

STATUSES = ("running", "succeeded", "failed", "interrupted")
ABANDONED = "abandoned"  # shown, never stored: a `running` record whose process is gone
ERROR_KINDS = ("source", "resource", "outage", "logic")


class RunRecord(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)  # the Dagster run (or a uuid)
    pipeline: Mapped[str] = mapped_column(String(64), index=True)
    partition: Mapped[str] = mapped_column(String(32))  # 2026-03-01, 2026-03, or a..b
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    engine: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    logic_version: Mapped[str | None] = mapped_column(String(32))
    rows: Mapped[int | None] = mapped_column(Integer)
    partitions: Mapped[int | None] = mapped_column(Integer)
    error_kind: Mapped[str | None] = mapped_column(String(16))
    error_message: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JSON, default=list)
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))


def _aware(value: datetime | None) -> datetime | None:
    # SQLite keeps no offset; every instant here is written in UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Run:
    """A run record as plain values (instants aware, in UTC)."""

    id: int
    run_id: str
    pipeline: str
    partition: str
    start: date
    end: date
    engine: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    logic_version: str | None
    rows: int | None
    partitions: int | None
    error_kind: str | None
    error_message: str | None
    sources: list[dict[str, Any]]
    pid: int | None = None
    host: str | None = None

    @classmethod
    def of(cls, r: RunRecord) -> Run:
        # A run whose process is gone will never record its end.
        status = (ABANDONED if r.status == "running" and processes.ended(r.pid, r.host)
                  else r.status)
        return cls(
            id=r.id, run_id=r.run_id, pipeline=r.pipeline, partition=r.partition,
            start=r.start_date, end=r.end_date, engine=r.engine, status=status,
            started_at=_aware(r.started_at),  # type: ignore[arg-type]
            finished_at=_aware(r.finished_at), logic_version=r.logic_version, rows=r.rows,
            partitions=r.partitions, error_kind=r.error_kind, error_message=r.error_message,
            sources=list(r.sources or []), pid=r.pid, host=r.host,
        )

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def pipelines(self) -> tuple[str, ...]:
        return (self.pipeline,)

    @property
    def error(self) -> str | None:
        if self.error_message is None:
            return None
        return f"{self.error_kind}: {self.error_message}" if self.error_kind else self.error_message

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date | datetime) else v)
                for k, v in self.__dict__.items()}


def record_start(
    store: Store, *, run_id: str, pipeline: str, partition: str, start: date, end: date,
    engine: str, started_at: datetime, logic_version: str | None = None,
) -> int:
    with store.transaction() as s:
        rec = RunRecord(
            run_id=run_id, pipeline=pipeline, partition=partition, start_date=start,
            end_date=end, engine=engine, status="running", started_at=started_at,
            logic_version=logic_version, sources=[], pid=os.getpid(), host=processes.host(),
        )
        s.add(rec)
        s.flush()
        return rec.id


def record_finish(
    store: Store, record_id: int, *, status: str, finished_at: datetime,
    rows: int | None = None, partitions: int | None = None, error_kind: str | None = None,
    error_message: str | None = None, sources: list[dict[str, Any]] | None = None,
) -> None:
    if status not in STATUSES:
        raise ValueError(status)
    with store.transaction() as s:
        rec = s.get(RunRecord, record_id)
        if rec is None:
            raise KeyError(record_id)
        rec.status, rec.finished_at = status, finished_at
        rec.rows, rec.partitions = rows, partitions
        rec.error_kind, rec.error_message = error_kind, error_message
        if sources is not None:
            rec.sources = sources


def list_runs(
    store: Store, *, pipeline: str | None = None, day: date | None = None,
    status: str | None = None, run_id: str | None = None, limit: int = 200,
) -> list[Run]:
    """Run records, newest first; `day` keeps the runs whose range covers it. `status`
    abandoned keeps the running records whose process is gone."""
    q = select(RunRecord).order_by(RunRecord.id.desc()).limit(limit)
    if pipeline:
        q = q.where(RunRecord.pipeline == pipeline)
    if day:
        q = q.where(RunRecord.start_date <= day, RunRecord.end_date >= day)
    if status:
        q = q.where(RunRecord.status == ("running" if status == ABANDONED else status))
    if run_id:
        q = q.where(RunRecord.run_id == run_id)
    with store.transaction() as s:
        runs = [Run.of(r) for r in s.scalars(q)]
    return [r for r in runs if not status or r.status == status]
