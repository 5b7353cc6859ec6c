"""The team calendar: the package's holidays plus extra minus exclude; observed days merged."""

from __future__ import annotations

from datetime import date

from pipesteward.oncall.calendar import TeamCalendar
from tests.oncall.common import calendar_year

US_2026 = ["New Year's Day", "Martin Luther King Jr. Day", "Washington's Birthday",
           "Memorial Day", "Juneteenth National Independence Day", "Independence Day",
           "Labor Day", "Columbus Day", "Veterans Day", "Thanksgiving Day", "Christmas Day"]


def us(**kw: object) -> TeamCalendar:
    return TeamCalendar("US", source=calendar_year, **kw)  # type: ignore[arg-type]


def test_us_2026_has_eleven_holidays_each_counted_once() -> None:
    assert [h.name for h in us().year(2026)] == US_2026


def test_a_holiday_and_its_observed_day_count_as_one() -> None:
    [july4] = [h for h in us().year(2026) if h.name == "Independence Day"]
    assert (july4.date, july4.observed) == (date(2026, 7, 4), date(2026, 7, 3))
    assert not any("observed" in h.name for h in us().year(2027))


def test_an_observed_day_in_the_previous_year_belongs_to_its_holiday() -> None:
    # New Year's Day 2028 is a Saturday, observed on Friday 2027-12-31.
    [ny] = [h for h in us().year(2028) if h.name == "New Year's Day"]
    assert ny.observed == date(2027, 12, 31)
    assert date(2027, 12, 31) not in {h.date for h in us().year(2027)}


def test_extra_and_exclude_and_weights() -> None:
    cal = us(extra=((date(2026, 12, 24), "Christmas Eve"),),
             exclude=frozenset({date(2026, 10, 12)}), weights={"Christmas Day": 3})
    names = {h.name: h for h in cal.year(2026)}
    assert "Christmas Eve" in names and "Columbus Day" not in names
    assert names["Christmas Day"].weight == 3 and names["Christmas Eve"].weight == 1


def test_excluding_an_observed_day_keeps_the_holiday() -> None:
    [july4] = [h for h in us(exclude=frozenset({date(2026, 7, 3)})).year(2026)
               if h.name == "Independence Day"]
    assert july4.observed is None


def test_subdivision_calendars() -> None:
    cal = TeamCalendar("US", "MA", source=calendar_year)
    assert "Patriots' Day" in {h.name for h in cal.year(2026)}
