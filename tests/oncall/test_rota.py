"""Precedence: an override (later-recorded wins) over a swap over the base rotation."""

from __future__ import annotations

from datetime import UTC, datetime

from pipesteward.oncall.records import Layers, OverrideRecord, SwapRecord
from tests.oncall.common import (
    assert_on_call,
    day,
    example_team,
    local,
    override,
    swap,
)


def test_an_override_wins_over_a_swap_and_the_rotation() -> None:
    team = example_team(swaps=[swap("A", "2026-12-21", "B", "2027-01-25")],
                        overrides=[override("C", "2026-12-25T00:00", "2026-12-26T00:00")])
    assert_on_call(team, "2026-12-24 23:59", "B")
    assert_on_call(team, "2026-12-25 12:00", "C")
    assert_on_call(team, "2026-12-26 00:00", "B")


def test_the_later_recorded_override_wins() -> None:
    first = override("C", "2026-07-03T00:00", "2026-07-06T00:00")
    later = OverrideRecord("B", datetime(2026, 7, 4, 4, tzinfo=UTC),
                           datetime(2026, 7, 5, 4, tzinfo=UTC), source="store", id=1)
    team = example_team(Layers(overrides=(later,)), overrides=[first])
    assert_on_call(team, "2026-07-03 12:00", "C")
    assert_on_call(team, "2026-07-04 12:00", "B")
    assert_on_call(team, "2026-07-05 12:00", "C")


def test_an_override_with_an_offset_is_that_instant() -> None:
    team = example_team(overrides=[override("C", "2026-07-03T00:00+00:00",
                                            "2026-07-03T06:00+00:00")])
    assert_on_call(team, "2026-07-02 20:00", "C")  # 00:00 UTC is 20:00 EDT the day before


def test_spec_and_store_swaps_both_apply() -> None:
    run_time = Layers(swaps=(SwapRecord("C", day("2026-12-07"), "D", day("2026-12-14"),
                                        source="store", id=1),))
    team = example_team(run_time, swaps=[swap("A", "2026-12-21", "B", "2027-01-25")])
    assert_on_call(team, "2026-12-08 12:00", "D")
    assert_on_call(team, "2026-12-15 12:00", "C")
    assert_on_call(team, "2026-12-22 12:00", "B")


def test_a_swap_that_no_longer_fits_is_kept_aside_as_stale() -> None:
    run_time = Layers(swaps=(SwapRecord("A", day("2026-12-21"), "C", day("2027-01-04"),
                                        source="store", id=1),))
    team = example_team(run_time, swaps=[swap("A", "2026-12-21", "B", "2027-01-25")])
    rota = team.rota
    assert [s.id for s in rota.stale_swaps] == [1]
    assert_on_call(team, "2026-12-22 12:00", "B")


def test_a_holiday_belongs_to_the_shift_on_call_at_noon_local() -> None:
    team = example_team()
    rota = team.rota
    seg = rota.segments(local(team, "2026-12-21 10:00"), local(team, "2026-12-28 10:00"))
    assert [(s.engineer, [h.name for h in s.holidays]) for s in seg] == [("A", ["Christmas Day"])]
    # MLK Day 2026 is Monday 01-19: at 12:00 the shift that started at 10:00 (A) has it.
    mlk = [h for h in rota.calendar.year(2026) if h.name.startswith("Martin")][0]
    assert rota.holiday_owner(mlk) == "A"


def test_burdens_2026_with_unit_weights_are_a4_b3_c3_d1() -> None:
    team = example_team()
    assert team.rota.burdens(2026, ["A", "B", "C", "D"]) == {"A": 4, "B": 3, "C": 3, "D": 1}


def test_an_override_cuts_a_shift_into_segments() -> None:
    team = example_team(overrides=[override("C", "2026-07-03T00:00", "2026-07-06T00:00")])
    segs = team.rota.segments(local(team, "2026-06-29 10:00"), local(team, "2026-07-06 10:00"))
    assert [(s.engineer, s.changed_by, [h.name for h in s.holidays]) for s in segs] == [
        ("D", None, []), ("C", "override", ["Independence Day"]), ("D", None, [])]
    assert team.rota.burdens(2026, ["A", "B", "C", "D"])["C"] == 4
