"""The responder rules beyond the team document's example, each with its reasons."""

from __future__ import annotations

from tests.oncall.common import assert_responds, escalation_of, example_team, unavailable

WHEN = "2026-12-25 12:00"  # A on call


def test_an_available_on_call_engineer_responds_for_everything() -> None:
    team = example_team()
    for p in team.spec.pipelines:
        r = assert_responds(team, p.id, WHEN, "A")
        assert r.reasons == ("A is on call (week of 2026-12-21)",)


def test_when_the_stepping_in_owner_is_out_too_the_other_owner_steps_in() -> None:
    # A (on call) is primary of unit_profit; its secondary B is out too: the other owner is A,
    # also out, so the next available in rotation after A (C) steps in.
    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27"),
                                     unavailable("B", "2026-12-20", "2026-12-31", "travel")])
    r = assert_responds(team, "unit_profit", WHEN, "C")
    assert r.reasons[-2:] == (
        "B is unavailable 2026-12-20..31 (travel), so the other owner A steps in",
        "both owners of unit_profit are unavailable, so C, next in rotation after A, steps in",
    )
    # aggregate_growth: A is no owner, its primary B is out, so its secondary C steps in.
    r = assert_responds(team, "aggregate_growth", WHEN, "C")
    assert r.reasons[-1] == ("B is unavailable 2026-12-20..31 (travel), so the other owner C "
                             "steps in")


def test_when_both_owners_are_out_the_next_in_rotation_after_the_on_call_steps_in() -> None:
    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27"),
                                     unavailable("C", "2026-12-24", "2026-12-27"),
                                     unavailable("B", "2026-12-24", "2026-12-27")])
    assert_responds(team, "aggregate_engagement", WHEN, "D")
    assert_responds(team, "aggregate_growth", WHEN, "D")


def test_when_everyone_is_out_the_on_call_engineer_stays() -> None:
    team = example_team(unavailable=[unavailable(e, "2026-12-24", "2026-12-27") for e in "ABCD"])
    r = assert_responds(team, "unit_profit", WHEN, "A")
    assert r.reasons[-1] == "everyone is unavailable, so A stays on call"


def test_escalation_responder_then_secondary_primary_then_rotation_after_on_call() -> None:
    team = example_team()
    assert escalation_of(team, "aggregate_profit", WHEN) == ["A", "D", "C", "B"]
    assert escalation_of(team, "daily_growth", "2027-01-06 12:00") == ["C", "A", "D", "B"]


def test_escalation_skips_the_unavailable() -> None:
    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27"),
                                     unavailable("D", "2026-12-24", "2026-12-27")])
    assert escalation_of(team, "aggregate_profit", WHEN) == ["C", "B"]
