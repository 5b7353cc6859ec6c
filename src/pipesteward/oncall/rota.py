"""The effective schedule: the base rotation with swaps, then overrides, layered on top.

Precedence at an instant (DESIGN section 7): an override covering it (later-recorded wins),
then a swap of its shift, then the base rotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pipesteward.oncall.calendar import Holiday, TeamCalendar
from pipesteward.oncall.records import Absence, Layers, OverrideRecord, SwapRecord
from pipesteward.oncall.shifts import Rotation, Shift

HOLIDAY_NOON = time(12)  # a holiday belongs to the shift on call at 12:00 local that day


@dataclass(frozen=True)
class Assignment:
    """Who is on call at one instant, and why."""

    at: datetime
    engineer: str
    shift: Shift
    shift_engineer: str  # after swaps, before overrides
    swap: SwapRecord | None = None
    override: OverrideRecord | None = None

    @property
    def changed_by(self) -> str | None:
        return "override" if self.override else "swap" if self.swap else None


@dataclass(frozen=True)
class Segment:
    """A stretch of one shift with one engineer: what the schedule and the iCal feed list."""

    shift: Shift
    start: datetime
    end: datetime
    engineer: str
    holidays: tuple[Holiday, ...]
    swap: SwapRecord | None = None
    override: OverrideRecord | None = None

    @property
    def changed_by(self) -> str | None:
        return "override" if self.override else "swap" if self.swap else None


class Rota:
    """Answers "who is on call" for any instant, from the rotation, the layers and the calendar."""

    def __init__(self, rotation: Rotation, layers: Layers, calendar: TeamCalendar):
        self.rotation = rotation
        self.layers = layers
        self.calendar = calendar
        self.tz = rotation.tz
        self._swapped: dict[int, tuple[str, SwapRecord]] = {}
        self.stale_swaps: list[SwapRecord] = []
        for s in layers.swaps:
            self._apply(s)

    def _apply(self, s: SwapRecord) -> None:
        i, j = self.rotation.index_of_week(s.week), self.rotation.index_of_week(s.their_week)
        # A swap exchanges two shifts only if X and Y are on them when it applies; one that no
        # longer fits (its weeks changed hands in the spec since) is kept aside as stale.
        if i is None or j is None or i == j or self.engineer_of(i) != s.engineer \
                or self.engineer_of(j) != s.with_:
            self.stale_swaps.append(s)
            return
        self._swapped[i] = (s.with_, s)
        self._swapped[j] = (s.engineer, s)

    # ------------------------------------------------------------------ shifts
    def engineer_of(self, k: int) -> str:
        """Shift k's engineer after swaps (before overrides)."""
        return self._swapped[k][0] if k in self._swapped else self.rotation.base_engineer(k)

    def swap_of(self, k: int) -> SwapRecord | None:
        return self._swapped[k][1] if k in self._swapped else None

    def shift_at(self, at: datetime) -> Shift:
        return self.rotation.shift(self.rotation.index_at(at))

    def holidays_of(self, start: datetime, end: datetime) -> list[Holiday]:
        """Holidays whose 12:00 local falls in [start, end)."""
        first = start.astimezone(self.tz).date() - timedelta(days=1)
        last = end.astimezone(self.tz).date()
        return [h for h in self.calendar.between(first, last) if start <= self.noon(h.date) < end]

    def noon(self, day: date) -> datetime:
        return datetime.combine(day, HOLIDAY_NOON, tzinfo=self.tz).astimezone(UTC)

    # ------------------------------------------------------------------ instants
    def override_at(self, at: datetime) -> OverrideRecord | None:
        covering = [o for o in self.layers.overrides if o.covers(at)]
        return covering[-1] if covering else None  # later-recorded wins

    def on_call(self, at: datetime) -> Assignment:
        shift = self.shift_at(at)
        shift_engineer = self.engineer_of(shift.index)
        override = self.override_at(at)
        return Assignment(at, override.engineer if override else shift_engineer, shift,
                          shift_engineer, self.swap_of(shift.index), override)

    def absence(self, engineer: str, at: datetime) -> Absence | None:
        """The unavailability entry of `engineer` covering `at`, if any."""
        for a in self.layers.absences:
            if a.engineer == engineer and a.covers(at, self.tz):
                return a
        return None

    def holiday_owner(self, h: Holiday) -> str:
        """Who carries a holiday: whoever is on call at 12:00 local that day."""
        return self.on_call(self.noon(h.date)).engineer

    # ------------------------------------------------------------------ schedule
    def segments(self, start: datetime, end: datetime) -> list[Segment]:
        """Shifts overlapping [start, end), each cut where an override begins or ends."""
        out: list[Segment] = []
        for shift in self.rotation.shifts(start, end):
            cuts = {shift.start, shift.end}
            for over in self.layers.overrides:
                cuts |= {t for t in (over.start, over.end) if shift.start < t < shift.end}
            bounds = sorted(cuts)
            pieces: list[tuple[datetime, datetime, OverrideRecord | None]] = []
            for a, b in zip(bounds, bounds[1:], strict=False):
                o = self.override_at(a)
                if pieces and pieces[-1][2] is o:
                    pieces[-1] = (pieces[-1][0], b, o)
                else:
                    pieces.append((a, b, o))
            for a, b, o in pieces:
                out.append(Segment(shift, a, b, o.engineer if o else self.engineer_of(shift.index),
                                   tuple(self.holidays_of(a, b)), self.swap_of(shift.index), o))
        return out

    def burdens(self, year: int, engineers: list[str]) -> dict[str, int]:
        """Each engineer's holiday burden in `year`: the weights of the holidays they carry."""
        out = dict.fromkeys(engineers, 0)
        for h in self.calendar.year(year):
            who = self.holiday_owner(h)
            out[who] = out.get(who, 0) + h.weight
        return out
