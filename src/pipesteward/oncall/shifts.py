"""Shifts of the base rotation: shift k starts at `start + k*shift_days` at the local handoff.

Handoffs are local wall-clock times in the team's time zone, so a shift over a DST change is an
hour shorter or longer in UTC. ("Why not UTC? DST." — a 10:00 handoff must stay at 10:00.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Rotation:
    """The base rotation: who is on shift k before any swap or override."""

    engineers: tuple[str, ...]
    start: date
    handoff: time
    shift_days: int
    tz: ZoneInfo

    def week(self, k: int) -> date:
        """Weeks are named by the local date their shift starts."""
        return self.start + timedelta(days=k * self.shift_days)

    def base_engineer(self, k: int) -> str:
        return self.engineers[k % len(self.engineers)]

    def starts_at(self, k: int) -> datetime:
        """The UTC instant shift k starts.

        A nonexistent local handoff (in the spring-forward gap) moves forward by the gap's length
        (02:30 becomes 03:30 local); an ambiguous one (in the autumn fold) is its first
        occurrence. Both are zoneinfo's reading of fold=0.
        """
        local = datetime.combine(self.week(k), self.handoff, tzinfo=self.tz)
        return local.astimezone(UTC)

    def index_of_week(self, week: date) -> int | None:
        """The shift starting on local date `week`, or None if no shift starts that day."""
        days = (week - self.start).days
        return None if days % self.shift_days else days // self.shift_days

    def index_at(self, at: datetime) -> int:
        """The shift on call at instant `at` (aware); shifts extend before `start` too."""
        local_day = at.astimezone(self.tz).date()
        k = (local_day - self.start).days // self.shift_days
        while self.starts_at(k) > at:
            k -= 1
        while self.starts_at(k + 1) <= at:
            k += 1
        return k

    def shift(self, k: int) -> Shift:
        return Shift(k, self.week(k), self.starts_at(k), self.starts_at(k + 1),
                     self.base_engineer(k))

    def shifts(self, start: datetime, end: datetime) -> list[Shift]:
        """The shifts overlapping [start, end), in order."""
        first, last = self.index_at(start), self.index_at(end - timedelta(microseconds=1))
        return [self.shift(k) for k in range(first, last + 1)]


@dataclass(frozen=True)
class Shift:
    """One turn of the rotation: [start, end) in UTC, named by its local start date."""

    index: int
    week: date
    start: datetime
    end: datetime
    base_engineer: str

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


def rotation_of(oncall, tz: ZoneInfo) -> Rotation:  # type: ignore[no-untyped-def]
    """The base rotation of a spec's `oncall` section."""
    return Rotation(tuple(oncall.rotation), oncall.start, oncall.handoff_time,
                    oncall.shift_days, tz)
