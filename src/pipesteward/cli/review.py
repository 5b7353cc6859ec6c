"""`steward review`: ownership load, single points of failure, on-call fairness, stale runbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipesteward.cli.common import JsonOpt, SpecOpt, emit_json, handle_errors, load, out, table


def register(app: typer.Typer) -> None:
    app.command("review")(review)


@handle_errors
def review(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Review date (default: today in "
                                              "the team's time zone).")] = None,
    spec: SpecOpt = Path("steward.yaml"),
    json: JsonOpt = False,
) -> None:
    """The regular review: ownership, single points of failure, holiday fairness, runbooks."""
    from pipesteward.cli.oncall import now, parse_date
    from pipesteward.validate import require

    steward = load(spec)
    require(steward.spec, "holiday_weights")
    day = parse_date(as_of, "--as-of") if as_of else now().astimezone(steward.spec.team.tz).date()
    data = steward.review(day)
    if json:
        emit_json(data)
        return
    out.print(table("Ownership", ["engineer", "primary", "secondary"],
                    ((r["engineer"], r["primary"], r["secondary"]) for r in data["ownership"])))
    spofs = data["single_points_of_failure"]
    out.print("Single points of failure: " + ("none" if not spofs else ""))
    for s in spofs:
        out.print(f"  - {s['message']}")
    f = data["fairness"]
    out.print(table(f"On call {f['year']}", ["engineer", "shifts", "holiday burden", "ledger",
                                              "total"],
                    ((e["engineer"], e["shifts"], e["holiday_burden"], e["ledger"],
                      e["total_burden"]) for e in f["engineers"])))
    out.print(f"balance score {f['balance_score']} (1 is even; spread {f['spread']})")
    stale = data["runbooks_past_review"]
    out.print("Runbooks past review: " + ("none" if not stale else ""))
    for r in stale:
        out.print(f"  - {r['message']}")
