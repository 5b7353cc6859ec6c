"""The edge of the exports: targets from the spec, refusal on blocking checks, delivery,
records in the ops store, an incident on final failure. The facade calls `export_day`."""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from pipesteward.checks.inputs import ExportVerification
from pipesteward.checks.result import CheckResult
from pipesteward.checks.runner import blocking_failures
from pipesteward.errors import RunFailed
from pipesteward.exports.delivery import BACKOFF, Delivery, deliver, verify
from pipesteward.exports.rows import INPUTS, investor_units
from pipesteward.exports.targets import FilesTarget, SqlTarget, Target
from pipesteward.metrics.lake import Lake
from pipesteward.store.exports import ExportRecord

if TYPE_CHECKING:
    from pipesteward.app import Steward


class ExportRefused(RunFailed):
    """A blocking check of the export's inputs failed: nothing leaves the building."""

    def __init__(self, message: str, results: list[CheckResult]):
        super().__init__(message)
        self.results = results


def targets(steward: Steward) -> list[Target]:
    out: list[Target] = []
    for t in steward.spec.reporting.targets:
        if t.kind == "files":
            out.append(FilesTarget((steward.spec.base_dir / (t.path or "exports")).resolve()))
        else:
            out.append(SqlTarget(t.url or steward.paths.database_url, t.table))
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


def export_day(
    steward: Steward, day: date, *, at: datetime,
    sleep: Callable[[float], None] = _time.sleep, backoff: tuple[float, ...] = BACKOFF,
    results: list[CheckResult] | None = None,
) -> ExportReport:
    """Export the day's and its month's investor metrics to every target, or refuse."""
    if results is None:
        results = steward.check(day, as_of=at)
    investor = [p.id for p in steward.spec.pipelines
                if p.audience == "investors" and p.id in INPUTS]
    blocked = blocking_failures(results, investor)
    if blocked:
        lines = [f"- {r.id} on {r.pipeline} {r.partition}: {r.message}" for r in blocked]
        raise ExportRefused(
            f"export of {day} refused: {len(blocked)} blocking check(s) of its inputs failed\n"
            + "\n".join(lines)
            + f"\nfix them, confirm with `steward check --date {day}`, then "
              f"`steward export --date {day}`",
            results,
        )
    units = investor_units(Lake(steward.paths.lake), day)
    deliveries: list[Delivery] = []
    for target in targets(steward):
        broken: Delivery | None = None
        for unit in units:
            if broken is not None:  # the target already failed its retries: do not wait again
                deliveries.append(Delivery(target.name, target.kind, unit.grain, unit.period,
                                           "failed", len(unit.rows), unit.checksum, {}, 0,
                                           f"not attempted ({broken.error})"))
                continue
            done = deliver(unit, target, sleep=sleep, backoff=backoff)
            deliveries.append(done)
            if done.status != "verified":
                broken = done
    _record(steward, day, at, deliveries)
    failed = [d for d in deliveries if d.status != "verified"]
    if failed:
        from pipesteward.incidents.lifecycle import raise_incident
        from pipesteward.incidents.service import page, router

        detail = "; ".join(f"{d.target} ({d.grain} {d.period}) after {d.attempts} attempts: "
                           f"{d.error}" for d in failed)
        message = (f"export of {day} failed: {detail}. Nothing was half-written: each period "
                   f"holds its previous export or none. Fix the target, then "
                   f"`steward export --date {day}`.")
        routes = router(steward, steward.oncall.rota())
        with steward.store.transaction() as session:
            raise_incident(session, check_id="engagement.export",
                           pipeline="aggregate_engagement", partition=day.isoformat(),
                           message=message, figures={"failed": [d.target for d in failed]},
                           at=at, router=routes)
        page(steward, at)
        raise RunFailed(message)
    # Read the new exports back through the check too: it resolves an earlier mismatch.
    from pipesteward.checks.service import check_day

    results = [r for r in results if r.id != "engagement.export"] + check_day(
        steward, day, as_of=at, check_ids={"engagement.export"})
    return ExportReport(day, deliveries, results)


def _record(steward: Steward, day: date, at: datetime, deliveries: list[Delivery]) -> None:
    with steward.store.transaction() as session:
        for d in deliveries:
            session.add(ExportRecord(
                at=at, export_date=day.isoformat(), target=d.target, kind=d.kind,
                grain=d.grain, period=d.period, status=d.status, rows=d.rows,
                checksum=d.checksum, files=d.files, attempts=d.attempts, error=d.error,
            ))
            steward.store.audit(session, at=at, actor="steward", action=f"export.{d.status}",
                                subject=f"{d.grain}:{d.period}", detail={"target": d.target})


def verify_day(steward: Steward, day: date) -> list[ExportVerification]:
    """Read back every target that holds an export of the day; compare with the record."""
    with steward.store.transaction() as session:
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
    by_name = {t.name: t for t in targets(steward)}
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
