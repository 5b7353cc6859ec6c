"""Quick reads for `steward oncall who`: no SQLAlchemy or Alembic import on that path.

This module is the on-call package's reader of files (the ops store's SQLite file and the
calendar cache); the pure modules never import it. It lives here, not under `store/`, because
importing anything under `pipesteward.store` imports SQLAlchemy.

Importing SQLAlchemy alone takes about half a second, the whole budget of a cold `oncall who`.
For a SQLite ops store the run-time on-call records are read with the standard library's
sqlite3 (read-only; a missing file or a store not yet migrated means there are none); for any
other database `read_layers` answers None and the facade asks the SQLAlchemy store
(`store/oncall.py`, whose tables the SQL here reads; `tests/oncall/test_store.py` fails when
the two drift apart). The holiday calendar of a year is cached as JSON
under the storage root, keyed by the `holidays` package's version, because importing the
package's countries costs a quarter of a second.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from pipesteward.errors import sqlite_unavailable
from pipesteward.oncall.calendar import CalendarSource, RawYear, package_year
from pipesteward.oncall.records import Absence, Layers, OverrideRecord, SwapRecord

SWAPS = ("SELECT id, engineer, week, with_engineer, their_week, status, requested_by, "
         "requested_at, accepted_by, accepted_at FROM oncall_swaps ORDER BY accepted_at, id")
ABSENCES = ("SELECT id, engineer, from_date, to_date, reason, recorded_by, recorded_at "
            "FROM oncall_unavailable ORDER BY id")
OVERRIDES = ("SELECT id, engineer, start_at, end_at, reason, recorded_by, recorded_at "
             "FROM oncall_overrides ORDER BY id")


def read_layers(database_url: str) -> Layers | None:
    """The run-time swaps, unavailability and overrides of the SQLite ops store at
    `database_url`; None for another database (read it through the store)."""
    if not database_url.startswith("sqlite:///"):
        return None
    path = Path(database_url.removeprefix("sqlite:///"))
    if not path.exists():
        return Layers()
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise sqlite_unavailable(path, str(e)) from None
    try:
        swaps = [_swap(r) for r in conn.execute(SWAPS)]
        absences = tuple(_absence(r) for r in conn.execute(ABSENCES))
        overrides = tuple(_override(r) for r in conn.execute(OVERRIDES))
    except sqlite3.Error as e:
        if "no such table" in str(e):  # the on-call tables are not there yet: none recorded
            return Layers()
        raise sqlite_unavailable(path, str(e)) from None
    finally:
        conn.close()
    return Layers(tuple(s for s in swaps if s.status == "accepted"), absences, overrides,
                  tuple(s for s in swaps if s.status == "requested"))


def _dt(value: str | None) -> datetime | None:
    if value is None:
        return None
    at = datetime.fromisoformat(value)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _swap(r: tuple) -> SwapRecord:
    return SwapRecord(r[1], date.fromisoformat(r[2]), r[3], date.fromisoformat(r[4]), "store",
                      r[0], r[5], r[6], _dt(r[7]), r[8], _dt(r[9]))


def _absence(r: tuple) -> Absence:
    return Absence(r[1], date.fromisoformat(r[2]), date.fromisoformat(r[3]), r[4], "store", r[0],
                   r[5], _dt(r[6]))


def _override(r: tuple) -> OverrideRecord:
    return OverrideRecord(r[1], _dt(r[2]), _dt(r[3]), r[4], "store", r[0], r[5], _dt(r[6]))  # type: ignore[arg-type]


def cached_calendar(cache_dir: Path) -> CalendarSource:
    """A calendar source that asks the `holidays` package once per year and keeps the answer."""
    memo: dict[tuple[str, str | None, int], RawYear] = {}

    def source(country: str, subdivision: str | None, year: int) -> RawYear:
        key = (country, subdivision, year)
        if key not in memo:
            memo[key] = _cached_year(cache_dir, country, subdivision, year)
        return memo[key]

    return source


def _cached_year(cache_dir: Path, country: str, subdivision: str | None, year: int) -> RawYear:
    from holidays.version import __version__

    path = cache_dir / f"holidays-{__version__}-{country}-{subdivision or 'all'}-{year}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: [tuple(p) for p in v] for k, v in data.items()}  # type: ignore[misc]
    except (OSError, ValueError):
        pass
    raw = package_year(country, subdivision, year)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(raw), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only root still answers, just more slowly
    return raw
