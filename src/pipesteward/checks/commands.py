"""The commands a check's message tells the engineer to run next, spelled in one place."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def run(day: date, pipelines: Iterable[str] = ()) -> str:
    only = ",".join(pipelines)
    return f"steward run --date {day.isoformat()}" + (f" --only {only}" if only else "")


def backfill(start: date, end: date) -> str:
    return f"steward backfill --start {start.isoformat()} --end {end.isoformat()}"


def check(day: date) -> str:
    return f"steward check --date {day.isoformat()}"


def export(day: date) -> str:
    return f"steward export --date {day.isoformat()}"


def runbook(pipeline: str) -> str:
    return f"steward runbook {pipeline}"


def ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped into (start, end) ranges, for naming backfills."""
    out: list[tuple[date, date]] = []
    for d in sorted(set(days)):
        if out and (d - out[-1][1]).days == 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out
