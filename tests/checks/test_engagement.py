"""engagement.*: one definition of an active user, categories that add up, exports read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipesteward.checks.engagement import overlap_problems
from pipesteward.checks.inputs import ExportVerification
from tests.checks.common import assert_all_pass, assert_only_fails
from tests.checks.lakes import build

DAY = date(2026, 3, 2)


@pytest.fixture
def lake(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build(tmp_path / "lake")


def test_dau_that_differs_from_active_users_fails_definition_alignment(lake) -> None:  # type: ignore[no-untyped-def]
    row = lake.lake.model_day("aggregate_engagement", DAY)[0]
    lake.rewrite("aggregate_engagement", DAY.isoformat(), dau=row["dau"] + 1,
                 dau_returning=row["dau_returning"] + 1)
    results = assert_only_fails(
        lake, DAY, {("engagement.definition_alignment", "aggregate_engagement")},
        "steward run --date 2026-03-02 --only daily_growth,aggregate_engagement")
    assert next(r for r in results if not r.passed).figures["dau"] == row["dau"] + 1


def test_an_old_active_event_definition_fails_definition_alignment(lake) -> None:  # type: ignore[no-untyped-def]
    lake.rewrite("aggregate_engagement", DAY.isoformat(), logic_version="lv-old")
    results = assert_only_fails(
        lake, DAY, {("engagement.definition_alignment", "aggregate_engagement")}, "steward run")
    assert "older definition" in next(r for r in results if not r.passed).message


def test_categories_that_double_count_fail_overlap(lake) -> None:  # type: ignore[no-untyped-def]
    row = lake.lake.model_day("aggregate_engagement", DAY)[0]
    lake.rewrite("aggregate_engagement", DAY.isoformat(), dau_new=row["dau_new"] + 5)
    results = assert_only_fails(
        lake, DAY, {("engagement.overlap", "aggregate_engagement")},
        "steward run --date 2026-03-02 --only aggregate_engagement")
    assert "dau_new" in next(r for r in results if not r.passed).message


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"dau_web": 1, "dau_ios": 1, "dau_android": 1}, "outside [max, sum]"),
        ({"dau_web": 500}, "outside [max, sum]"),
        ({"wau": 1}, "dau <= wau <= mau"),
        ({"mau": None}, "NULL"),
    ],
)
def test_overlap_rules(change: dict, needle: str) -> None:
    row = {"dau": 40, "wau": 60, "mau": 90, "dau_new": 4, "dau_returning": 36,
           "dau_web": 30, "dau_ios": 12, "dau_android": 8}
    assert overlap_problems(row) == []
    problems = overlap_problems(row | change)
    assert problems and needle in problems[0]


def verification(status: str, observed: str = "abc") -> ExportVerification:
    return ExportVerification("files:/x", "day", "2026-03-02", status, 20, "abc", 20, observed,
                              "investor_metrics.csv changed since it was exported"
                              if status == "mismatch" else "")


def test_a_read_back_that_matches_passes_export(lake) -> None:  # type: ignore[no-untyped-def]
    assert_all_pass(lake, DAY, verify_exports=lambda d: [verification("verified")])


def test_a_changed_export_fails_export(lake) -> None:  # type: ignore[no-untyped-def]
    results = assert_only_fails(
        lake, DAY, {("engagement.export", "aggregate_engagement")},
        "steward export --date 2026-03-02",
        verify_exports=lambda d: [verification("mismatch", "def")])
    failed = next(r for r in results if not r.passed)
    assert "changed since it was exported" in failed.message
    assert not failed.blocking  # it verifies exports, it cannot block them
