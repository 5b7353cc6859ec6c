"""The review: ownership load, single points of failure, fairness with a score, stale runbooks."""

from __future__ import annotations

from datetime import date

from pipesteward.oncall.review import (
    balance_score,
    fairness,
    ownership,
    single_points_of_failure,
    stale_runbooks,
)
from tests.oncall.common import example_team


def test_ownership_load_per_engineer() -> None:
    assert ownership(example_team().spec) == [
        {"engineer": "A", "primary": 2, "secondary": 1},
        {"engineer": "B", "primary": 1, "secondary": 1},
        {"engineer": "C", "primary": 1, "secondary": 2},
        {"engineer": "D", "primary": 1, "secondary": 1},
    ]


def test_engineers_owning_most_pipelines_are_single_points_of_failure() -> None:
    spofs = single_points_of_failure(example_team().spec)
    assert [(s["kind"], s["subject"]) for s in spofs] == [("engineer", "A"), ("engineer", "C")]


def test_fairness_2026_counts_shifts_and_holiday_burden() -> None:
    f = fairness(example_team().rota, 2026, ["A", "B", "C", "D"], {})
    assert [(e["engineer"], e["shifts"], e["holiday_burden"]) for e in f["engineers"]] == [
        ("A", 13, 4), ("B", 13, 3), ("C", 13, 3), ("D", 13, 1)]
    assert f["spread"] == 3 and f["balance_score"] == 0.25


def test_balance_score() -> None:
    assert balance_score({"A": 3, "B": 3}) == 1.0
    assert balance_score({"A": 0, "B": 0}) == 1.0
    assert balance_score({"A": 4, "B": 0}) == 0.0


def test_runbooks_past_their_review_date() -> None:
    spec = example_team().spec
    pipelines = [p.model_copy(update={"reviewed": date(2026, 1, 1) if i else date(2026, 10, 1)})
                 for i, p in enumerate(spec.pipelines)]
    spec = spec.model_copy(update={"pipelines": pipelines})
    stale = stale_runbooks(spec, date(2026, 11, 25))
    assert [s["pipeline"] for s in stale] == [p.id for p in spec.pipelines[1:]]
    assert "238 days past the 90-day review period" in stale[0]["message"]
    assert [s["pipeline"] for s in stale_runbooks(example_team().spec, date(2026, 1, 1))] == [
        p.id for p in spec.pipelines]  # never reviewed
