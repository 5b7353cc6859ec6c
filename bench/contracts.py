"""The cost of the source checks (issue 12): `steward data check` over the main lake's range
from a cold profile cache, and `steward backfill` with a cold vs a warm cache (the backfill
profiles every partition it reads the first time it sees it: `ModelRunner._guard`).

Each a separate process under `/usr/bin/time -v`, like every step of the bench.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import shutil
import statistics
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
    # --json into a file: every result's figures overflow the pipe the bench reads at the end
    answer = Path(a.workdir) / "data-check.json"
    command = [str(steward), "data", "check", "--spec", str(spec), "--start", first, "--end",
               last, "--at", at, "--json"]
    check = step("steward data check (cold profile cache)", size,
                 ["sh", "-c", f'exec "$@" > {shlex.quote(str(answer))}', "sh", *command])
    check.profiled = []  # the seconds the profiling itself took, from --json

    def profiled(output: str) -> str | None:
        try:
            check.profiled.append(float(json.loads(answer.read_text())["profiled"]["seconds"]))
        except (OSError, ValueError, KeyError):
            return f"no profiled seconds in {answer}"
        return None
    cold_fill = step("steward backfill (cold profile cache)", size, backfill)
    warm_fill = step("steward backfill (warm profile cache)", size, backfill)

    def both() -> None:
        clean()
        cold(lake)

    # a generated lake may raise a volume ERROR: exit 1 is a verdict, not a failure
    repeat(check, a.repeat, timeout=a.timeout, before=lambda: cold(lake), ok_codes=(0, 1),
           validate=profiled)
    repeat(cold_fill, a.repeat, timeout=a.timeout, before=both)
    repeat(warm_fill, a.repeat, timeout=a.timeout, before=clean)  # the cold run filled it
    return [check, cold_fill, warm_fill]


def verdicts(steps: list[Any]) -> list[tuple[str, str, str]]:
    """Judged on the profiling itself (one query per source over the cold partitions, timed
    inside `steward data check`) against the cold backfill's wall time: the difference of
    two backfills is within the machine's noise."""
    name = f"contract checks <= {TARGET * 100:.0f} % of the backfill"
    if len(steps) != 3 or not all(s.cpu_median and s.median for s in steps) or not getattr(
            steps[0], "profiled", None):
        return [(name, "not measured", "; ".join(s.note for s in steps if s.note))]
    check, cold_fill, warm_fill = steps
    work = statistics.median(check.profiled)
    share = work / cold_fill.median
    return [(name, "met" if share <= TARGET else f"missed: {share * 100:.0f} %",
             f"profiling every source partition from a cold cache: {work:.1f} s, "
             f"{share * 100:.0f} % of the cold backfill's {cold_fill.median:.1f} s wall (warm: "
             f"{warm_fill.median:.1f} s wall; CPU {cold_fill.cpu_median:.1f} s vs "
             f"{warm_fill.cpu_median:.1f} s); `steward data check` as a whole, its start-up "
             f"and each day's recorded results included: {check.median:.1f} s wall")]
