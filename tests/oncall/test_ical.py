"""The iCal feed parses with a second library (vobject) and keeps the local handoff time."""

from __future__ import annotations

from datetime import UTC, datetime

import vobject

from pipesteward.oncall.ical import feed
from tests.oncall.common import example_team, local, swap

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def year_feed(**oncall: object) -> bytes:
    team = example_team(**oncall)
    segs = team.rota.segments(local(team, "2026-01-01 00:00"), local(team, "2027-01-01 00:00"))
    return feed(segs, team.tz, STAMP)


def parse(data: bytes):  # type: ignore[no-untyped-def]
    return vobject.readOne(data.decode("utf-8"))


def test_every_event_starts_and_ends_at_the_local_handoff_time() -> None:
    cal = parse(year_feed())
    events = cal.vevent_list
    assert len(events) == 53  # the shift in progress on 2026-01-01 through the one at year end
    for ev in events:
        for edge in (ev.dtstart.value, ev.dtend.value):
            assert edge.tzinfo is not None
            local_edge = edge.astimezone(example_team().tz)
            assert (local_edge.hour, local_edge.minute, local_edge.weekday()) == (10, 0, 0)
            # the feed says so in its own time zone too, not only as an instant
            assert (edge.hour, edge.minute) == (10, 0)


def test_the_feed_carries_the_team_time_zone() -> None:
    data = year_feed()
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:America/New_York" in data
    cal = parse(data)
    assert cal.vtimezone.tzid.value == "America/New_York"


def test_holiday_weeks_are_named_in_the_summary() -> None:
    summaries = [ev.summary.value for ev in parse(year_feed()).vevent_list]
    assert "On call: A — Christmas Day" in summaries
    assert "On call: D — Independence Day" in summaries
    assert "On call: C" in summaries


def test_swapped_weeks_say_so() -> None:
    cal = parse(year_feed(swaps=[swap("A", "2026-12-21", "B", "2027-01-25")]))
    assert "On call: B (swap) — Christmas Day" in [ev.summary.value for ev in cal.vevent_list]


def test_the_same_schedule_gives_the_same_bytes() -> None:
    assert year_feed() == year_feed()


def test_an_instant_in_the_repeated_hour_of_a_fall_back_night_reads_back_exactly() -> None:
    from icalendar import Calendar

    from tests.oncall.common import override

    # 2026-11-01 in New York: 01:00-02:00 happens twice; 01:30-05:00 is the second 01:30.
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    end = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # 04:00 local, unambiguous
    team = example_team(overrides=[override("C", "2026-11-01T01:30-05:00", "2026-11-01T04:00")])
    data = feed(team.rota.segments(second, end), team.tz, STAMP)
    # A's shift until the override, C's override, A's shift again
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in events][:2] == [
        (datetime(2026, 10, 26, 14, tzinfo=UTC), second), (second, end)]
    vevents = parse(data).vevent_list
    assert [(e.dtstart.value, e.dtend.value) for e in vevents][:2] == [
        (datetime(2026, 10, 26, 14, tzinfo=UTC), second), (second, end)]
    # only the ambiguous instant is written in UTC; the others keep the team's zone
    assert b"DTEND:20261101T063000Z" in data and b"DTSTART:20261101T063000Z" in data
    assert b"DTSTART;TZID=America/New_York:20261101T040000" in data
