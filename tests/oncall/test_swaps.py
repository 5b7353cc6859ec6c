"""Run-time swap requests: refused when they could never apply, with a clear message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipesteward.oncall.records import SwapRecord
from pipesteward.oncall.swaps import SwapRefused, check_accept, check_request
from tests.oncall.common import day, example_team

NOW = datetime(2026, 11, 25, 20, tzinfo=UTC)
TEAM = ["A", "B", "C", "D"]


def request(engineer: str, week: str, with_: str, their_week: str) -> SwapRecord:
    return SwapRecord(engineer, day(week), with_, day(their_week), source="store",
                      status="requested", id=7)


def refused(swap: SwapRecord, at: datetime = NOW) -> str:
    with pytest.raises(SwapRefused) as e:
        check_request(example_team().rota, swap, at, TEAM)
    return str(e.value)


def test_the_team_documents_swap_is_valid() -> None:
    check_request(example_team().rota, request("A", "2026-12-21", "B", "2027-01-25"), NOW, TEAM)


def test_a_week_the_engineer_is_not_on_is_refused() -> None:
    assert refused(request("A", "2026-12-28", "B", "2027-01-25")) == (
        "A is not on call the week of 2026-12-28 (B is); see `steward oncall schedule "
        "--engineer A`")
    assert "B is not on call the week of 2027-01-18" in refused(
        request("A", "2026-12-21", "B", "2027-01-18"))


def test_the_same_engineer_on_both_sides_is_refused() -> None:
    assert "two different engineers" in refused(request("A", "2026-12-21", "A", "2027-01-18"))


def test_a_week_already_past_is_refused() -> None:
    assert "already started" in refused(request("A", "2026-01-19", "D", "2027-01-11"))
    # the shift in progress counts as started
    assert "already started" in refused(request("A", "2026-11-23", "B", "2027-01-25"))


def test_a_date_that_starts_no_shift_is_refused() -> None:
    assert "not the start of a shift" in refused(request("A", "2026-12-22", "B", "2027-01-25"))


def test_only_the_other_engineer_or_the_lead_accepts() -> None:
    rota = example_team().rota
    s = request("A", "2026-12-21", "B", "2027-01-25")
    with pytest.raises(SwapRefused, match="only B can accept it, not C"):
        check_accept(rota, s, "C", NOW, None, TEAM)
    check_accept(rota, s, "C", NOW, "C", TEAM)
    check_accept(rota, s, "B", NOW, None, TEAM)
