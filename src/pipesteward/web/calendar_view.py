"""The calendar's grids: who is on call each day (at 12:00 local, the instant a holiday is
attributed by), with holidays, swaps, overrides and unavailability marked."""

from __future__ import annotations

import calendar as _cal
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

NOON = time(12)


@dataclass
class Day:
    day: date
    in_month: bool
    engineer: str | None = None
    holidays: list[str] = field(default_factory=list)
    swap: bool = False
    override: bool = False
    handoff: bool = False
    unavailable: list[str] = field(default_factory=list)


class Schedule:
    """Day lookups over the segments of `steward oncall schedule` and the recorded changes."""

    def __init__(self, shifts: list[dict[str, Any]], holidays: list[dict[str, Any]],
                 unavailable: list[dict[str, Any]], overrides: list[dict[str, Any]],
                 tz: ZoneInfo):
        self.tz = tz
        self.shifts = sorted(shifts, key=lambda s: s["start"])
        self._starts = [datetime.fromisoformat(s["start"]) for s in self.shifts]
        self.holidays: dict[str, list[str]] = {}
        for h in holidays:
            self.holidays.setdefault(h["date"], []).append(h["name"])
        self.unavailable = unavailable
        self.overrides = [(datetime.fromisoformat(o["from"]), datetime.fromisoformat(o["to"]))
                          for o in overrides]
        self.handoffs = {s.astimezone(tz).date() for s in self._starts}

    def segment_at(self, at: datetime) -> dict[str, Any] | None:
        i = bisect_right(self._starts, at) - 1
        if i < 0 or datetime.fromisoformat(self.shifts[i]["end"]) <= at:
            return None
        return self.shifts[i]

    def day(self, d: date, in_month: bool = True) -> Day:
        seg = self.segment_at(datetime.combine(d, NOON, tzinfo=self.tz))
        begin = datetime.combine(d, time(0), tzinfo=self.tz)
        end = begin + timedelta(days=1)
        return Day(
            d, in_month,
            engineer=seg["engineer"] if seg else None,
            holidays=self.holidays.get(d.isoformat(), []),
            swap=bool(seg and seg["changed_by"] == "swap"),
            override=any(a < end and begin < b for a, b in self.overrides),
            handoff=d in self.handoffs,
            unavailable=sorted({u["engineer"] for u in self.unavailable
                                if u["from"] <= d.isoformat() <= u["to"]}),
        )

    def month(self, year: int, month: int) -> list[list[Day]]:
        """Weeks (Monday first) of the month, days of the months beside it marked out."""
        weeks = _cal.Calendar(firstweekday=0).monthdatescalendar(year, month)
        return [[self.day(d, d.month == month) for d in week] for week in weeks]


def engineers_colours(engineers: list[str]) -> dict[str, int]:
    """A stable colour index per engineer (CSS classes e0..e7)."""
    return {e: i % 8 for i, e in enumerate(engineers)}
