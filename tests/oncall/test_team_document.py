"""The team document's own cases, in its words (and the issue's acceptance cases)."""

from __future__ import annotations

from tests.oncall.common import (
    assert_on_call,
    assert_responds,
    escalation_of,
    example_team,
    local,
    swap,
    unavailable,
)

CHRISTMAS = "2026-12-25 12:00"


def test_weekly_rotation_week_1_a_week_2_b_week_3_c_week_4_d_repeating() -> None:
    team = example_team()
    for when, who in [("2025-12-22 10:00", "A"), ("2025-12-29 10:00", "B"),
                      ("2026-01-05 10:00", "C"), ("2026-01-12 10:00", "D"),
                      ("2026-01-19 10:00", "A"), ("2026-01-19 09:59", "D")]:
        assert_on_call(team, when, who)


def test_a_is_on_call_over_christmas_2026() -> None:
    team = example_team()
    assert_on_call(team, CHRISTMAS, "A")
    shift = team.rota.on_call(local(team, CHRISTMAS)).shift
    assert shift.week.isoformat() == "2026-12-21"


def test_unavailable_primary_on_call_engineer_is_covered_by_each_pipelines_owners() -> None:
    # "If a primary on-call engineer is unavailable during a holiday, the secondary owner of
    # their respective pipelines will step in."
    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27", "Christmas")])
    assert_on_call(team, CHRISTMAS, "A")
    expected = {"unit_profit": "B", "aggregate_growth": "B", "aggregate_engagement": "C",
                "aggregate_profit": "C", "daily_growth": "D"}
    for pipeline, engineer in expected.items():
        assert_responds(team, pipeline, CHRISTMAS, engineer)


def test_each_cover_comes_with_its_reasons() -> None:
    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27", "Christmas")])
    on_call = "A is on call (week of 2026-12-21)"
    away = "A is unavailable 2026-12-24..27 (Christmas)"
    reasons = {
        "unit_profit": "A is primary of unit_profit, so its secondary B steps in",
        "aggregate_engagement": "A is primary of aggregate_engagement, so its secondary C "
                                "steps in",
        "aggregate_growth": "A is not an owner of aggregate_growth, so its primary B steps in",
        "aggregate_profit": "A is not an owner of aggregate_profit, so its primary C steps in",
        "daily_growth": "A is secondary of daily_growth, so its primary D steps in",
    }
    for pipeline, last in reasons.items():
        r = assert_responds(team, pipeline, CHRISTMAS, last.split(" so its ")[1].split()[1])
        assert r.reasons == (on_call, away, last)


def test_unavailability_is_by_local_day_inclusive() -> None:
    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27")])
    assert_responds(team, "unit_profit", "2026-12-23 23:59", "A")
    assert_responds(team, "unit_profit", "2026-12-24 00:00", "B")
    assert_responds(team, "unit_profit", "2026-12-27 23:59", "B")
    assert_responds(team, "unit_profit", "2026-12-28 00:00", "A")


def test_a_on_call_for_christmas_swaps_with_b_for_a_later_week() -> None:
    # "If Engineer A is on-call for Christmas week, they will swap with Engineer B for a later
    # week."
    team = example_team(swaps=[swap("A", "2026-12-21", "B", "2027-01-25")])
    assert_on_call(team, CHRISTMAS, "B")
    assert_on_call(team, "2027-01-27 12:00", "A")
    assert_on_call(team, "2026-12-28 12:00", "B")  # B's own next week is untouched


def test_escalation_for_christmas_with_a_away() -> None:
    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27", "Christmas")])
    assert escalation_of(team, "unit_profit", CHRISTMAS) == ["B", "C", "D"]
