"""Checks of the engagement runbook: definition alignment, overlap, export read-back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pipesteward.checks import commands
from pipesteward.checks.figures import num
from pipesteward.checks.inputs import CheckInputs
from pipesteward.checks.result import Outcome, fail, ok, skipped

PLATFORMS = ("dau_web", "dau_ios", "dau_android")
ACTIVE = "active_event"  # the canonical definition both models must share


def _row(inputs: CheckInputs, model: str) -> dict | None:
    rows = inputs.lake.model_day(model, inputs.day)
    return rows[0] if rows else None


# ------------------------------------------------------------------ engagement.definition_alignment
def definition_alignment(inputs: CheckInputs, pipeline: str) -> Outcome:
    """dau = daily_growth.active_users, both built on the current active-event definition."""
    d = inputs.day
    eng, growth = _row(inputs, "aggregate_engagement"), _row(inputs, "daily_growth")
    if eng is None or growth is None:
        missing = [m for m, r in (("aggregate_engagement", eng), ("daily_growth", growth))
                   if r is None]
        return skipped(f"no {' or '.join(missing)} row for {d}")
    return aligned(eng, growth, d, inputs.versions, inputs.definitions)


def aligned(eng: dict, growth: dict, d: date, versions: Mapping[str, str],
            definitions: Mapping[str, Mapping[str, str]] | None = None) -> Outcome:
    """Pure over the two rows, the current logic versions and the definitions each model's
    SQL calls."""
    dau, active = num(eng.get("dau")), num(growth.get("active_users"))
    current = dict(versions)
    models = ("aggregate_engagement", "daily_growth")
    fingerprints = {m: (definitions or {}).get(m, {}).get(ACTIVE) for m in models}
    figures = {
        "dau": dau, "active_users": active,
        "logic_version": {"aggregate_engagement": eng.get("logic_version"),
                          "daily_growth": growth.get("logic_version")},
        "current": {k: current.get(k) for k in models},
        "active_event_fingerprint": fingerprints,
    }
    problems = []
    if definitions:
        if None in fingerprints.values():
            problems.append(" and ".join(m for m, f in fingerprints.items() if f is None)
                            + f" does not call the canonical {ACTIVE} definition")
        elif len(set(fingerprints.values())) > 1:
            problems.append(f"the models use different {ACTIVE} definitions {fingerprints}")
    stale = [m for m, row in (("aggregate_engagement", eng), ("daily_growth", growth))
             if current.get(m) and row.get("logic_version") != current[m]]
    if stale:
        problems.append(f"{' and '.join(stale)} on {d} was built with an older definition "
                        "(its logic_version is not current), so 'active user' may mean "
                        "different things")
    if dau != active:
        problems.append(f"aggregate_engagement.dau is {dau} but daily_growth.active_users is "
                        f"{active} on {d}")
    if problems:
        rerun = commands.run(d, ["daily_growth", "aggregate_engagement"])
        return fail("; ".join(problems) + ". Both must count qualifying users with a "
                    f"session_start, page_view or purchase event; rebuild both with `{rerun}`.",
                    **figures)
    return ok(f"dau matches daily_growth.active_users on {d} ({dau})", **figures)


# ------------------------------------------------------------------ engagement.overlap
def overlap_problems(row: dict) -> list[str]:
    """dau_new + dau_returning = dau; max(platform) <= dau <= sum(platform); dau <= wau <= mau."""
    dau, wau, mau = (num(row.get(c)) for c in ("dau", "wau", "mau"))
    new, returning = num(row.get("dau_new")), num(row.get("dau_returning"))
    platforms = [num(row.get(c)) or 0.0 for c in PLATFORMS]
    problems = []
    if dau is None or wau is None or mau is None:
        return [f"dau/wau/mau is NULL (dau {dau}, wau {wau}, mau {mau})"]
    if (new or 0) + (returning or 0) != dau:
        problems.append(f"dau_new ({new}) + dau_returning ({returning}) = "
                        f"{(new or 0) + (returning or 0)}, not dau ({dau})")
    if not max(platforms) <= dau <= sum(platforms):
        problems.append(f"dau ({dau}) is outside [max, sum] of platform dau "
                        f"[{max(platforms)}, {sum(platforms)}]")
    if not dau <= wau <= mau:
        problems.append(f"dau <= wau <= mau does not hold ({dau}, {wau}, {mau})")
    return problems


def overlap(inputs: CheckInputs, pipeline: str) -> Outcome:
    d = inputs.day
    row = _row(inputs, "aggregate_engagement")
    rerun = commands.run(d, ["aggregate_engagement"])
    if row is None:
        return skipped(f"no aggregate_engagement row for {d}")
    figures = {c: num(row.get(c)) for c in
               ("dau", "wau", "mau", "dau_new", "dau_returning", *PLATFORMS)}
    problems = overlap_problems(row)
    if problems:
        return fail("; ".join(problems) + f" on {d}. Users are counted in several categories; "
                    f"look for duplicated users or events in the sources, then re-run `{rerun}`.",
                    **figures)
    return ok(f"engagement categories add up on {d}", **figures)


# ------------------------------------------------------------------ engagement.export
def export(inputs: CheckInputs, pipeline: str) -> Outcome:
    """Every target's read-back of the day's exports matches what was exported."""
    d = inputs.day
    checks = list(inputs.verify_exports(d)) if inputs.verify_exports else []
    figures = {"exports": [
        {"target": v.target, "grain": v.grain, "period": v.period, "status": v.status,
         "rows": {"exported": v.expected_rows, "read_back": v.observed_rows},
         "checksum": {"exported": v.expected_checksum, "read_back": v.observed_checksum}}
        for v in checks
    ]}
    if not checks:
        return ok(f"nothing exported for {d} yet (run `{commands.export(d)}` after the checks "
                  "pass)", **figures)
    bad = [v for v in checks if v.status != "verified"]
    if not bad:
        return ok(f"{len(checks)} export(s) for {d} read back and match", **figures)
    detail = "; ".join(
        f"{v.target} {v.grain} {v.period}: "
        + (f"export failed ({v.detail})" if v.status == "failed" else
           f"read back {v.observed_rows} rows / {str(v.observed_checksum)[:12]}, exported "
           f"{v.expected_rows} rows / {str(v.expected_checksum)[:12]}"
           + (f" ({v.detail})" if v.detail else ""))
        for v in bad
    )
    return fail(f"the investor export does not match what was sent: {detail}. Re-export with "
                f"`{commands.export(d)}` and tell the report's readers.", **figures)
