"""Shifts: local wall-clock handoffs across DST, weeks named by their local start date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipesteward.oncall.shifts import Rotation
from tests.oncall.common import assert_on_call, example_team

NY = ZoneInfo("America/New_York")


def weekly(start: str = "2025-12-22", handoff: time = time(10), tz: ZoneInfo = NY) -> Rotation:
    return Rotation(("A", "B", "C", "D"), date.fromisoformat(start), handoff, 7, tz)


@pytest.mark.parametrize("week", ["2026-03-02", "2026-03-09", "2026-03-16",  # spring: Mar 8
                                  "2026-10-26", "2026-11-02", "2026-11-09"])  # autumn: Nov 1
def test_monday_handoff_stays_at_10_local_through_both_dst_changes_of_2026(week: str) -> None:
    r = weekly()
    k = r.index_of_week(date.fromisoformat(week))
    assert k is not None
    s = r.shift(k)
    for edge in (s.start, s.end):
        local = edge.astimezone(NY)
        assert (local.hour, local.minute, local.weekday()) == (10, 0, 0)
    assert s.week == date.fromisoformat(week)


def test_shifts_over_dst_changes_are_an_hour_shorter_or_longer_in_utc() -> None:
    r = weekly()
    spring = r.shift(r.index_of_week(date(2026, 3, 2)))  # type: ignore[arg-type]
    autumn = r.shift(r.index_of_week(date(2026, 10, 26)))  # type: ignore[arg-type]
    assert spring.end - spring.start == timedelta(days=7, hours=-1)
    assert autumn.end - autumn.start == timedelta(days=7, hours=1)


def test_handoff_instants_around_the_spring_change() -> None:
    team = example_team()
    assert_on_call(team, "2026-03-09 09:59", "C")
    assert_on_call(team, "2026-03-09 10:00", "D")
    assert_on_call(team, "2026-11-02 09:59", "A")
    assert_on_call(team, "2026-11-02 10:00", "B")


def test_a_nonexistent_handoff_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist in New York on 2026-03-08: the handoff is 03:30 EDT that day.
    r = weekly(start="2026-03-01", handoff=time(2, 30))
    s = r.shift(1)
    assert s.start.astimezone(NY).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 30)
    assert s.start == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_an_ambiguous_handoff_is_its_first_occurrence() -> None:
    # 01:30 happens twice in New York on 2026-11-01: the handoff is the first (EDT, 05:30 UTC).
    r = weekly(start="2026-10-25", handoff=time(1, 30))
    assert r.shift(1).start == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_index_at_before_the_start_extends_the_rotation_backwards() -> None:
    r = weekly()
    at = datetime(2025, 12, 20, tzinfo=UTC)
    assert r.index_at(at) == -1
    assert r.base_engineer(-1) == "D"


def test_shifts_lists_every_shift_overlapping_a_range() -> None:
    r = weekly()
    shifts = r.shifts(r.starts_at(0), r.starts_at(3))
    assert [s.index for s in shifts] == [0, 1, 2]
    assert all(a.end == b.start for a, b in zip(shifts, shifts[1:], strict=False))
