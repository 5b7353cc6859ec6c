"""Invariants, for any team: exactly one engineer on call at every instant; swaps keep each
engineer's shift count; the planner never worsens the balance."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipesteward.oncall.calendar import TeamCalendar
from pipesteward.oncall.planner import plan
from pipesteward.oncall.records import Layers, OverrideRecord, SwapRecord
from pipesteward.oncall.rota import Rota
from pipesteward.oncall.shifts import Rotation
from tests.oncall.common import calendar_year

ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata",
         "Pacific/Chatham", "America/Sao_Paulo", "UTC"]
ENGINEERS = ["A", "B", "C", "D", "E"]
US_NAMES = ["New Year's Day", "Martin Luther King Jr. Day", "Washington's Birthday",
            "Memorial Day", "Juneteenth National Independence Day", "Independence Day",
            "Labor Day", "Columbus Day", "Veterans Day", "Thanksgiving Day", "Christmas Day"]
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def rotations(draw: st.DrawFn) -> Rotation:
    n = draw(st.integers(2, 5))
    return Rotation(
        tuple(ENGINEERS[:n]),
        draw(st.dates(date(2025, 1, 1), date(2026, 12, 31))),
        time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))),
        draw(st.integers(1, 14)),
        ZoneInfo(draw(st.sampled_from(ZONES))),
    )


@st.composite
def swaps_for(draw: st.DrawFn, rotation: Rotation, count: int) -> tuple[SwapRecord, ...]:
    """Valid swaps, each between two shifts whose engineers differ when it is recorded."""
    rota = Rota(rotation, Layers(), TeamCalendar("US", source=calendar_year))
    out: list[SwapRecord] = []
    for _ in range(count):
        i, j = draw(st.integers(0, 40)), draw(st.integers(0, 40))
        x, y = rota.engineer_of(i), rota.engineer_of(j)
        if i == j or x == y:
            continue
        out.append(SwapRecord(x, rotation.week(i), y, rotation.week(j), source="store"))
        rota = Rota(rotation, Layers(swaps=tuple(out)), rota.calendar)
    return tuple(out)


@st.composite
def layered(draw: st.DrawFn) -> Rota:
    rotation = draw(rotations())
    swaps = draw(swaps_for(rotation, draw(st.integers(0, 4))))
    base = datetime.combine(rotation.start, time(0), tzinfo=UTC)
    overrides = []
    for _ in range(draw(st.integers(0, 3))):
        start = base + timedelta(hours=draw(st.integers(0, 24 * 60)))
        overrides.append(OverrideRecord(draw(st.sampled_from(rotation.engineers)), start,
                                        start + timedelta(hours=draw(st.integers(1, 240))),
                                        source="store"))
    return Rota(rotation, Layers(swaps=swaps, overrides=tuple(overrides)),
                TeamCalendar("US", source=calendar_year))


@SETTINGS
@given(layered(), st.integers(-24 * 30, 24 * 200), st.integers(1, 24 * 60))
def test_every_instant_has_exactly_one_on_call_engineer(rota: Rota, offset: int,
                                                        length: int) -> None:
    start = datetime.combine(rota.rotation.start, time(0), tzinfo=UTC) + timedelta(hours=offset)
    end = start + timedelta(hours=length)
    segs = rota.segments(start, end)
    # the segments tile time: no gap, no overlap, each with one engineer of the team
    assert segs[0].start <= start and segs[-1].end >= end
    for a, b in zip(segs, segs[1:], strict=False):
        assert a.end == b.start
    for s in segs:
        assert s.start < s.end
        assert s.engineer in rota.rotation.engineers
        assert rota.on_call(s.start).engineer == s.engineer
        assert rota.on_call(s.end - timedelta(microseconds=1)).engineer == s.engineer
        assert s.shift.covers(s.start)


@SETTINGS
@given(rotations(), st.data())
def test_swaps_keep_each_engineers_shift_count(rotation: Rotation, data: st.DataObject) -> None:
    swaps = data.draw(swaps_for(rotation, data.draw(st.integers(1, 6))))
    cal = TeamCalendar("US", source=calendar_year)
    before = Rota(rotation, Layers(), cal)
    after = Rota(rotation, Layers(swaps=swaps), cal)
    assert not after.stale_swaps
    shifts = range(-2, 45)
    assert Counter(before.engineer_of(k) for k in shifts) == Counter(
        after.engineer_of(k) for k in shifts)


@SETTINGS
@given(
    st.integers(2, 5),
    st.dictionaries(st.sampled_from(US_NAMES), st.integers(0, 3), max_size=6),
    st.lists(st.integers(0, 4), min_size=5, max_size=5),
    st.dates(date(2025, 12, 1), date(2026, 12, 31)),
)
def test_the_planner_never_worsens_the_balance(n: int, weights: dict[str, int],
                                               ledger: list[int], today: date) -> None:
    team = ENGINEERS[:n]
    rotation = Rotation(tuple(team), date(2025, 12, 22), time(10), 7,
                        ZoneInfo("America/New_York"))
    cal = TeamCalendar("US", weights=weights, source=calendar_year)
    rota = Rota(rotation, Layers(), cal)
    at = datetime.combine(today, time(12), tzinfo=UTC)
    p = plan(rota, 2026, team, dict(zip(team, ledger, strict=False)), at)
    assert p.spread_after <= p.spread_before
    applied = Rota(rotation, Layers(swaps=p.swaps), cal)
    assert not applied.stale_swaps
    assert {e: b + p.ledger[e] for e, b in applied.burdens(2026, team).items()} == p.burden_after
    for s in p.swaps:  # each gives a holiday shift away against a later non-holiday shift
        k = rotation.index_of_week(s.week)
        assert k is not None and rotation.starts_at(k) > at and s.their_week > s.week
