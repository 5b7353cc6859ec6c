"""Checks of the growth runbook: calculations, completeness, version consistency.

The month checks serve aggregate_growth (investors; partition `YYYY-MM`); the same functions
on one day serve daily_growth (experiments; partition `YYYY-MM-DD`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from pipesteward.checks import commands
from pipesteward.checks.figures import is_bad_rate, is_null, num, ratio, rounded
from pipesteward.checks.inputs import CheckInputs
from pipesteward.checks.result import Outcome, skipped
from pipesteward.checks.sources import held_back
from pipesteward.days import days_between, month_bounds, month_key, shift_month

REQUIRED = ("date", "new_users", "total_users", "active_users", "revenue", "logic_version")
DAILY_RATES = {"new_users_dod": "new_users", "active_users_dod": "active_users",
               "revenue_dod": "revenue"}
MONTHLY_RATES = {"new_users_mom": "new_users", "total_users_mom": "total_users",
                 "avg_dau_mom": "avg_dau", "revenue_mom": "revenue"}
RATE_TOLERANCE = 1e-6


def period(inputs: CheckInputs) -> tuple[date, date]:
    """Month to date, from the lake's first day when the history starts within the month."""
    start, _ = month_bounds(inputs.day)
    first = inputs.lake.history_start()
    if first is not None and first > start:
        start = first
    return start, inputs.day


def _row(rows: list[dict] | None) -> dict | None:
    return rows[0] if rows else None


def _backfills(days: list[date]) -> str:
    return ", ".join(f"`{commands.backfill(a, b)}`" for a, b in commands.ranges(days))


# ------------------------------------------------------------------ growth.calculation
def daily_rate_problems(today: dict, yesterday: dict | None) -> tuple[list[str], dict]:
    """dod rates recomputed, total_users identity, no inf/NaN: pure over two daily rows."""
    d = today.get("date")
    problems: list[str] = []
    figures: dict[str, object] = {}
    for rate, base in DAILY_RATES.items():
        value = today.get(rate)
        if is_bad_rate(value):
            problems.append(f"{rate} on {d} is {value} (must be a number or NULL)")
            continue
        got = num(value)
        if yesterday is None:
            # Without the day before there is nothing to recompute from (completeness says so).
            figures[rate] = {"value": rounded(got), "recomputed": "no previous day"}
            continue
        expected = ratio(num(today.get(base)), num(yesterday.get(base)))
        figures[rate] = {"value": rounded(got), "recomputed": rounded(expected)}
        if (got is None) != (expected is None) or (
            got is not None and expected is not None and abs(got - expected) > RATE_TOLERANCE
        ):
            problems.append(f"{rate} on {d} is {rounded(got)}, recomputed {rounded(expected)}")
    if yesterday is not None:
        before, new, now = (num(yesterday.get("total_users")), num(today.get("new_users")),
                            num(today.get("total_users")))
        figures["total_users"] = {"previous": before, "new_users": new, "value": now}
        if None not in (before, new, now) and before + new != now:  # type: ignore[operator]
            problems.append(f"total_users on {d} is {now}, but total_users the day before "
                            f"({before}) + new_users ({new}) = {before + new}")  # type: ignore[operator]
    return problems, figures


def monthly_problems(row: dict, days: list[dict], previous: dict | None,
                     year_ago: dict | None) -> tuple[list[str], dict]:
    """An aggregate_growth row against its month's daily rows and earlier months (pure)."""
    m = row.get("month")
    problems: list[str] = []
    days = sorted(days, key=lambda r: r["date"])
    expected: dict[str, float | None] = {
        "days": float(len(days)),
        "new_users": sum(num(r["new_users"]) or 0.0 for r in days),
        "total_users": num(days[-1]["total_users"]) if days else None,
        "avg_dau": (sum(num(r["active_users"]) or 0.0 for r in days) / len(days)) if days
        else None,
        "revenue": sum(num(r["revenue"]) or 0.0 for r in days),
    }
    figures: dict[str, object] = {}
    built_from = num(row.get("days"))
    if built_from is not None and built_from != len(days):
        # The month was built from other days than the lake holds now: growth.completeness
        # names them; recomputing the sums from a different set of days proves nothing.
        figures["days"] = {"value": built_from, "present": len(days)}
        expected = {}
    for column, want in expected.items():
        got = num(row.get(column))
        figures[column] = {"value": rounded(got, 4), "recomputed": rounded(want, 4)}
        if got is None or want is None or abs(got - want) > 0.01 + 1e-9:
            if not (got is None and want is None):
                problems.append(f"{column} of {m} is {rounded(got, 4)}, recomputed from "
                                f"daily_growth {rounded(want, 4)}")
    rates = dict(MONTHLY_RATES, revenue_yoy="revenue")
    for rate, base in rates.items():
        value = row.get(rate)
        if is_bad_rate(value):
            problems.append(f"{rate} of {m} is {value} (must be a number or NULL)")
            continue
        ref = year_ago if rate.endswith("_yoy") else previous
        want = ratio(num(row.get(base)), num(ref.get(base)) if ref else None)
        got = num(value)
        figures[rate] = {"value": rounded(got), "recomputed": rounded(want)}
        if (got is None) != (want is None) or (
            got is not None and want is not None and abs(got - want) > RATE_TOLERANCE
        ):
            problems.append(f"{rate} of {m} is {rounded(got)}, recomputed {rounded(want)}")
    return problems, figures


def calculation(inputs: CheckInputs, pipeline: str) -> Outcome:
    d = inputs.day
    lake = inputs.lake
    if pipeline == "daily_growth":
        today = _row(lake.model_day("daily_growth", d))
        if today is None:
            return skipped(f"no daily_growth row for {d}")
        yesterday = _row(lake.model_day("daily_growth", d - timedelta(days=1)))
        problems, figures = daily_rate_problems(today, yesterday)
        fix = f"`{commands.run(d, [pipeline])}`"
    else:
        start, end = month_bounds(d)
        row = _row(lake.model_partition("aggregate_growth", month_key(d)))
        if row is None:
            return skipped(f"no aggregate_growth partition for {month_key(d)}", month_key(d))
        daily = lake.model_days("daily_growth", start - timedelta(days=1), end)
        rows = {day: r for day, f in daily.items() if (r := _row(f)) is not None}
        month_rows = [r for day, r in rows.items() if day >= start]
        previous = _row(lake.model_partition("aggregate_growth", month_key(shift_month(d, -1))))
        year_ago = _row(lake.model_partition("aggregate_growth", month_key(shift_month(d, -12))))
        problems, figures = monthly_problems(row, month_rows, previous, year_ago)
        bad_days = []
        for day in sorted(rows):
            if day < start:
                continue
            day_problems, _ = daily_rate_problems(rows[day], rows.get(day - timedelta(days=1)))
            if day_problems:
                bad_days.append(day)
                problems.extend(day_problems[:2])
        figures["days_with_problems"] = [x.isoformat() for x in bad_days]
        fix = _backfills(bad_days) if bad_days else f"`{commands.run(d, ['aggregate_growth'])}`"
    key = d.isoformat() if pipeline == "daily_growth" else month_key(d)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more"
                                           if len(problems) > 5 else "")
        return Outcome(False, f"growth figures do not recompute: {shown}. Check the growth "
                       f"formulas against DESIGN section 4, then rebuild with {fix}.",
                       figures, key)
    return Outcome(True, f"growth rates and totals of {key} recompute", figures, key)


# ------------------------------------------------------------------ growth.completeness
def missing_or_null(
    rows: dict[date, dict | None], start: date, end: date
) -> tuple[list[date], dict[date, list[str]]]:
    """Days without a row, and days whose required columns are NULL (pure)."""
    missing: list[date] = []
    nulls: dict[date, list[str]] = {}
    for d in days_between(start, end):
        row = rows.get(d)
        if row is None:
            missing.append(d)
        else:
            cols = [c for c in REQUIRED if c not in row or is_null(row[c])]
            if cols:
                nulls[d] = cols
    return missing, nulls


def completeness(inputs: CheckInputs, pipeline: str) -> Outcome:
    d = inputs.day
    start, end = (d, d) if pipeline == "daily_growth" else period(inputs)
    key = d.isoformat() if pipeline == "daily_growth" else month_key(d)
    frames = inputs.lake.model_days("daily_growth", start, end)
    rows = {day: _row(f) for day, f in frames.items()}
    missing, nulls = missing_or_null(rows, start, end)
    pending = d in missing and inputs.as_of <= inputs.deadline
    if pending:  # the day itself is not due before its deadline
        missing.remove(d)
    # Days held back by a quarantined source are reported once, by the source checks.
    held = {x.isoformat(): why for x in missing if (why := held_back(inputs, "daily_growth", x))}
    missing = [x for x in missing if x.isoformat() not in held]
    figures = {"period": [start.isoformat(), end.isoformat()],
               "days_expected": (end - start).days + 1,
               "days_present": len(frames),
               "missing_days": [x.isoformat() for x in missing],
               "null_columns": {k.isoformat(): v for k, v in nulls.items()},
               "pending": [d.isoformat()] if pending else [], "held_back": held}
    if pipeline == "aggregate_growth" and not pending and not held and inputs.lake.model_partition(
            "aggregate_growth", key) is None:
        missing_month = True
    else:
        missing_month = False
    if not missing and not nulls and not missing_month:
        return Outcome(True, f"every day of {start}..{end} has a complete daily_growth row",
                       figures, key)
    bad = sorted(set(missing) | set(nulls))
    parts = []
    if missing:
        parts.append(f"no daily_growth row for {', '.join(x.isoformat() for x in missing)}")
    if nulls:
        parts.append("NULL in required columns on " + ", ".join(
            f"{k} ({', '.join(v)})" for k, v in nulls.items()))
    if missing_month:
        parts.append(f"no aggregate_growth partition for {key}")
        bad = bad or [d]
    return Outcome(
        False,
        "; ".join(parts) + ". Check that the sources of those days landed (their _SUCCESS "
        f"markers), then rebuild with {_backfills(bad)}.",
        figures, key,
    )


# ------------------------------------------------------------------ growth.version_consistency
def stale_days(versions: dict[date, str], current: str | None) -> tuple[str | None, list[date]]:
    """Days whose logic_version is not the current one (or, when unknown, not the most common)."""
    if not versions:
        return current, []
    want = current or Counter(versions.values()).most_common(1)[0][0]
    return want, sorted(day for day, v in versions.items() if v != want)


def _versions_of(rows: list[dict]) -> set[str]:
    return {str(r.get("logic_version")) for r in rows} or {"<none>"}


def version_consistency(inputs: CheckInputs, pipeline: str) -> Outcome:
    d = inputs.day
    if pipeline == "daily_growth":
        start = end = d
        key = d.isoformat()
    else:
        start, end = month_bounds(d)
        key = month_key(d)
    frames = inputs.lake.model_days("daily_growth", start, end)
    by_day: dict[date, str] = {}
    for day, frame in frames.items():
        found = _versions_of(frame)
        by_day[day] = found.pop() if len(found) == 1 else "<mixed>"
    current = inputs.versions.get("daily_growth")
    want, stale = stale_days(by_day, current)
    figures: dict[str, object] = {
        "current": {"daily_growth": want},
        "stale_days": {x.isoformat(): by_day[x] for x in stale},
    }
    problems = []
    if stale:
        problems.append(f"daily_growth on {', '.join(x.isoformat() for x in stale)} carries an "
                        f"old logic_version (current {want})")
    if pipeline == "aggregate_growth":
        agg = inputs.lake.model_partition("aggregate_growth", key)
        agg_current = inputs.versions.get("aggregate_growth")
        if agg is not None:
            found = _versions_of(agg)
            figures["aggregate_growth"] = sorted(found)
            figures["current"]["aggregate_growth"] = agg_current  # type: ignore[index]
            if agg_current and found != {agg_current}:
                problems.append(f"aggregate_growth {key} carries {', '.join(sorted(found))} "
                                f"(current {agg_current})")
                stale = stale or [d]
    if problems:
        return Outcome(False, "; ".join(problems) + ". Rebuild with the current logic: "
                       f"{_backfills(stale)}.", figures, key)
    return Outcome(True, f"every daily_growth partition of {key} carries the current "
                   "logic_version", figures, key)
