"""The holiday-fairness planner: smallest spread, then fewest swaps; shifts still to come only."""

from __future__ import annotations

from datetime import UTC, datetime

from pipesteward.oncall.calendar import TeamCalendar
from pipesteward.oncall.planner import plan, spread
from pipesteward.oncall.records import Layers
from pipesteward.oncall.rota import Rota
from tests.oncall.common import calendar_year, example_team

TEAM = ["A", "B", "C", "D"]
BEFORE_2026 = datetime(2025, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 20, tzinfo=UTC)


def apply(rota: Rota, swaps) -> Rota:  # type: ignore[no-untyped-def]
    layers = rota.layers + Layers(swaps=tuple(swaps))
    return Rota(rota.rotation, layers, rota.calendar)


def test_2026_starts_at_a4_b3_c3_d1_and_one_swap_reaches_spread_1() -> None:
    rota = example_team().rota
    p = plan(rota, 2026, TEAM, {}, BEFORE_2026)
    assert p.burden_before == {"A": 4, "B": 3, "C": 3, "D": 1}
    assert p.spread_after <= 1 and len(p.swaps) == 1
    assert p.burden_after == {"A": 3, "B": 3, "C": 3, "D": 2}


def test_the_plan_gives_a_later_week_back_like_the_team_documents_christmas_example() -> None:
    p = plan(example_team().rota, 2026, TEAM, {}, NOW)
    [s] = p.swaps
    assert (s.engineer, s.week.isoformat(), s.with_, s.their_week.isoformat()) == (
        "A", "2026-12-21", "D", "2027-01-11")


def test_applying_the_plan_gives_the_burdens_it_promised_and_keeps_shift_counts() -> None:
    rota = example_team().rota
    p = plan(rota, 2026, TEAM, {}, BEFORE_2026)
    after = apply(rota, p.swaps)
    assert after.burdens(2026, TEAM) == p.burden_after
    assert not after.stale_swaps
    shifts = range(0, 60)
    assert sorted(rota.engineer_of(k) for k in shifts) == sorted(after.engineer_of(k)
                                                                 for k in shifts)


def test_the_ledger_of_past_years_is_carried_over() -> None:
    # D carried 3 more than the others last year: 2026 should not give D more.
    p = plan(example_team().rota, 2026, TEAM, {"A": 0, "B": 0, "C": 0, "D": 3}, BEFORE_2026)
    assert p.burden_before == {"A": 4, "B": 3, "C": 3, "D": 4}
    assert p.spread_after == 1 and len(p.swaps) == 0
    assert p.why == ("already as even as it can be: 14 holiday point(s) over 4 engineers "
                     "cannot split evenly, so a spread of 1 is the least")


def test_past_shifts_never_move() -> None:
    p = plan(example_team().rota, 2026, TEAM, {}, NOW)
    assert all(s.week.isoformat() >= "2026-11-30" for s in p.swaps)
    late = plan(example_team().rota, 2026, TEAM, {}, datetime(2026, 12, 30, tzinfo=UTC))
    assert late.swaps == () and late.burden_after == late.burden_before
    assert late.why.startswith("no swap lowers the spread: no holiday shift of 2026 can move: "
                               "11 holiday weeks (the last 2026-12-21) have started")


def test_heavier_weights_are_balanced_too() -> None:
    team = example_team(holidays=example_team().spec.oncall.holidays.model_copy(
        update={"weights": {"Christmas Day": 3, "Thanksgiving Day": 2}}))
    p = plan(team.rota, 2026, TEAM, {}, BEFORE_2026)
    assert p.burden_before == {"A": 7, "B": 3, "C": 3, "D": 1}
    assert p.spread_after <= 1
    assert spread(apply(team.rota, p.swaps).burdens(2026, TEAM)) == p.spread_after


def test_a_calendar_of_its_own_source_is_used() -> None:
    cal = TeamCalendar("US", source=calendar_year)
    assert len(cal.year(2026)) == 11
