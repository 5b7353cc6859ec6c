"""`steward incidents`: the list (one line per incident), one incident in full, and the
actions on them (acknowledge, resolve, escalate)."""

from __future__ import annotations

import json as _json
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipesteward.cli.actor import ByOpt, actor
from pipesteward.cli.common import (  # the shared options and helpers: alike in every module
    AtOpt,
    JsonOpt,
    SpecOpt,
    emit_json,
    handle_errors,
    instant,
    load,
    local_minute,
    out,
    table,
)

if TYPE_CHECKING:
    from rich.table import Table

incidents_app = typer.Typer(help="List, show, acknowledge, resolve and escalate incidents.",
                            no_args_is_help=True)
IncidentId = Annotated[int, typer.Argument(help="The incident's id.")]


# Each command module registers its commands the same way (cli/__init__.py loads them).
def register(app: typer.Typer) -> None:
    app.add_typer(incidents_app, name="incidents")
    incidents_app.command("list")(incidents_list)
    incidents_app.command("show")(incidents_show)
    incidents_app.command("ack")(incidents_ack)
    incidents_app.command("resolve")(incidents_resolve)
    incidents_app.command("escalate")(incidents_escalate)


@handle_errors
def incidents_list(
    status: Annotated[str | None, typer.Option(
        "--status", help="open, acknowledged, resolved, or active (open or acknowledged).")
    ] = None,
    spec: SpecOpt = Path("steward.yaml"), json: JsonOpt = False,
) -> None:
    """List incidents, newest first, one line each (`steward incidents show ID` for one)."""
    steward = load(spec)
    rows = steward.incidents(status)
    if json:
        emit_json({"incidents": rows})
        return
    out.print(incident_table(rows, steward.spec.team.tz, out.width))
    _undelivered(rows)


# Columns are scarce at 80: the year of `opened` shows from 100 columns, how often each
# incident fired and who was paged last from 140 (`incidents show` has both, always).
YEAR_FROM = 100
WIDE_FROM = 140


def incident_table(rows: list[dict], tz: tzinfo, width: int) -> Table:
    wide = width >= WIDE_FROM
    extra = ["times", "paged"] if wide else []
    columns = ["id", "status", "opened", "check", "pipeline", "partition", *extra, "message"]
    return table(None, columns, [
        (i["id"], i["status"], local_minute(i["opened_at"], tz, year=width >= YEAR_FROM),
         i["check"], i["pipeline"], i["partition"],
         *([i["occurrences"], _paged(i)] if wide else []), i["message"])
        for i in rows], squeeze=("check", "pipeline", "message"),
        caption=f"times in {tz}" if rows else "no incidents", width=width)


@handle_errors
def incidents_show(
    incident_id: IncidentId,
    spec: SpecOpt = Path("steward.yaml"), json: JsonOpt = False,
) -> None:
    """One incident in full: its message and figures, the runbook step of its check, who it
    was routed to, every delivery attempt, its audit history and notes."""
    steward = load(spec)
    i = steward.incident(incident_id)
    if json:
        emit_json(i)
        return
    tz = steward.spec.team.tz
    for line in _summary(i, tz):
        out.print(line, highlight=False, markup=False)
    _section("message", i["message"])
    _section("figures", _json.dumps(i["figures"], indent=2, sort_keys=True, default=str))
    runbook = i["runbook"]
    _section(f"runbook step ({runbook['file'] or 'no runbook'})",
             runbook["section"] or f"no section of the runbook names {i['check']}",
             markdown=True)
    _section("routing", _routing(i, tz))
    _section("delivery log", "" if i["deliveries"] else
             "nothing sent (no notify URLs, or nobody paged yet)")
    if i["deliveries"]:
        out.print(table(None, ["level", "engineer", "channel", "status", "attempts", "at",
                               "error"],
                        [(d["level"], d["engineer"], d["channel"], d["status"], d["attempts"],
                          local_minute(d["at"], tz), d["error"]) for d in i["deliveries"]],
                        squeeze=("error",)))
    _section("audit", "")
    out.print(table(None, ["at", "actor", "action", "detail"],
                    [(local_minute(e["at"], tz), e["actor"], e["action"], _detail(e["detail"]))
                     for e in i["history"]], squeeze=("detail",)))
    if i["notes"]:
        _section("notes", "\n".join(f"{local_minute(n['at'], tz)} {n['by']}: {n['text']}"
                                    for n in i["notes"]))
    _undelivered([i])


def _summary(i: dict[str, Any], tz: tzinfo) -> list[str]:
    lines = [f"incident {i['id']}: {i['check']} on {i['pipeline']}, partition {i['partition']}"
             f" ({i['status']})",
             f"opened {local_minute(i['opened_at'], tz)} ({tz}), seen {i['occurrences']} "
             f"time(s)"]
    if i["acknowledged_by"]:
        lines.append(f"acknowledged by {i['acknowledged_by']} "
                     f"{local_minute(i['acknowledged_at'], tz)}")
    if i["resolved_at"]:
        lines.append(f"resolved {local_minute(i['resolved_at'], tz)}")
    return lines


def _section(title: str, text: str, *, markdown: bool = False) -> None:
    """A titled block, indented; long lines wrap at words within the indent (a runbook's
    markdown is reflowed to the terminal's width)."""
    from rich.markdown import Markdown
    from rich.padding import Padding
    from rich.text import Text

    out.print()
    out.print(f"[bold]{title}[/]")
    if text:
        out.print(Padding(Markdown(text) if markdown else Text(text), (0, 0, 0, 2),
                          expand=False))


def _routing(i: dict[str, Any], tz: tzinfo) -> str:
    if not i["escalation"]:
        return f"nobody to page for {i['pipeline']}"
    steps = []
    for step in i["escalation"]:
        done = "paged" if step["level"] <= i["level"] else "not yet paged"
        steps.append(f"level {step['level']}: {step['engineer']}, due "
                     f"{local_minute(step['page_at'], tz)} ({done})")
    return "\n".join([f"responder {i['responder']}; escalation, each level after the ack "
                      "timeout:", *steps])


def _detail(detail: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in detail.items() if v not in (None, [], ""))


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
    """Active incidents whose last page reached nobody, and why (one line per reason): they
    need a person's eye."""
    why: dict[str, list[int]] = {}
    for i in rows:
        if i["status"] == "resolved" or i["delivered"] or _mine(i, "pending"):
            continue
        if not i["escalation"]:
            reason = f"nobody to page for {i['pipeline']}"
        else:
            who = i["escalation"][i["level"] - 1]["engineer"]
            reason = (f"every channel of {who} failed" if _mine(i, "failed")
                      else f"no notify URLs for {who}")
        why.setdefault(reason, []).append(i["id"])
    for reason, ids in why.items():
        out.print(f"incident{'s' if len(ids) > 1 else ''} {_spans(ids)} undelivered: {reason}")


def _spans(ids: list[int]) -> str:
    """15, 14, 13, 9 -> "13-15, 9" (the list is newest first)."""
    runs: list[list[int]] = []
    for n in sorted(ids, reverse=True):
        if runs and runs[-1][0] == n + 1:
            runs[-1][0] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


# ack and resolve share their body (_act); alike only in the Typer signatures each declares.
@handle_errors
def incidents_ack(
    incident_id: IncidentId,
    by: ByOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """Acknowledge an incident (stops its escalation)."""
    _act(spec, by, at, incident_id, "acknowledge")


@handle_errors
def incidents_resolve(
    incident_id: IncidentId,
    by: ByOpt = None, at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """Resolve an incident by hand (a check that passes again resolves its own)."""
    _act(spec, by, at, incident_id, "resolve")


def _act(spec: Path, by: str | None, at: str | None, incident_id: int, verb: str) -> None:
    steward = load(spec)
    who = actor(steward, by, action=f"{verb} it")
    do = {"acknowledge": steward.acknowledge_incident, "resolve": steward.resolve_incident}[verb]
    do(incident_id, by=who, at=instant(steward, at))
    out.print(f"incident {incident_id} {verb}d")


@handle_errors
def incidents_escalate(
    at: AtOpt = None, spec: SpecOpt = Path("steward.yaml"), json: JsonOpt = False,
) -> None:
    """Page the next level of every unacknowledged incident past its ack timeout (run it
    every few minutes, e.g. from cron); also resends pages a crashed process left pending."""
    steward = load(spec)
    escalated = steward.escalate_incidents(instant(steward, at))
    rows = [i for i in steward.incidents("active") if i["id"] in escalated]
    if json:
        emit_json({"escalated": rows})
        return
    for i in rows:
        out.print(f"incident {i['id']} escalated: {_paged(i)}")
    _undelivered(rows)
    if not rows:
        out.print("nothing to escalate")


