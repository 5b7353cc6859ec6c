"""The on-call schedule as an iCalendar feed any calendar imports (RFC 5545, via `icalendar`).

Events are in the team's time zone with its VTIMEZONE, so a 10:00 handoff shows at 10:00 across
DST (an instant in the repeated hour of a fall-back night is written in UTC, the one form that
reads back exactly); a week with holidays names them in the summary. `stamp` (DTSTAMP) is an
argument so the same schedule gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from pipesteward.oncall.rota import Segment

PRODID = "-//pipesteward//on call//EN"


def summary(segment: Segment) -> str:
    text = f"On call: {segment.engineer}"
    if segment.changed_by:
        text += f" ({segment.changed_by})"
    if segment.holidays:
        text += " — " + ", ".join(h.name for h in segment.holidays)
    return text


def feed(segments: Iterable[Segment], tz, stamp: datetime, name: str = "On call") -> bytes:  # type: ignore[no-untyped-def]
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    first: date | None = None
    last: date | None = None
    for s in segments:
        ev = Event()
        ev.add("uid", f"{s.start.strftime('%Y%m%dT%H%M%SZ')}-{s.engineer}@pipesteward")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _written(s.start, tz))
        ev.add("dtend", _written(s.end, tz))
        ev.add("summary", summary(s))
        ev.add("description", _description(s))
        ev.add("categories", ["on-call"] + (["holiday"] if s.holidays else []))
        cal.add_component(ev)
        first = first or s.start.date()
        last = s.end.date()
    if first and last:
        cal.add_missing_timezones(first_date=first.replace(day=1),
                                  last_date=last + timedelta(days=1))
    return cal.to_ical()


def _written(instant: datetime, tz) -> datetime:  # type: ignore[no-untyped-def]
    """The instant in the team's zone, or in UTC when its local time is ambiguous: 01:30 on a
    fall-back night happens twice, and a local DTSTART is read as the first (RFC 5545 3.3.5),
    so the second would read back an hour early."""
    local = instant.astimezone(tz)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC)
    return local


def _description(s: Segment) -> str:
    lines = [f"Week of {s.shift.week.isoformat()}; rotation: {s.shift.base_engineer}."]
    if s.swap:
        sw = s.swap
        lines.append(f"Swap: {sw.with_} covers the week of {sw.week}, {sw.engineer} the week of "
                     f"{sw.their_week}.")
    if s.override:
        o = s.override
        lines.append(f"Override: {o.engineer}" + (f" ({o.reason})" if o.reason else "") + ".")
    for h in s.holidays:
        obs = f", observed {h.observed.isoformat()}" if h.observed else ""
        lines.append(f"Holiday: {h.name} {h.date.isoformat()}{obs} (weight {h.weight}).")
    return "\n".join(lines)
