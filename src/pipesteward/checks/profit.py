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
from pipesteward.checks.result import Outcome, fail, ok, skipped
from pipesteward.checks.sources import SOURCES, held_back

RECONCILED = ("orders", "revenue", "cost", "profit")


# ------------------------------------------------------------------ profit.reconciliation
def reconciliation(inputs: CheckInputs, pipeline: str) -> Outcome:
    """Per day, the sums of unit_profit equal aggregate_profit (orders, revenue, cost, profit)."""
    d = inputs.day
    units = inputs.lake.model_day("unit_profit", d)
    agg = inputs.lake.model_day("aggregate_profit", d)
    missing = [m for m, f in (("unit_profit", units), ("aggregate_profit", agg)) if f is None]
    if missing:
        return skipped(f"no {' or '.join(missing)} output for {d}")
    assert units is not None and agg is not None
    outcome = reconcile(units, agg, d)
    if not outcome.passed:
        return outcome
    # Duplicated source orders are source.contract's (one row per order_id and loaded_at; a
    # re-delivery with a later loaded_at is allowed, the models keep the latest load).
    users = [u.get("user_id") for u in units]
    twice = len(users) - len(set(users))
    figures = dict(outcome.figures, unit_profit_users_counted_twice=twice)
    if twice:
        return fail(
            f"unit_profit has {twice} users on more than one row on {d} (a duplicated users "
            f"row doubles their orders in the join); re-deliver the users source without "
            f"duplicates, then `{commands.run(d, ['unit_profit', 'aggregate_profit'])}`.",
            **figures,
        )
    return Outcome(True, outcome.message, figures)


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
# The runner's error kinds (store/runs.py) in the runbook's words.
KINDS = {"resource": "resource_limit", "outage": "outage", "logic": "logic_error",
         "source": "source_data", "quarantine": "quarantined"}


def classify(error: str | None, kind: str | None = None) -> str:
    """A failed run's cause: resource_limit, outage, source_data or logic_error.

    The runner's own classification wins; otherwise the error text decides.
    """
    if kind in KINDS:
        return KINDS[kind]
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
    "source_data": "the source is missing, incomplete or mistyped (see "
                   "profit.source_freshness and the source's owners); once it is fixed, re-run",
    "logic_error": "read the error (a bad definition or SQL), fix it, then re-run",
}
_EPOCH = datetime.min.replace(tzinfo=UTC)


def latest_run(runs: Sequence[RunInfo], pipeline: str, d: date) -> RunInfo | None:
    """The newest run that covered `pipeline` on day `d` (a backfill covers a range)."""
    covering = [r for r in runs if r.covers(pipeline, d)]
    if not covering:
        return None
    return max(covering, key=lambda r: (r.started_at or r.finished_at or _EPOCH, str(r.id)))


def partition_key(pipeline: str, d: date) -> str:
    return d.strftime("%Y-%m") if pipeline == "aggregate_growth" else d.isoformat()


def pipeline_failure(inputs: CheckInputs, pipeline: str) -> Outcome:
    """The day's run finished by the deadline; a failed run is classified."""
    d = inputs.day
    rerun = commands.run(d, [pipeline])
    run = latest_run(inputs.runs, pipeline, d)
    figures: dict[str, object] = {"deadline": inputs.deadline.isoformat(),
                                  "as_of": inputs.as_of.isoformat(), "classification": None}
    if run is not None:
        figures.update(run_id=run.id, status=run.status,
                       started_at=run.started_at.isoformat() if run.started_at else None,
                       finished_at=run.finished_at.isoformat() if run.finished_at else None)
    has_output = inputs.lake.model_partition(pipeline, partition_key(pipeline, d)) is not None
    past_deadline = inputs.as_of > inputs.deadline
    held = held_back(inputs, pipeline, d) if not has_output or (
        run is not None and run.status == "failed") else None
    if held:
        # Reported once, by source.contract / source.volume on the partition itself.
        return ok(f"the run of {pipeline} for {d} is held back: {held} (see source.contract "
                  "and source.volume)", held_back=held, **figures)
    if run is not None and run.status == "failed":
        kind = classify(run.error, run.error_kind)
        if kind == "source_data" and _waiting(inputs, pipeline):
            # Refused because a source has not landed: the sensor re-runs it when it does, and
            # profit.source_freshness reports the delay once the deadline has passed.
            return ok(f"the run of {pipeline} for {d} waits for its sources (see "
                      "profit.source_freshness)", waiting=True, **figures)
        first_line = (run.error or "no error recorded").strip().splitlines()[0][:300]
        figures.update(classification=kind, error=first_line)
        return fail(f"the run of {pipeline} for {d} failed ({kind.replace('_', ' ')}: "
                    f"{first_line}); {ADVICE[kind]}: `{rerun}`.", **figures)
    if run is not None and run.status in ("running", "abandoned") and past_deadline:
        # A run killed outright (SIGKILL, the OOM killer) never records its end.
        figures.update(classification="resource_limit")
        return fail(f"the run of {pipeline} for {d} started but never finished and the "
                    f"deadline {inputs.deadline.isoformat()} has passed (killed, most likely "
                    f"for memory); {ADVICE['resource_limit']}: `{rerun}`.", **figures)
    if run is not None and run.status == "interrupted" and past_deadline and not has_output:
        figures.update(classification="not_finished")
        return fail(f"the run of {pipeline} for {d} was stopped ({run.error or 'interrupted'}) "
                    f"and the deadline {inputs.deadline.isoformat()} has passed; run it "
                    f"again: `{rerun}`.", **figures)
    if has_output:
        late = bool(run and run.finished_at and run.finished_at > inputs.deadline)
        note = " (after the deadline)" if late else ""
        how = ("succeeded" if run is not None and run.status == "succeeded"
               else "has output (no run record)" if run is None
               else f"has output (its last run: {run.status})")
        return ok(f"the run of {pipeline} for {d} {how}{note}", late=late, **figures)
    if not past_deadline:
        return ok(f"{pipeline} for {d} is not due before {inputs.deadline.isoformat()}",
                  **figures)
    if run is not None and run.status == "succeeded":
        figures.update(classification="logic_error")
        return fail(f"the run of {pipeline} for {d} succeeded but wrote no partition for "
                    f"{partition_key(pipeline, d)}; re-run `{rerun}` and read its log.",
                    **figures)
    figures.update(classification="not_finished")
    return fail(
        f"{pipeline} has no output for {d} and the deadline {inputs.deadline.isoformat()} has "
        f"passed (not finished by the deadline); check that the schedule and its sensor are "
        f"running, then `{rerun}`.",
        **figures,
    )


def _waiting(inputs: CheckInputs, pipeline: str) -> bool:
    """Some source partition of the day has not landed (no `_SUCCESS`) yet."""
    return any(
        inputs.lake.source_partition(t, inputs.day).landed_at is None
        and (t not in OPTIONAL or inputs.lake.source_partition(t, inputs.day).exists)
        for t in SOURCES.get(pipeline, ())
    )


# ------------------------------------------------------------------ profit.source_freshness
# Sources whose partition may legitimately be absent (a day without signups).
OPTIONAL = frozenset({"users"})


def computed_at(inputs: CheckInputs, pipeline: str) -> datetime | None:
    """When the model read its sources for the day: the start of its newest successful run,
    else the write time of its partition."""
    d = inputs.day
    runs = [r for r in inputs.runs if r.covers(pipeline, d) and r.status == "succeeded"]
    started = [r.started_at for r in runs if r.started_at is not None]
    if started:
        return max(started)
    return inputs.lake.computed_at(pipeline, partition_key(pipeline, d))


def source_freshness(inputs: CheckInputs, pipeline: str) -> Outcome:
    """Sources have `_SUCCESS` by the deadline, and nothing landed after the model read them."""
    d = inputs.day
    rerun = commands.run(d, [pipeline])
    read_at = computed_at(inputs, pipeline)
    delayed: list[str] = []
    late: list[str] = []
    figures: dict[str, object] = {
        "deadline": inputs.deadline.isoformat(),
        "computed_at": read_at.isoformat() if read_at else None,
    }
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
                what = "no _SUCCESS marker" if part.exists else "no partition"
                delayed.append(f"sources/{table}/date={d} has {what} and the deadline "
                               f"{inputs.deadline.isoformat()} has passed")
            continue
        if read_at is None:
            continue
        if part.newest_file_at and part.newest_file_at > read_at:
            late.append(f"a file in sources/{table}/date={d} landed at "
                        f"{part.newest_file_at.isoformat()}, after {pipeline} read the "
                        f"partition at {read_at.isoformat()}")
        elif part.max_loaded_at and part.max_loaded_at > read_at:
            late.append(f"sources/{table}/date={d} has rows loaded at "
                        f"{part.max_loaded_at.isoformat()}, after {pipeline} read the "
                        f"partition at {read_at.isoformat()}")
    if not delayed and not late:
        return ok(f"the sources of {pipeline} for {d} landed in time and were read after they "
                  "landed", **figures)
    advice = []
    if delayed:
        advice.append("ask the source's owners when it lands; once its _SUCCESS marker is in, "
                      f"run `{rerun}`")
    if late:
        advice.append(f"the output is stale: re-run `{rerun}` to absorb the late data")
    advice_text = "; ".join(advice)
    return fail("; ".join(delayed + late) + ". " + advice_text[0].upper() + advice_text[1:] + ".",
                **figures)
