"""The team's holiday calendar: the `holidays` package's, plus `extra`, minus `exclude`.

A holiday and its observed day count as one holiday (DESIGN section 7): the observed day is
kept on the holiday as `observed`, never as a holiday of its own. A holiday falls on its own
date (July 4, not the observed July 3) for attribution to a shift and to a year.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# What the `holidays` package says about one year, as plain values (cacheable as JSON):
# (date, name) of each holiday, and (date, name) of each observed day it adds.
RawYear = dict[str, list[tuple[str, str]]]
CalendarSource = Callable[[str, str | None, int], RawYear]

DEFAULT_WEIGHT = 1


@dataclass(frozen=True)
class Holiday:
    """One team holiday, with its weight and, if it has one, the observed day off."""

    date: _dt.date
    name: str
    weight: int = DEFAULT_WEIGHT
    observed: _dt.date | None = None


def package_year(country: str, subdivision: str | None, year: int) -> RawYear:
    """Ask the `holidays` package for one year: holidays, and observed days separately.

    Observed days are what the observed calendar adds to the unobserved one; their label
    ("%s (observed)" in English, other words elsewhere) is not relied upon.
    """
    import holidays

    actual = holidays.country_holidays(country, subdiv=subdivision, years=year, observed=False)
    full = holidays.country_holidays(country, subdiv=subdivision, years=year, observed=True)
    plain = {(d, n) for d in actual for n in actual.get_list(d)}
    observed = {(d, n) for d in full for n in full.get_list(d)} - plain
    return {
        "holidays": sorted((d.isoformat(), n) for d, n in plain),
        "observed": sorted((d.isoformat(), n) for d, n in observed),
    }


@dataclass
class TeamCalendar:
    """Holidays by date for any year, built lazily from a source (the package, or a cache)."""

    country: str
    subdivision: str | None = None
    extra: tuple[tuple[date, str], ...] = ()
    exclude: frozenset[date] = frozenset()
    weights: dict[str, int] = field(default_factory=dict)
    source: CalendarSource = package_year
    _years: dict[int, list[Holiday]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, spec_holidays, source: CalendarSource = package_year) -> TeamCalendar:  # type: ignore[no-untyped-def]
        h = spec_holidays
        return cls(h.country, h.subdivision, tuple((e.date, e.name) for e in h.extra),
                   frozenset(h.exclude), dict(h.weights), source)

    def year(self, year: int) -> list[Holiday]:
        """The team's holidays whose own date is in `year`, by date."""
        if year not in self._years:
            self._years[year] = self._build(year)
        return self._years[year]

    def between(self, start: date, end: date) -> list[Holiday]:
        """Holidays dated in [start, end]."""
        out: list[Holiday] = []
        for y in range(start.year, end.year + 1):
            out += [h for h in self.year(y) if start <= h.date <= end]
        return out

    def weight(self, name: str) -> int:
        return self.weights.get(name, DEFAULT_WEIGHT)

    def _build(self, year: int) -> list[Holiday]:
        raw = self.source(self.country, self.subdivision, year)
        # An observed day may fall in the neighbouring year (New Year's Day 2028, a Saturday,
        # is observed on Friday 2027-12-31), so look at both neighbours for observed days.
        observed = [o for y in (year - 1, year, year + 1)
                    for o in _parse(self.source(self.country, self.subdivision, y)["observed"])]
        own = _parse(raw["holidays"]) + [(d, n) for d, n in self.extra if d.year == year]
        out = []
        for d, name in own:
            if d in self.exclude:
                continue
            obs = _observed_day(d, name, observed)
            if obs is not None and obs in self.exclude:
                obs = None
            out.append(Holiday(d, name, self.weight(name), obs))
        return sorted(out, key=lambda h: (h.date, h.name))


def _parse(pairs: Iterable[tuple[str, str]]) -> list[tuple[date, str]]:
    return [(date.fromisoformat(d), n) for d, n in pairs]


def _observed_day(day: date, name: str, observed: list[tuple[date, str]]) -> date | None:
    """The observed day of holiday (day, name): the nearest observed day within a week whose
    label contains the holiday's name."""
    # The closest label first ("Independence Day (observed)" over "Juneteenth National
    # Independence Day (observed)"), then the nearest date.
    near = [(len(n) - len(name), abs((d - day).days), d) for d, n in observed
            if name in n and abs(d - day) <= timedelta(days=7)]
    return min(near)[2] if near else None


def holiday_names(calendar: TeamCalendar, years: Iterable[int]) -> set[str]:
    """Every holiday name the team calendar has in `years` (extra ones included)."""
    return {h.name for y in years for h in calendar.year(y)} | {n for _, n in calendar.extra}
