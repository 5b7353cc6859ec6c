"""source.contract and source.volume: each source partition against its contract and its own
history, before any model reads it (DESIGN section 5). A failure quarantines the partition:
the runner does not read it, and the export of every day that would read it is blocked.

One result per source and partition (the result's `pipeline` is the source table), so one
incident per partition whichever day's check finds it. The day's partition is checked, plus
the earlier partitions the day's models read that are still quarantined (users: all of them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from pipesteward.checks import commands
from pipesteward.checks.inputs import CheckInputs
from pipesteward.checks.result import Outcome, Severity, ok

# The sources each pipeline reads for its day (DESIGN section 4; metrics/models).
SOURCES = {
    "unit_profit": ("orders", "users"),
    "aggregate_profit": ("orders", "users"),
    "daily_growth": ("users", "events", "orders"),
    "aggregate_engagement": ("events", "users"),
}
TABLES = ("users", "orders", "events", "experiment_assignments")
# How many days before d the models of day d read each source (metrics/models); None: all.
LOOKBACK: dict[str, int | None] = {"users": None, "orders": 1, "events": 29,
                                   "experiment_assignments": 0}


def readers(table: str) -> tuple[str, ...]:
    """The pipelines that read the source (aggregate_growth through daily_growth)."""
    found = [p for p, tables in SOURCES.items() if table in tables]
    if "daily_growth" in found:
        found.append("aggregate_growth")
    return tuple(found)


def _accept(table: str, day: date) -> str:
    return f'steward data accept {table} {day.isoformat()} --reason "..."'


def _held(table: str, day: date) -> str:
    later = " and every later day" if LOOKBACK[table] is None else ""
    if not readers(table):
        return "no model reads this source, so nothing is held back"
    return (f"the partition is quarantined: the models of {day}{later} do not read it and "
            "their investor export is blocked")


def _advice(table: str, day: date) -> str:
    return (f"Ask the owners of the {table} source to re-deliver a fixed partition, then "
            f"`{commands.run(day)}`; if the data is right after all, release it knowingly with "
            f"`{_accept(table, day)}`.")


def _files(profile: Any) -> str:
    return ", ".join(profile.files) or "no data file"


def _earlier(inputs: CheckInputs, table: str) -> dict[date, str]:
    """Quarantined partitions before the day that the day's models still read."""
    lookback = LOOKBACK[table]
    if inputs.quality is None or lookback == 0:
        return {}
    first = date(1970, 1, 1) if lookback is None else inputs.day - timedelta(days=lookback)
    return inputs.quality.held_back(table, first, inputs.day - timedelta(days=1))


def _not_landed(where: str, day: date) -> Outcome:
    return Outcome(True, f"{where} has not landed; nothing to check yet (see "
                   "profit.source_freshness)", {"landed": False}, day.isoformat())


def _accepted(inputs: CheckInputs, table: str, day: date, text: str,
              figures: dict[str, Any]) -> Outcome | None:
    """A pass naming who accepted the partition's current files, if someone did."""
    assert inputs.quality is not None
    accepted = inputs.quality.acceptance(table, day)
    if accepted is None:
        return None
    figures["accepted"] = {"by": accepted.by, "at": accepted.at, "reason": accepted.reason}
    return Outcome(True, f"{text}, but {accepted.by} accepted it ({accepted.reason})", figures,
                   day.isoformat())


# _contract_outcome and _volume_outcome open alike (the partition, or "not landed yet") and
# then read different verdicts: the contract's profile and the volume's scores.
def _contract_outcome(inputs: CheckInputs, table: str, day: date) -> Outcome:
    assert inputs.quality is not None
    where = f"sources/{table}/date={day}"
    profile = inputs.quality.profile(table, day)
    if profile is None:
        return _not_landed(where, day)
    figures: dict[str, Any] = {"rows": profile.rows, "files": profile.files, "violations": {
        v.rule: {"column": v.column, "rows": v.rows, "requirement": v.requirement,
                 "sample": v.sample} for v in profile.violations}}
    if not profile.violations:
        return Outcome(True, f"{where} meets its contract ({profile.rows} rows)", figures,
                       day.isoformat())
    accepted = _accepted(inputs, table, day, f"{where} breaks its contract", figures)
    if accepted is not None:
        return accepted
    broken = "; ".join(
        f"column {v.column} {v.requirement} ({v.rows} of {profile.rows} rows)" if v.rows
        else f"column {v.column}: {v.requirement}" if v.column else v.requirement
        for v in profile.violations)
    return Outcome(False, f"{where} breaks its contract: {broken}. File: {_files(profile)}. "
                   f"{_held(table, day)[0].upper()}{_held(table, day)[1:]}. "
                   f"{_advice(table, day)}", figures, day.isoformat())


def contract(inputs: CheckInputs, table: str) -> list[Outcome]:
    return _partitions(inputs, table, _contract_outcome, broken_contract=True)


def _partitions(inputs: CheckInputs, table: str,
                outcome: Callable[[CheckInputs, str, date], Outcome],
                broken_contract: bool) -> list[Outcome]:
    """The day's partition, and each earlier quarantined one the day's models read that this
    check holds back: source.contract those that break the contract, source.volume the rest."""
    if inputs.quality is None:
        return [ok("no source profiles available; nothing checked")]
    out = [outcome(inputs, table, inputs.day)]
    for day in sorted(_earlier(inputs, table)):
        profile = inputs.quality.profile(table, day)
        if profile is not None and bool(profile.violations) == broken_contract:
            out.append(outcome(inputs, table, day))
    return out


def _volume_outcome(inputs: CheckInputs, table: str, day: date) -> Outcome:
    assert inputs.quality is not None
    where = f"sources/{table}/date={day}"
    verdict = inputs.quality.volume(table, day)
    if verdict is None:
        return _not_landed(where, day)
    figures: dict[str, Any] = {"rows": verdict.rows, "history": verdict.history,
                               "scores": verdict.scores, "level": verdict.level}
    key = day.isoformat()
    if verdict.level == "unreadable":
        return Outcome(True, f"{where} cannot be counted: its files break the contract (see "
                       "source.contract)", figures, key)
    if verdict.level == "history":
        return Outcome(True, f"{where}: too little history to compare ({len(verdict.history)} "
                       "earlier same-weekday days); passes", figures, key)
    if verdict.level == "ok":
        what = "is empty, which is normal for this source" if verdict.empty else (
            "has a volume in line with the same weekday of recent weeks")
        return Outcome(True, f"{where} {what}", figures, key)
    worst = max(verdict.scores.items(), key=lambda kv: kv[1]["score"], default=None)
    if verdict.empty:
        what = (f"is empty (0 rows, with a _SUCCESS marker) and {table} is not a source "
                "with empty days")
    else:
        assert worst is not None
        name, s = worst
        what = (f"has an anomalous {name.replace('sum:', 'sum of ')}: {s['value']:g} where "
                f"about {s['expected']:g} was expected from the same weekday of recent weeks "
                f"(score {s['score']:g})")
    profile = inputs.quality.profile(table, day)
    files = f" File: {_files(profile)}." if profile is not None else ""
    if verdict.level == "warn":
        return Outcome(False, f"{where} {what}.{files} Not held back (WARN); compare with the "
                       f"source's owners before `{commands.export(day)}` goes out.", figures,
                       key, Severity.WARN)
    accepted = _accepted(inputs, table, day, f"{where} {what}", figures)
    if accepted is not None:
        return accepted
    return Outcome(False, f"{where} {what}.{files} {_held(table, day)[0].upper()}"
                   f"{_held(table, day)[1:]}. {_advice(table, day)}", figures, key)


def volume(inputs: CheckInputs, table: str) -> list[Outcome]:
    return _partitions(inputs, table, _volume_outcome, broken_contract=False)


def held_back(inputs: CheckInputs, pipeline: str, day: date) -> str | None:
    """Why the day's run of the pipeline is held back by a quarantined source, if it is."""
    if inputs.quality is None:
        return None
    for table in ("users", "orders", "events"):
        if pipeline not in readers(table):
            continue
        lookback = LOOKBACK[table]
        first = date(1970, 1, 1) if lookback is None else day - timedelta(days=lookback)
        held = inputs.quality.held_back(table, first, day)
        if held:
            return held[min(held)]
    return None
