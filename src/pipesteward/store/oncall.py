"""On-call tables: run-time swaps (request, acceptance), unavailability, overrides, holiday ledger.

Every change is written with its audit entry in one transaction. Datetimes are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from pipesteward.oncall import events
from pipesteward.oncall.records import Absence, Layers, OverrideRecord, SwapRecord
from pipesteward.store import Store
from pipesteward.store.base import Base


class SwapRow(Base):
    __tablename__ = "oncall_swaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    engineer: Mapped[str] = mapped_column(String(64))
    week: Mapped[date] = mapped_column(Date)
    with_engineer: Mapped[str] = mapped_column(String(64))
    their_week: Mapped[date] = mapped_column(Date)
    # requested, then accepted | declined | cancelled
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_by: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UnavailableRow(Base):
    __tablename__ = "oncall_unavailable"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    engineer: Mapped[str] = mapped_column(String(64))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(256))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OverrideRow(Base):
    __tablename__ = "oncall_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    engineer: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(String(256))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LedgerRow(Base):
    __tablename__ = "oncall_holiday_ledger"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    engineer: Mapped[str] = mapped_column(String(64), primary_key=True)
    burden: Mapped[int] = mapped_column(Integer)
    closed_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def utc(at: datetime | None) -> datetime | None:
    """Stored datetimes are UTC; SQLite hands them back naive."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _swap(r: SwapRow) -> SwapRecord:
    return SwapRecord(r.engineer, r.week, r.with_engineer, r.their_week, "store", r.id, r.status,
                      r.requested_by, utc(r.requested_at), r.accepted_by, utc(r.accepted_at))


def _absence(r: UnavailableRow) -> Absence:
    return Absence(r.engineer, r.from_date, r.to_date, r.reason, "store", r.id, r.recorded_by,
                   utc(r.recorded_at))


def _override(r: OverrideRow) -> OverrideRecord:
    return OverrideRecord(r.engineer, utc(r.start_at), utc(r.end_at), r.reason, "store",  # type: ignore[arg-type]
                          r.id, r.recorded_by, utc(r.recorded_at))


class OnCallStore:
    """The on-call records of one ops store."""

    def __init__(self, store: Store):
        self.store = store

    # ------------------------------------------------------------------ reading
    def layers(self) -> Layers:
        with self.store.transaction() as s:
            swaps = [_swap(r) for r in s.scalars(select(SwapRow).order_by(
                SwapRow.accepted_at, SwapRow.id))]
            absences = tuple(_absence(r) for r in s.scalars(
                select(UnavailableRow).order_by(UnavailableRow.id)))
            overrides = tuple(_override(r) for r in s.scalars(
                select(OverrideRow).order_by(OverrideRow.id)))
        return Layers(tuple(w for w in swaps if w.status == "accepted"), absences, overrides,
                      tuple(w for w in swaps if w.status == "requested"))

    def swap(self, swap_id: int) -> SwapRecord | None:
        with self.store.transaction() as s:
            row = s.get(SwapRow, swap_id)
            return _swap(row) if row else None

    def absence(self, absence_id: int) -> Absence | None:
        with self.store.transaction() as s:
            row = s.get(UnavailableRow, absence_id)
            return _absence(row) if row else None

    def override(self, override_id: int) -> OverrideRecord | None:
        with self.store.transaction() as s:
            row = s.get(OverrideRow, override_id)
            return _override(row) if row else None

    def ledger(self) -> dict[int, dict[str, int]]:
        with self.store.transaction() as s:
            out: dict[int, dict[str, int]] = {}
            for r in s.scalars(select(LedgerRow).order_by(LedgerRow.year, LedgerRow.engineer)):
                out.setdefault(r.year, {})[r.engineer] = r.burden
            return out

    # ------------------------------------------------------------------ writing
    def request_swap(self, swap: SwapRecord, by: str, at: datetime) -> SwapRecord:
        with self.store.transaction() as s:
            row = SwapRow(engineer=swap.engineer, week=swap.week, with_engineer=swap.with_,
                          their_week=swap.their_week, status="requested", requested_by=by,
                          requested_at=utc(at))
            self._add(s, row, at, by, lambda: events.SwapRequested(row.id, swap))
            return _swap(row)

    def accept_swap(self, swap_id: int, by: str, at: datetime) -> SwapRecord:
        with self.store.transaction() as s:
            row = s.get(SwapRow, swap_id)
            assert row is not None
            row.status, row.accepted_by, row.accepted_at = "accepted", by, utc(at)
            s.flush()
            self._audit(s, at, by, events.SwapAccepted(row.id, _swap(row)))
            return _swap(row)

    def close_swap(self, swap_id: int, status: str, by: str, at: datetime) -> SwapRecord:
        """A request declined or cancelled: kept with its status, never applied."""
        event = {"declined": events.SwapDeclined, "cancelled": events.SwapCancelled}[status]
        with self.store.transaction() as s:
            row = s.get(SwapRow, swap_id)
            assert row is not None
            row.status = status
            s.flush()
            self._audit(s, at, by, event(row.id, _swap(row)))
            return _swap(row)

    def record_swaps(self, swaps: list[SwapRecord], by: str, at: datetime, year: int) -> list[int]:
        """Swaps agreed in a plan, recorded as accepted in one transaction."""
        with self.store.transaction() as s:
            rows = [SwapRow(engineer=w.engineer, week=w.week, with_engineer=w.with_,
                            their_week=w.their_week, status="accepted", requested_by=by,
                            requested_at=utc(at), accepted_by=by, accepted_at=utc(at))
                    for w in swaps]
            s.add_all(rows)
            s.flush()
            self._audit(s, at, by, events.PlanApplied(year, [r.id for r in rows], swaps))
            return [r.id for r in rows]

    def add_absence(self, a: Absence, by: str, at: datetime) -> Absence:
        with self.store.transaction() as s:
            row = UnavailableRow(engineer=a.engineer, from_date=a.start, to_date=a.end,
                                 reason=a.reason, recorded_by=by, recorded_at=utc(at))
            self._add(s, row, at, by, lambda: events.UnavailabilityRecorded(row.id, a))
            return _absence(row)

    def add_override(self, o: OverrideRecord, by: str, at: datetime) -> OverrideRecord:
        with self.store.transaction() as s:
            row = OverrideRow(engineer=o.engineer, start_at=utc(o.start), end_at=utc(o.end),
                              reason=o.reason, recorded_by=by, recorded_at=utc(at))
            self._add(s, row, at, by, lambda: events.OverrideRecorded(row.id, o))
            return _override(row)

    def remove_absence(self, absence_id: int, by: str, at: datetime) -> Absence:
        return self._remove(UnavailableRow, absence_id, _absence, events.UnavailabilityRemoved,
                            by, at)

    def remove_override(self, override_id: int, by: str, at: datetime) -> OverrideRecord:
        return self._remove(OverrideRow, override_id, _override, events.OverrideRemoved, by, at)

    def _remove(self, table, row_id: int, value, event, by: str, at: datetime):  # type: ignore[no-untyped-def]
        """Delete one row, auditing what it held."""
        with self.store.transaction() as s:
            row = s.get(table, row_id)
            assert row is not None
            gone = value(row)
            s.delete(row)
            self._audit(s, at, by, event(row_id, gone))
            return gone

    def close_year(self, year: int, burdens: dict[str, int], by: str, at: datetime) -> None:
        """Write (or rewrite) a year's burdens to the ledger."""
        with self.store.transaction() as s:
            for row in s.scalars(select(LedgerRow).where(LedgerRow.year == year)):
                s.delete(row)
            s.flush()
            s.add_all(LedgerRow(year=year, engineer=e, burden=b, closed_by=by,
                                closed_at=utc(at)) for e, b in burdens.items())
            self._audit(s, at, by, events.YearClosed(year, burdens))

    def _add(self, session, row, at: datetime, by: str, event) -> None:  # type: ignore[no-untyped-def]
        """Insert `row` and audit `event()`, which may name the id the insert gave it."""
        session.add(row)
        session.flush()
        self._audit(session, at, by, event())

    def _audit(self, session, at: datetime, by: str, event) -> None:  # type: ignore[no-untyped-def]
        self.store.audit(session, at=at, actor=by, action=event.action, subject=event.subject(),
                         detail=event.detail())
