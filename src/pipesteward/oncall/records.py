"""What changes the base rotation: swaps, unavailability and overrides, from the spec or the store.

Plain values the core layers over the rotation. `source` says where one came from ("spec" or
"store"); `seq` orders the records of one kind: spec entries in file order first, then run-time
ones in the order they were recorded (so a later-recorded override wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SwapRecord:
    """X gives week `week` to Y and covers Y's `their_week` (both engineers agreed)."""

    engineer: str
    week: date
    with_: str
    their_week: date
    source: str = "spec"
    id: int | None = None
    status: str = "accepted"  # run time: "requested" until the other engineer accepts
    requested_by: str | None = None
    requested_at: datetime | None = None
    accepted_by: str | None = None
    accepted_at: datetime | None = None


@dataclass(frozen=True)
class Absence:
    """An engineer unavailable from `start` to `end`, inclusive local dates."""

    engineer: str
    start: date
    end: date
    reason: str | None = None
    source: str = "spec"
    id: int | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None

    def window(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[00:00 local on the first day, 00:00 local after the last day) in UTC."""
        begin = datetime.combine(self.start, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        return begin, end

    def covers(self, at: datetime, tz: ZoneInfo) -> bool:
        begin, end = self.window(tz)
        return begin <= at < end

    def describe(self) -> str:
        """'2026-12-24..27 (Christmas)'."""
        span = _date_span(self.start, self.end)
        return f"{span} ({self.reason})" if self.reason else span


@dataclass(frozen=True)
class OverrideRecord:
    """An engineer on call for [start, end) (UTC), whoever the rotation says."""

    # The same bookkeeping fields as Absence (source, id, recorded_by/at): each record declares
    # its own, the times differ (local dates there, UTC instants here).
    engineer: str
    start: datetime
    end: datetime
    reason: str | None = None
    source: str = "spec"
    id: int | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class Layers:
    """Everything layered over the base rotation, in recording order within each kind."""

    swaps: tuple[SwapRecord, ...] = ()
    absences: tuple[Absence, ...] = ()
    overrides: tuple[OverrideRecord, ...] = ()
    pending: tuple[SwapRecord, ...] = field(default=())  # requested, not yet accepted

    def __add__(self, other: Layers) -> Layers:
        return Layers(self.swaps + other.swaps, self.absences + other.absences,
                      self.overrides + other.overrides, self.pending + other.pending)


def local_instant(value: datetime, tz: ZoneInfo) -> datetime:
    """A spec datetime: local to the team's zone unless it carries an offset; returned in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def spec_layers(oncall, tz: ZoneInfo) -> Layers:  # type: ignore[no-untyped-def]
    """The swaps, unavailability and overrides written in the spec's `oncall` section."""
    return Layers(
        swaps=tuple(SwapRecord(s.engineer, s.week, s.with_, s.their_week) for s in oncall.swaps),
        absences=tuple(Absence(u.engineer, u.from_, u.to, u.reason) for u in oncall.unavailable),
        overrides=tuple(
            OverrideRecord(o.engineer, local_instant(o.from_, tz), local_instant(o.to, tz),
                           o.reason)
            for o in oncall.overrides
        ),
    )


def _date_span(start: date, end: date) -> str:
    if start == end:
        return start.isoformat()
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.isoformat()}..{end.day:02d}"
    if start.year == end.year:
        return f"{start.isoformat()}..{end.strftime('%m-%d')}"
    return f"{start.isoformat()}..{end.isoformat()}"
