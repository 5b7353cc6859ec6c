"""growth.*: calculations recompute, every day present, one logic version."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from pipesteward.checks.growth import daily_rate_problems, stale_days
from tests.checks.common import assert_only_fails
from tests.checks.lakes import build

DAY = date(2026, 3, 2)  # the lake runs 2026-02-25 .. 2026-03-04


@pytest.fixture
def lake(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build(tmp_path / "lake")


def test_a_wrong_daily_rate_fails_calculation_on_both_growth_pipelines(lake) -> None:  # type: ignore[no-untyped-def]
    lake.rewrite("daily_growth", DAY.isoformat(), active_users_dod=0.5)
    results = assert_only_fails(
        lake, DAY, {("growth.calculation", "daily_growth"),
                    ("growth.calculation", "aggregate_growth")}, "steward")
    monthly = next(r for r in results if r.pipeline == "aggregate_growth" and not r.passed)
    assert monthly.partition == "2026-03"
    assert "steward backfill --start 2026-03-02 --end 2026-03-02" in monthly.message


def test_an_infinite_rate_fails_calculation(lake) -> None:  # type: ignore[no-untyped-def]
    lake.rewrite("aggregate_growth", "2026-03", revenue_mom=float("inf"))
    results = assert_only_fails(lake, DAY, {("growth.calculation", "aggregate_growth"),
                                            ("output.invariants", "aggregate_growth")},
                                "steward run --date 2026-03-02 --only aggregate_growth")
    assert "revenue_mom of 2026-03 is inf" in results[0].message or any(
        "revenue_mom of 2026-03 is inf" in r.message for r in results)


def test_a_month_total_that_does_not_add_up_fails_calculation(lake) -> None:  # type: ignore[no-untyped-def]
    lake.rewrite("aggregate_growth", "2026-03", new_users=1)
    assert_only_fails(lake, DAY, {("growth.calculation", "aggregate_growth")}, "steward run")


def test_total_users_must_grow_by_new_users() -> None:
    yesterday = {"date": date(2026, 3, 1), "new_users": 2, "total_users": 10,
                 "active_users": 5, "revenue": 1}
    today = {"date": date(2026, 3, 2), "new_users": 3, "total_users": 14, "active_users": 5,
             "revenue": 1, "new_users_dod": 0.5, "active_users_dod": 0.0, "revenue_dod": 0.0}
    problems, _ = daily_rate_problems(today, yesterday)
    assert problems == ["total_users on 2026-03-02 is 14.0, but total_users the day before "
                        "(10.0) + new_users (3.0) = 13.0"]


def test_a_rate_on_a_zero_base_must_be_null_not_a_number() -> None:
    yesterday = {"date": date(2026, 3, 1), "new_users": 0, "total_users": 10,
                 "active_users": 0, "revenue": 0}
    today = {"date": date(2026, 3, 2), "new_users": 3, "total_users": 13, "active_users": 5,
             "revenue": 1, "new_users_dod": None, "active_users_dod": None, "revenue_dod": None}
    assert daily_rate_problems(today, yesterday)[0] == []
    today["revenue_dod"] = float("nan")
    assert daily_rate_problems(today, yesterday)[0] == [
        "revenue_dod on 2026-03-02 is nan (must be a number or NULL)"]


def test_a_missing_day_fails_completeness_and_names_the_backfill(lake) -> None:  # type: ignore[no-untyped-def]
    shutil.rmtree(lake.model("daily_growth", "2026-03-01"))
    results = assert_only_fails(
        lake, DAY, {("growth.completeness", "aggregate_growth")}, "steward")
    completeness = next(r for r in results if r.id == "growth.completeness" and not r.passed)
    assert completeness.figures["missing_days"] == ["2026-03-01"]
    assert "steward backfill --start 2026-03-01 --end 2026-03-01" in completeness.message


def test_a_null_in_a_required_column_fails_completeness(lake) -> None:  # type: ignore[no-untyped-def]
    lake.rewrite("daily_growth", DAY.isoformat(), active_users=None)
    results = [r for r in assert_only_fails(
        lake, DAY, {("growth.completeness", "aggregate_growth"),
                    ("growth.completeness", "daily_growth"),
                    ("growth.calculation", "aggregate_growth"),
                    ("growth.calculation", "daily_growth"),
                    ("engagement.definition_alignment", "aggregate_engagement")},
        "steward") if r.id == "growth.completeness" and not r.passed]
    assert results[0].figures["null_columns"] == {"2026-03-02": ["active_users"]}


def test_the_period_starts_with_the_lake_history(lake) -> None:  # type: ignore[no-untyped-def]
    # The lake starts on 2026-02-25: February's first 24 days are not "missing".
    assert_only_fails(lake, date(2026, 2, 26), set(), "")


def test_a_stale_logic_version_names_the_days_and_the_backfill(lake) -> None:  # type: ignore[no-untyped-def]
    for day in ("2026-03-01", "2026-03-02"):
        lake.rewrite("daily_growth", day, logic_version="lv-daily_growth-0")
    results = assert_only_fails(
        lake, date(2026, 3, 3), {("growth.version_consistency", "aggregate_growth")},
        "steward backfill --start 2026-03-01 --end 2026-03-02")
    failed = next(r for r in results if not r.passed)
    assert failed.figures["stale_days"] == {"2026-03-01": "lv-daily_growth-0",
                                            "2026-03-02": "lv-daily_growth-0"}


def test_without_known_versions_the_odd_one_out_is_stale() -> None:
    days = {date(2026, 3, d): "a" for d in range(1, 5)} | {date(2026, 3, 5): "b"}
    assert stale_days(days, None) == ("a", [date(2026, 3, 5)])
    assert stale_days(days, "b") == ("b", [date(2026, 3, d) for d in range(1, 5)])
