"""Commands about the runbook checks, the investor exports and the incidents they open."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pipesteward.cli.actor import ByOpt, actor
from pipesteward.cli.common import (
    JsonOpt,
    SpecOpt,
    emit_json,
    handle_errors,
    load,
    now,
    out,
    parse_date,
    parse_instant,
    table,
)
from pipesteward.errors import RunFailed

if TYPE_CHECKING:
    from pipesteward.app import Steward
    from pipesteward.checks.result import CheckResult

DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="The day, YYYY-MM-DD (default: yesterday in reporting.timezone)."),
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="As of this instant: local to the team's time zone unless it "
                 "carries an offset (default: now)."),
]

incidents_app = typer.Typer(help="List, acknowledge, resolve and escalate incidents.",
                            no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("export")(export)
    app.add_typer(incidents_app, name="incidents")
    incidents_app.command("list")(incidents_list)
    incidents_app.command("ack")(incidents_ack)
    incidents_app.command("resolve")(incidents_resolve)
    incidents_app.command("escalate")(incidents_escalate)


# The edge reads the clock; everything below takes the instant as an argument.
def _instant(steward: Steward, at: str | None) -> datetime:
    return parse_instant(at, "--at", steward.spec.team.tz) if at else now()


def _day(steward: Steward, value: str | None, at: datetime) -> date:
    return parse_date(value, "--date") if value else steward.reporting_yesterday(at)


def print_results(results: list[CheckResult]) -> None:
    rows = [
        (r.id, r.pipeline, r.partition,
         "[green]pass[/]" if r.passed else f"[red]FAIL[/]{' (blocking)' if r.blocking else ''}",
         r.severity.value, r.message)
        for r in sorted(results, key=lambda r: r.passed)  # failures first
    ]
    out.print(table(None, ["check", "pipeline", "partition", "result", "severity", "message"],
                    rows))
    failed = [r for r in results if not r.passed]
    out.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")


@handle_errors
def check(
    date_: DateOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
    json: JsonOpt = False,
) -> None:
    """Run the runbook checks for a day and its month; exit 1 when an ERROR check fails."""
    from pipesteward.checks.service import summary
    from pipesteward.validate import require

    steward = load(spec)
    require(steward.spec, "models")
    at_ = _instant(steward, at)
    day = _day(steward, date_, at_)
    results = steward.check(day, as_of=at_)
    if json:
        emit_json(summary(day, results))
    else:
        print_results(results)
    if any(r.failed_error for r in results):
        raise typer.Exit(1)


@handle_errors
def export(
    date_: DateOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
    json: JsonOpt = False,
) -> None:
    """Export the day's investor metrics to every reporting target, verified by reading back."""
    from pipesteward.validate import require

    steward = load(spec)
    require(steward.spec, "models", "database_urls")
    at_ = _instant(steward, at)
    day = _day(steward, date_, at_)
    report = steward.export(day, at=at_)
    if json:
        emit_json(report.to_json())
        return
    out.print(table(
        f"exported {day}", ["target", "grain", "period", "rows", "checksum", "status"],
        [(d.target, d.grain, d.period, d.rows, d.checksum[:12], d.status)
         for d in report.deliveries],
    ))


@handle_errors
def incidents_list(
    status: Annotated[str | None, typer.Option(
        "--status", help="open, acknowledged, resolved, or active (open or acknowledged).")
    ] = None,
    spec: SpecOpt = Path("steward.yaml"), json: JsonOpt = False,
) -> None:
    """List incidents, newest first."""
    rows = load(spec).incidents(status)
    if json:
        emit_json({"incidents": rows})
        return
    out.print(table(None, ["id", "status", "check", "pipeline", "partition", "opened",
                           "times", "paged", "message"],
                    [(i["id"], i["status"], i["check"], i["pipeline"], i["partition"],
                      i["opened_at"], i["occurrences"], _paged(i), i["message"])
                     for i in rows]))
    _undelivered(rows)


def _paged(incident: dict) -> str:
    """Who was paged last and whether it reached them (channels are masked in the JSON)."""
    if not incident["escalation"]:
        return "[red]undelivered[/]"
    who = incident["escalation"][incident["level"] - 1]["engineer"]
    if incident["delivered"]:
        return f"{who}: sent"
    if _mine(incident, "pending"):
        return f"{who}: pending"
    return f"{who}: [red]undelivered[/]"


def _mine(incident: dict, status: str) -> list[dict]:
    return [d for d in incident["deliveries"]
            if d["level"] == incident["level"] and d["status"] == status]


def _undelivered(rows: list[dict]) -> None:
    """Active incidents whose last page reached nobody, and why: they need a person's eye."""
    for i in rows:
        if i["status"] == "resolved" or i["delivered"] or _mine(i, "pending"):
            continue
        if not i["escalation"]:
            why = f"nobody to page for {i['pipeline']}"
        else:
            who = i["escalation"][i["level"] - 1]["engineer"]
            why = (f"every channel of {who} failed" if _mine(i, "failed")
                   else f"no notify URLs for {who}")
        out.print(f"incident {i['id']} undelivered: {why}")


@handle_errors
def incidents_ack(
    incident_id: Annotated[int, typer.Argument(help="The incident's id.")],
    by: ByOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """Acknowledge an incident (stops its escalation)."""
    steward = load(spec)
    who = actor(steward, by, action="acknowledge it")
    steward.acknowledge_incident(incident_id, by=who, at=_instant(steward, at))
    out.print(f"incident {incident_id} acknowledged")


@handle_errors
def incidents_resolve(
    incident_id: Annotated[int, typer.Argument(help="The incident's id.")],
    by: ByOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """Resolve an incident by hand (a check that passes again resolves its own)."""
    steward = load(spec)
    who = actor(steward, by, action="resolve it")
    steward.resolve_incident(incident_id, by=who, at=_instant(steward, at))
    out.print(f"incident {incident_id} resolved")


@handle_errors
def incidents_escalate(
    at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"), json: JsonOpt = False,
) -> None:
    """Page the next level of every unacknowledged incident past its ack timeout (run it
    every few minutes, e.g. from cron); also resends pages a crashed process left pending."""
    steward = load(spec)
    escalated = steward.escalate_incidents(_instant(steward, at))
    rows = [i for i in steward.incidents("active") if i["id"] in escalated]
    if json:
        emit_json({"escalated": rows})
        return
    for i in rows:
        out.print(f"incident {i['id']} escalated: {_paged(i)}")
    _undelivered(rows)
    if not rows:
        out.print("nothing to escalate")


def check_and_export(steward: Steward, day: date, at: datetime, quiet: bool = False) -> None:
    """After a day's run: its checks, then its investor export (refused, exit 1, when a
    blocking check fails). Used by `steward run` and `steward demo`."""
    from pipesteward.exports.service import ExportRefused

    try:
        report = steward.export(day, at=at)
    except ExportRefused as refused:
        if not quiet:
            print_results(refused.results)
        raise
    if quiet:
        return
    failed = [r for r in report.checks if not r.passed]
    out.print(f"checks of {day}: {len(report.checks) - len(failed)} passed, "
              f"{len(failed)} failed" + (f" ({', '.join(sorted({r.id for r in failed}))})"
                                         if failed else ""))
    out.print(table(
        f"exported {day}", ["target", "grain", "period", "rows", "checksum", "status"],
        [(d.target, d.grain, d.period, d.rows, d.checksum[:12], d.status)
         for d in report.deliveries],
    ))
    if any(r.failed_error for r in failed):
        raise RunFailed(f"an ERROR check of {day} failed; see `steward check --date {day}`")
