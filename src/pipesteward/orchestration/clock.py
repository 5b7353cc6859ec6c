"""The clock and the intervals of the daemon's sensors: the one place orchestration reads the
time and its settings.

`STEWARD_CLOCK_OFFSET_SECONDS` shifts what the definitions take as now (a test or a rehearsal
of a past day runs the whole cycle against the lake's days); `STEWARD_SENSOR_SECONDS` is how
often the sensors tick (default 60).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from pipesteward.errors import UserError

OFFSET = "STEWARD_CLOCK_OFFSET_SECONDS"
INTERVAL = "STEWARD_SENSOR_SECONDS"
DEFAULT_INTERVAL = 60


def _number(env: Mapping[str, str], name: str, default: float, minimum: float | None) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or (minimum is not None and value < minimum):
        floor = "" if minimum is None else f" of at least {minimum:g}"
        raise UserError(f"{name} '{raw}' is not a number of seconds{floor} (for example 60)")
    return value


def offset(env: Mapping[str, str] | None = None) -> timedelta:
    return timedelta(seconds=_number(os.environ if env is None else env, OFFSET, 0, None))


def interval(env: Mapping[str, str] | None = None) -> int:
    return int(_number(os.environ if env is None else env, INTERVAL, DEFAULT_INTERVAL, 1))


def now() -> datetime:
    """The instant the definitions act at: the real clock plus the offset setting."""
    return datetime.now(UTC) + offset()
