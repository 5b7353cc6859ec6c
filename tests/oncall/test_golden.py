"""Golden files for what people read: a generated year of shifts and its iCal feed.

`make golden` (STEWARD_UPDATE_GOLDEN=1) rewrites them; review the diff.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pipesteward.oncall.ical import feed
from pipesteward.oncall.view import segment
from tests.golden import assert_golden
from tests.oncall.common import example_team, local

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def year_2026():  # type: ignore[no-untyped-def]
    team = example_team()
    rota = team.rota
    return team, rota.segments(local(team, "2026-01-01 00:00"), local(team, "2027-01-01 00:00"))


def test_golden_year_of_shifts() -> None:
    team, segs = year_2026()
    lines = [f"{'week':<10}  {'start':<16}  {'end':<16}  on  rotation  holidays"]
    for s in segs:
        row = segment(s, team.rota)
        start = s.start.astimezone(team.tz).strftime("%Y-%m-%d %H:%M")
        end = s.end.astimezone(team.tz).strftime("%Y-%m-%d %H:%M")
        lines.append(f"{row['week']:<10}  {start:<16}  {end:<16}  {row['engineer']:<2}  "
                     f"{row['base_engineer']:<8}  {', '.join(row['holidays'])}".rstrip())
    burdens = team.rota.burdens(2026, ["A", "B", "C", "D"])
    lines.append("")
    lines.append("holiday burden 2026: " + ", ".join(f"{e} {b}" for e, b in burdens.items()))
    assert_golden("oncall/year_2026.txt", "\n".join(lines) + "\n")


def test_golden_ical_feed() -> None:
    team, segs = year_2026()
    data = feed(segs, team.tz, STAMP).decode("utf-8").replace("\r\n", "\n")
    assert_golden("oncall/year_2026.ics", data)
