"""Days and months, written once: month keys and bounds, ranges of days, reporting days.

Pure: every instant is an argument. The metrics, the checks and the orchestration all count
days and months with these.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from pipesteward.errors import UserError


def days_between(first: date, last: date) -> list[date]:
    """Every day of [first, last]."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def month_key(d: date) -> str:
    """`YYYY-MM`, the partition key of a monthly model."""
    return f"{d.year:04d}-{d.month:02d}"


def month_start(d: date) -> date:
    return d.replace(day=1)


def shift_month(d: date, months: int) -> date:
    """The first day of the month `months` after (or before, when negative) d's month."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(d: date) -> date:
    """The last day of d's month."""
    return shift_month(d, 1) - timedelta(days=1)


def month_bounds(d: date) -> tuple[date, date]:
    return month_start(d), month_end(d)


def months_between(start: date, end: date) -> list[str]:
    """The month keys from start's month to end's month, inclusive."""
    out, m = [], month_start(start)
    while m <= end:
        out.append(month_key(m))
        m = shift_month(m, 1)
    return out


def parse_date(value: str, name: str) -> date:
    """A day typed by a person; `name` is the option or field it came from (`--from`, `week`)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{name} '{value}' is not a date YYYY-MM-DD") from None


def parse_month(key: str) -> date:
    """`YYYY-MM` -> the first day of that month."""
    return date.fromisoformat(key + "-01")


def reporting_day(at: datetime, tz: tzinfo) -> date:
    """The reporting day of an instant: its date in the reporting time zone."""
    return at.astimezone(tz).date()


def reporting_yesterday(at: datetime, tz: tzinfo) -> date:
    """The day a run or check defaults to at `at`: yesterday, reporting time."""
    return reporting_day(at, tz) - timedelta(days=1)
