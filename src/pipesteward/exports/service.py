"""The export service: targets from the spec, refusal on blocking checks, delivery, records in
the ops store, read-backs. A final failure raises `ExportFailed`; the facade (`Steward.export`)
opens its incident and re-checks the exports."""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from pipesteward.checks.inputs import ExportVerification
from pipesteward.checks.result import CheckResult
from pipesteward.checks.runner import blocking_failures
from pipesteward.errors import RunFailed
from pipesteward.exports.delivery import BACKOFF, Delivery, deliver, verify
from pipesteward.exports.rows import INPUTS, investor_units
from pipesteward.exports.targets import FilesTarget, SqlTarget, Target
from pipesteward.metrics.lake import Lake
from pipesteward.spec import Spec
from pipesteward.store import Store
from pipesteward.store.exports import ExportRecord


class ExportRefused(RunFailed):
    """A blocking check of the export's inputs failed: nothing leaves the building."""

    def __init__(self, message: str, results: list[CheckResult]):
        super().__init__(message)
        self.results = results


class ExportFailed(RunFailed):
    """A target failed its retries; each period holds its previous export or none. `report`
    says what went where."""

    def __init__(self, message: str, targets: list[str], report: ExportReport | None = None):
        super().__init__(message)
        self.targets = targets
        self.report = report


def targets(spec: Spec, database_url: str) -> list[Target]:
    """The spec's export targets; a `sql` target without a url writes to the ops store's
    database."""
    out: list[Target] = []
    for t in spec.reporting.targets:
        if t.kind == "files":
            out.append(FilesTarget((spec.base_dir / (t.path or "exports")).resolve()))
        else:
            out.append(SqlTarget(t.url or database_url, t.table))
    return out


@dataclass
class ExportReport:
    day: date
    deliveries: list[Delivery]
    checks: list[CheckResult]

    def to_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "exports": [
            {"target": d.target, "grain": d.grain, "period": d.period, "status": d.status,
             "rows": d.rows, "checksum": d.checksum, "attempts": d.attempts, "error": d.error}
            for d in self.deliveries]}


@dataclass(frozen=True)
class ExportService:
    lake: Path
    store: Store
    targets: Sequence[Target]
    investor: Sequence[str]  # the spec's investor pipelines

    def export_day(
        self, day: date, *, at: datetime, results: list[CheckResult],
        sleep: Callable[[float], None] = _time.sleep, backoff: tuple[float, ...] = BACKOFF,
    ) -> ExportReport:
        """Export the day's and its month's investor metrics to every target, or refuse."""
        investor = [p for p in self.investor if p in INPUTS]
        blocked = blocking_failures(results, investor)
        if blocked:
            lines = [f"- {r.id} on {r.pipeline} {r.partition}: {r.message}" for r in blocked]
            raise ExportRefused(
                f"export of {day} refused: {len(blocked)} blocking check(s) of its inputs "
                "failed\n" + "\n".join(lines)
                + f"\nfix them, confirm with `steward check --date {day}`, then "
                  f"`steward export --date {day}`",
                results,
            )
        units = investor_units(Lake(self.lake), day)
        deliveries: list[Delivery] = []
        for target in self.targets:
            broken: Delivery | None = None
            for unit in units:
                if broken is not None:  # the target already failed its retries: do not wait
                    deliveries.append(Delivery(target.name, target.kind, unit.grain,
                                               unit.period, "failed", len(unit.rows),
                                               unit.checksum, {}, 0,
                                               f"not attempted ({broken.error})"))
                    continue
                done = deliver(unit, target, sleep=sleep, backoff=backoff)
                deliveries.append(done)
                if done.status != "verified":
                    broken = done
        self._record(day, at, deliveries)
        failed = [d for d in deliveries if d.status != "verified"]
        if failed:
            detail = "; ".join(f"{d.target} ({d.grain} {d.period}) after {d.attempts} "
                               f"attempts: {d.error}" for d in failed)
            raise ExportFailed(
                f"export of {day} failed: {detail}. Nothing was half-written: each period "
                f"holds its previous export or none. Fix the target, then "
                f"`steward export --date {day}`.", [d.target for d in failed],
                ExportReport(day, deliveries, results))
        return ExportReport(day, deliveries, results)

    def _record(self, day: date, at: datetime, deliveries: list[Delivery]) -> None:
        with self.store.transaction() as session:
            for d in deliveries:
                session.add(ExportRecord(
                    at=at, export_date=day.isoformat(), target=d.target, kind=d.kind,
                    grain=d.grain, period=d.period, status=d.status, rows=d.rows,
                    checksum=d.checksum, files=d.files, attempts=d.attempts, error=d.error,
                ))
                self.store.audit(session, at=at, actor="steward", action=f"export.{d.status}",
                                 subject=f"{d.grain}:{d.period}", detail={"target": d.target})

    def verify_day(self, day: date) -> list[ExportVerification]:
        """Read back every target that holds an export of the day; compare with the record."""
        with self.store.transaction() as session:
            mine = session.scalars(
                select(ExportRecord).where(ExportRecord.export_date == day.isoformat())
            ).all()
            keys = {(r.target, r.grain, r.period) for r in mine}
            latest: list[ExportRecord] = []
            for name, grain, period in sorted(keys):
                # A later export of the same month replaces its unit: verify the newest record.
                newest = session.scalars(
                    select(ExportRecord).where(ExportRecord.target == name,
                                               ExportRecord.grain == grain,
                                               ExportRecord.period == period)
                    .order_by(ExportRecord.id.desc())
                ).first()
                if newest is not None:
                    latest.append(newest)
        by_name = {t.name: t for t in self.targets}
        out = []
        for r in latest:
            if r.status != "verified":
                out.append(ExportVerification(r.target, r.grain, r.period, "failed", r.rows,
                                              r.checksum, detail=r.error or ""))
                continue
            target = by_name.get(r.target)
            if target is None:  # no longer configured: nothing to read back
                continue
            try:
                got = target.read_back(r.grain, r.period)
                problem = verify(r.rows or 0, r.checksum or "", got, r.files or {})
            except Exception as e:  # noqa: BLE001 - an unreadable target is a failed read-back
                got, problem = None, f"cannot read back: {e}"
            out.append(ExportVerification(
                r.target, r.grain, r.period, "mismatch" if problem else "verified", r.rows,
                r.checksum, got.rows if got else None, got.checksum if got else None, problem,
            ))
        return out
