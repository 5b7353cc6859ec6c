"""Checks of the profit runbook: reconciliation, pipeline failures, source freshness.

The same functions serve aggregate_profit (investors) and unit_profit (experiments).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

from pipesteward.checks import commands
from pipesteward.checks.figures import close, rounded, total
from pipesteward.checks.inputs import CheckInputs, RunInfo
from pipesteward.checks.result import Outcome, fail, ok

RECONCILED = ("orders", "revenue", "cost", "profit")


# ------------------------------------------------------------------ profit.reconciliation
def reconciliation(inputs: CheckInputs, pipeline: str) -> Outcome:
    """Per day, the sums of unit_profit equal aggregate_profit (orders, revenue, cost, profit)."""
    d = inputs.day
    units = inputs.lake.model_day("unit_profit", d)
    agg = inputs.lake.model_day("aggregate_profit", d)
    rerun = commands.run(d, ["unit_profit", "aggregate_profit"])
    missing = [m for m, f in (("unit_profit", units), ("aggregate_profit", agg)) if f is None]
    if missing:
        return fail(
            f"no {' or '.join(missing)} output for {d}; nothing to reconcile. Run `{rerun}`.",
            missing=missing,
        )
    assert units is not None and agg is not None
    return reconcile(units, agg, d)


def reconcile(units: list[dict], agg: list[dict], d: date) -> Outcome:
    """Compare the unit rows' sums with the aggregate row (pure over two small tables)."""
    rerun = commands.run(d, ["unit_profit", "aggregate_profit"])
    figures: dict[str, object] = {}
    off: list[str] = []
    for column in RECONCILED:
        unit_sum = total(units, column)
        agg_value = total(agg, column)  # one row, or none on a day without orders
        figures[column] = {"unit_profit": rounded(unit_sum, 2), "aggregate_profit":
                           rounded(agg_value, 2), "difference": rounded(unit_sum - agg_value, 2)}
        if not close(unit_sum, agg_value):
            off.append(column)
    if len(agg) > 1:
        return fail(
            f"aggregate_profit has {len(agg)} rows for {d}, expected one. Re-run `{rerun}`.",
            rows=len(agg), **figures,
        )
    if off:
        detail = "; ".join(
            f"{c}: unit_profit {figures[c]['unit_profit']} vs aggregate_profit "  # type: ignore[index]
            f"{figures[c]['aggregate_profit']}"  # type: ignore[index]
            for c in off
        )
        return fail(
            f"unit-level and aggregate profit disagree on {d} ({detail}). Look for duplicated or "
            f"late source rows, then re-run `{rerun}`.",
            **figures,
        )
    return ok(f"unit_profit reconciles with aggregate_profit on {d}", **figures)


# ------------------------------------------------------------------ profit.pipeline_failure
RESOURCE = re.compile(
    r"out of memory|outofmemory|memoryerror|memory limit|cannot allocate|oom|killed|sigkill"
    r"|signal 9|exit code -9|resource", re.IGNORECASE,
)
OUTAGE = re.compile(
    r"\bi/o\b|io ?exception|io ?error|oserror|input/output|connection|timed? ?out|"
    r"unreachable|unavailable|network|temporar|no space left|broken pipe|refused|disk",
    re.IGNORECASE,
)


def classify(error: str | None) -> str:
    """A failed run's cause, from its error text: resource_limit, outage or logic_error."""
    text = error or ""
    if RESOURCE.search(text):
        return "resource_limit"
    if OUTAGE.search(text):
        return "outage"
    return "logic_error"


ADVICE = {
    "resource_limit": "raise compute.memory_limit or compute.threads in the spec (DuckDB then "
                      "spills instead of dying), then re-run",
    "outage": "wait for the storage or service to come back, then re-run",
    "logic_error": "read the error (a source column missing or mistyped, a bad definition), "
                   "fix it, then re-run",
}


_EPOCH = datetime.min.replace(tzinfo=UTC)


def latest_run(runs: Sequence[RunInfo], pipeline: str, d: date) -> RunInfo | None:
    """The newest run that covered `pipeline` on day `d` (a backfill covers a range)."""
    covering = [r for r in runs if r.covers(pipeline, d)]
    if not covering:
        return None
    return max(covering, key=lambda r: (r.started_at or r.finished_at or _EPOCH, str(r.id)))


def pipeline_failure(inputs: CheckInputs, pipeline: str) -> Outcome:
    """The day's run finished by the deadline; a failed run is classified."""
    d = inputs.day
    rerun = commands.run(d, [pipeline])
    run = latest_run(inputs.runs, pipeline, d)
    figures: dict[str, object] = {"deadline": inputs.deadline.isoformat(),
                                  "as_of": inputs.as_of.isoformat()}
    if run is not None:
        figures.update(run_id=run.id, status=run.status,
                       finished_at=run.finished_at.isoformat() if run.finished_at else None)
    if run is not None and run.status == "failed":
        kind = classify(run.error)
        first_line = (run.error or "no error recorded").strip().splitlines()[0][:300]
        return fail(
            f"the run of {pipeline} for {d} failed ({kind.replace('_', ' ')}: {first_line}); "
            f"{ADVICE[kind]}: `{rerun}`.",
            classification=kind, error=first_line, **figures,
        )
    if run is not None and run.status == "succeeded":
        late = run.finished_at is not None and run.finished_at > inputs.deadline
        note = " (after the deadline)" if late else ""
        return ok(f"the run of {pipeline} for {d} succeeded{note}",
                  classification=None, late=late, **figures)
    has_output = inputs.lake.model_partition(pipeline, _key(pipeline, d)) is not None
    if run is None and has_output:
        # Written by a run the ops store does not know (e.g. materialised from the Dagster UI).
        return ok(f"{pipeline} has output for {d} (no run record)", classification=None,
                  **figures)
    if inputs.as_of <= inputs.deadline:
        state = "is still running" if run is not None else "has not run yet"
        return ok(f"the run of {pipeline} for {d} {state}; the deadline "
                  f"{inputs.deadline.isoformat()} has not passed", classification=None, **figures)
    state = "is still running" if run is not None else "has not run"
    return fail(
        f"the run of {pipeline} for {d} {state} and the deadline "
        f"{inputs.deadline.isoformat()} has passed (not finished by the deadline); "
        f"check that the schedule is running, then `{rerun}`.",
        classification="not_finished", **figures,
    )


def _key(pipeline: str, d: date) -> str:
    return d.strftime("%Y-%m") if pipeline == "aggregate_growth" else d.isoformat()


# ------------------------------------------------------------------ profit.source_freshness
# The sources each pipeline reads for its day (DESIGN section 4).
SOURCES = {
    "unit_profit": ("orders", "users"),
    "aggregate_profit": ("orders", "users"),
    "daily_growth": ("users", "events", "orders"),
    "aggregate_engagement": ("events", "users"),
}
# Sources whose partition may legitimately be absent (no signups on a day).
OPTIONAL = frozenset({"users"})


def source_freshness(inputs: CheckInputs, pipeline: str) -> Outcome:
    """Sources have `_SUCCESS` by the deadline, and nothing landed after the model read them."""
    d = inputs.day
    rerun = commands.run(d, [pipeline])
    computed_at = inputs.lake.computed_at(pipeline, _key(pipeline, d))
    problems: list[str] = []
    figures: dict[str, object] = {
        "deadline": inputs.deadline.isoformat(),
        "computed_at": computed_at.isoformat() if computed_at else None,
    }
    delayed = False
    for table in SOURCES[pipeline]:
        part = inputs.lake.source_partition(table, d)
        figures[table] = {
            "landed_at": part.landed_at.isoformat() if part.landed_at else None,
            "newest_file_at": part.newest_file_at.isoformat() if part.newest_file_at else None,
            "max_loaded_at": part.max_loaded_at.isoformat() if part.max_loaded_at else None,
            "files": part.files,
        }
        if not part.exists and table in OPTIONAL:
            continue
        if part.landed_at is None:
            if inputs.as_of > inputs.deadline:
                delayed = True
                problems.append(f"sources/{table}/date={d} has no _SUCCESS marker and the "
                                f"deadline {inputs.deadline.isoformat()} has passed")
            continue
        if computed_at is None:
            continue
        if part.newest_file_at and part.newest_file_at > computed_at:
            problems.append(f"a file in sources/{table}/date={d} landed at "
                            f"{part.newest_file_at.isoformat()}, after {pipeline} read the "
                            f"partition at {computed_at.isoformat()}")
        elif part.max_loaded_at and part.max_loaded_at > computed_at:
            problems.append(f"sources/{table}/date={d} has rows loaded at "
                            f"{part.max_loaded_at.isoformat()}, after {pipeline} read the "
                            f"partition at {computed_at.isoformat()}")
    if not problems:
        return ok(f"the sources of {pipeline} for {d} were complete and read after they "
                  "landed", **figures)
    if delayed and len(problems) == sum("no _SUCCESS" in p for p in problems):
        advice = (f"ask the source's owners when it lands; when its _SUCCESS marker appears, "
                  f"run `{rerun}`")
    else:
        advice = f"the output is stale: re-run `{rerun}` to absorb the late data"
    return fail("; ".join(problems) + f". {advice}.", **figures)

