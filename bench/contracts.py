"""The cost of the source checks (issue 12): `steward data check` over the main lake's range
from a cold profile cache, and `steward backfill` with a cold vs a warm cache (the backfill
profiles every partition it reads the first time it sees it: `ModelRunner._guard`).

Each a separate process under `/usr/bin/time -v`, like every step of the bench.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET = 0.20  # the contract checks' share of the backfill's time, at most


def cold(lake: Path) -> None:
    """Forget every source profile (the acceptances stay)."""
    shutil.rmtree(lake / "_quality" / "profiles", ignore_errors=True)


def run(a: Any, *, spec: Path, lake: Path, first: str, last: str, size: str,
        backfill: list[str], clean: Callable[[], None], step: Callable[..., Any],
        repeat: Callable[..., Any], steward: Path) -> list[Any]:
    """The three steps: data check (cold), backfill (cold), backfill (warm)."""
    at = f"{dt.date.fromisoformat(last) + dt.timedelta(days=1)}T09:00"
    check = step("steward data check (cold profile cache)", size,
                 [str(steward), "data", "check", "--spec", str(spec), "--start", first,
                  "--end", last, "--at", at])
    cold_fill = step("steward backfill (cold profile cache)", size, backfill)
    warm_fill = step("steward backfill (warm profile cache)", size, backfill)

    def both() -> None:
        clean()
        cold(lake)

    # a generated lake may raise a volume ERROR: exit 1 is a verdict, not a failure
    repeat(check, a.repeat, timeout=a.timeout, before=lambda: cold(lake), ok_codes=(0, 1))
    repeat(cold_fill, a.repeat, timeout=a.timeout, before=both)
    repeat(warm_fill, a.repeat, timeout=a.timeout, before=clean)  # the cold run filled it
    return [check, cold_fill, warm_fill]


def verdicts(steps: list[Any]) -> list[tuple[str, str, str]]:
    name = f"contract checks <= {TARGET * 100:.0f} % of the backfill"
    if len(steps) != 3 or not all(s.cpu_median and s.median for s in steps):
        return [(name, "not measured", "; ".join(s.note for s in steps if s.note))]
    check, cold_fill, warm_fill = steps
    inside = max(cold_fill.cpu_median - warm_fill.cpu_median, 0.0)
    share = inside / cold_fill.cpu_median
    return [(name, "met" if share <= TARGET else f"missed: {share * 100:.0f} %",
             f"in the backfill: {inside:.1f} s CPU of {cold_fill.cpu_median:.1f} s "
             f"({share * 100:.0f} %; cold {cold_fill.median:.1f} s vs warm "
             f"{warm_fill.median:.1f} s wall); `steward data check` alone, cold: "
             f"{check.median:.1f} s wall, {check.cpu_median:.1f} s CPU "
             f"({check.cpu_median / cold_fill.cpu_median * 100:.0f} % of the cold backfill's "
             "CPU, with its own start-up and recording each day's results)")]
