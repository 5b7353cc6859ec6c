"""`steward review`: ownership load, single points of failure, on-call fairness, stale runbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pipesteward.cli.common import (  # the shared options and helpers: alike in every module
    JsonOpt,
    SpecOpt,
    bullets,
    emit_json,
    handle_errors,
    load,
    out,
    table,
)


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
    from pipesteward.cli.oncall import now
    from pipesteward.days import parse_date
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
    bullets(s["message"] for s in spofs)
    f = data["fairness"]
    out.print(table(f"On call {f['year']}", ["engineer", "shifts", "holiday burden", "ledger",
                                              "total"],
                    ((e["engineer"], e["shifts"], e["holiday_burden"], e["ledger"],
                      e["total_burden"]) for e in f["engineers"])))
    out.print(f"balance score {f['balance_score']}")
    bullets([_balance(f)], mark=" ")
    stale = data["runbooks_past_review"]
    out.print("Runbooks past review: " + ("none" if not stale else ""))
    bullets(r["message"] for r in stale)


def _balance(f: dict[str, Any]) -> str:
    """What the balance score measures, on this team's numbers."""
    totals = [e["total_burden"] for e in f["engineers"]]
    high, low = max(totals, default=0), min(totals, default=0)
    formula = (f"1 - spread / highest burden = 1 - ({high} - {low}) / {high}" if high
               else "1 while nobody carries a holiday")
    return (f"How evenly holiday duty is shared, from 0 (one engineer carries all the most "
            f"while another carries none) to 1 (everyone carries the same): {formula}, in "
            f"holiday points this year with the ledger of past years. "
            f"`steward oncall plan --year {f['year']}` proposes swaps that raise it.")
