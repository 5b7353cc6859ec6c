"""`steward oncall ...`: who is on call, the schedule, iCal, the holiday plan, swaps,
unavailability and overrides. Each command is a few lines over `Steward.oncall`; this module is
the edge that reads the clock (`now`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from pipesteward.cli.actor import ByOpt, actor, named
from pipesteward.cli.common import (  # the shared options and helpers: alike in every module
    JsonOpt,
    SpecOpt,
    bullets,
    emit_json,
    handle_errors,
    load,
    now,
    out,
    parse_instant,
    reply,
    table,
)
from pipesteward.days import parse_date
from pipesteward.errors import UserError

oncall_app = typer.Typer(help="Who is on call, the schedule and its changes.", no_args_is_help=True)
swap_app = typer.Typer(help="Swap weeks: a request, then the other engineer's acceptance.",
                       no_args_is_help=True)
unavailable_app = typer.Typer(help="Record when an engineer is unavailable.", no_args_is_help=True)
override_app = typer.Typer(help="Put someone on call for a stretch of time.", no_args_is_help=True)

DEFAULT_SPEC = Path("steward.yaml")
SwapId = Annotated[int, typer.Argument(help="The swap's id (see `swap list`).")]


def register(app: typer.Typer) -> None:
    oncall_app.add_typer(swap_app, name="swap")
    oncall_app.add_typer(unavailable_app, name="unavailable")
    oncall_app.add_typer(override_app, name="override")
    app.add_typer(oncall_app, name="oncall")


def _local(value: str | None, tz: Any) -> str:
    return datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


# ---------------------------------------------------------------------------- questions


@oncall_app.command("who")
@handle_errors
def who(
    at: Annotated[str | None, typer.Option("--at", help="When (local time, default now).")] = None,
    pipeline: Annotated[str | None, typer.Option("--pipeline", help="Only this pipeline.")] = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Who is on call, and who responds for each pipeline (with escalation and reasons)."""
    steward = load(spec)
    tz = steward.spec.team.tz
    instant = parse_instant(at, "--at", tz) if at else now()
    data = steward.oncall.who(instant, pipeline)
    if json:
        emit_json(data)
        return
    s = data["shift"]
    hol = f"; holidays: {', '.join(s['holidays'])}" if s["holidays"] else ""
    out.print(f"On call at {_local(data['at'], tz)} ({tz.key}): [bold]{data['on_call']}[/] "
              f"(week of {s['week']}, {_local(s['start'], tz)} to {_local(s['end'], tz)}{hol})")
    rows = [(p["pipeline"], p["responder"], " → ".join(p["escalation"]), "; ".join(p["why"]))
            for p in data["pipelines"]]
    out.print(table(None, ["pipeline", "responder", "escalation", "why"], rows, wrap=("why",)))


@oncall_app.command("schedule")
@handle_errors
def schedule(
    from_: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    to: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD, inclusive).")],
    engineer: Annotated[str | None, typer.Option("--engineer", help="Only this engineer.")] = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """The shifts between two dates, with holidays, swaps and overrides marked."""
    steward = load(spec)
    data = steward.oncall.schedule(parse_date(from_, "--from"), parse_date(to, "--to"), engineer)
    if json:
        emit_json(data)
        return
    tz = steward.spec.team.tz
    # A week is named by the local date its shift starts: `start` shows it (--json has both).
    rows = [(_local(s["start"], tz), _local(s["end"], tz), s["engineer"],
             s["base_engineer"], s["changed_by"], ", ".join(s["holidays"]))
            for s in data["shifts"]]
    cols = ["start", "end", "on call", "rotation", "changed", "holidays"]
    out.print(table(f"On call ({tz.key})", cols, rows, wrap=("holidays",)))


@oncall_app.command("ical")
@handle_errors
def ical(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the .ics feed.")],
    engineer: Annotated[str | None, typer.Option("--engineer", help="Only this engineer.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="First day (default: today).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day (default: a year on).")] = None,
    spec: SpecOpt = DEFAULT_SPEC,
) -> None:
    """Write the schedule as an iCalendar feed in the team's time zone."""
    steward = load(spec)
    at = now()
    start = parse_date(from_, "--from") if from_ else at.astimezone(steward.spec.team.tz).date()
    end = parse_date(to, "--to") if to else start + timedelta(days=365)
    data = steward.oncall.ical(start, end, at, engineer)
    try:
        out_file.write_bytes(data)
    except OSError as e:
        raise UserError(f"{out_file}: cannot write ({e.strerror})") from None
    out.print(f"wrote {out_file} ({data.count(b'BEGIN:VEVENT')} events, {start} to {end})",
              soft_wrap=True)  # the path whole, never cut into lines


@oncall_app.command("plan")
@handle_errors
def plan(
    year: Annotated[int, typer.Option("--year", help="The year to balance.")],
    apply: Annotated[bool, typer.Option("--apply", help="Record the proposed swaps.")] = False,
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Propose the fewest swaps that even out holiday burden (with the ledger of past years)."""
    from pipesteward.validate import require

    steward = load(spec)
    require(steward.spec, "holiday_weights")
    # Applying a plan swaps several engineers' weeks: the lead's to do (anyone's, with no lead).
    who = actor(steward, by, steward.spec.team.lead, action="apply the plan") if apply else None
    data = steward.oncall.plan(year, now(), apply, who)
    if json:
        emit_json(data)
        return
    before, after = data["burden_before"], data["burden_after"]
    out.print(f"Holiday burden {year} (with the ledger of past years)")
    out.print(table(None, ["engineer", "before", "after"],
                    ((e, before[e], after[e]) for e in before)))
    out.print(f"spread {data['spread_before']} → {data['spread_after']} with "
              f"{len(data['swaps'])} swap(s) (spread: the highest burden minus the lowest)")
    bullets([data["why"]], mark="why:")
    for s in data["swaps"]:
        out.print(f"  {s['engineer']} gives the week of {s['week']} to {s['with']} and takes "
                  f"{s['with']}'s week of {s['their_week']}")
    if data["applied"]:
        out.print(f"recorded swap(s) {', '.join(map(str, data['applied']))}")
    elif data["swaps"]:
        out.print("to record them: add --apply")


@oncall_app.command("close-year")
@handle_errors
def close_year(
    year: Annotated[int, typer.Option("--year", help="The year that ended.")],
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Write a finished year's holiday burdens to the ledger the planner carries over."""
    steward = load(spec)
    who = actor(steward, by, steward.spec.team.lead, action="close the year")
    data = steward.oncall.close_year(year, now(), who)
    burdens = ", ".join(f"{e} {b}" for e, b in data["burdens"].items())
    reply(data, json, f"ledger {year}: {burdens}")


# ---------------------------------------------------------------------------- swaps


@swap_app.command("request")
@handle_errors
def swap_request(
    engineer: Annotated[str, typer.Option("--engineer", help="Who gives a week away.")],
    week: Annotated[str, typer.Option("--week", help="Their week (its start date).")],
    with_: Annotated[str, typer.Option("--with", help="Who takes it.")],
    their_week: Annotated[str, typer.Option("--their-week", help="The week given back.")],
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Ask another engineer to exchange weeks; it applies once they accept."""
    steward = load(spec)
    data = steward.oncall.request_swap(engineer, parse_date(week, "--week"), with_,
                                       parse_date(their_week, "--their-week"), now(),
                                       actor(steward, by, engineer))
    reply(data, json, f"swap {data['id']} requested: {with_} to take the week of "
                      f"{data['week']}, {engineer} the week of {data['their_week']}; next: "
                      f"steward oncall swap accept {data['id']} --by {with_}")


@swap_app.command("accept")
@handle_errors
def swap_accept(
    swap_id: SwapId,
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Accept a swap asked of you; from now on it applies."""
    steward = load(spec)
    # The engineer asked is known once the swap is read: the service applies the rule.
    data = steward.oncall.accept_swap(swap_id, now(), named(steward, by))
    reply(data, json, f"swap {swap_id} accepted: {data['with']} covers the week of {data['week']}, "
                      f"{data['engineer']} the week of {data['their_week']}")


def _close_swap(swap_id: int, status: str, by: str | None, spec: Path, json: bool) -> None:
    data = load(spec).oncall.close_swap(swap_id, status, now(), by)
    reply(data, json, f"swap {swap_id} {status}: {data['engineer']} keeps the week of "
                      f"{data['week']}")


# decline and cancel share their body (_close_swap); alike only in their Typer signatures,
# which each command declares for its own help text.
@swap_app.command("decline")
@handle_errors
def swap_decline(
    swap_id: SwapId,
    by: Annotated[str | None, typer.Option("--by", help="Who declines (default: the engineer "
                                           "asked).")] = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Turn down a swap asked of you; it never applies."""
    _close_swap(swap_id, "declined", by, spec, json)


@swap_app.command("cancel")
@handle_errors
def swap_cancel(
    swap_id: SwapId,
    by: Annotated[str | None, typer.Option("--by", help="Who cancels (default: the engineer "
                                           "who asked).")] = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Withdraw your swap request before it is accepted."""
    _close_swap(swap_id, "cancelled", by, spec, json)


@swap_app.command("list")
@handle_errors
def swap_list(spec: SpecOpt = DEFAULT_SPEC, json: JsonOpt = False) -> None:
    """Swaps from the spec and the store, accepted and requested."""
    data = load(spec).oncall.swaps()
    cols = ["id", "engineer", "week", "with", "their_week", "status", "source", "stale"]
    reply(data, json, table("Swaps", cols, ([s[c] for c in cols] for s in data["swaps"])))


# ---------------------------------------------------------------------------- unavailability


@unavailable_app.command("add")
@handle_errors
def unavailable_add(
    engineer: Annotated[str, typer.Option("--engineer", help="Who is unavailable.")],
    from_: Annotated[str, typer.Option("--from", help="First day (local, inclusive).")],
    to: Annotated[str, typer.Option("--to", help="Last day (local, inclusive).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (shown in reasons).")] = None,
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Record days an engineer is unavailable; their pipelines' owners step in."""
    steward = load(spec)
    data = steward.oncall.add_unavailable(engineer, parse_date(from_, "--from"),
                                          parse_date(to, "--to"), reason, now(),
                                          actor(steward, by, engineer))
    reply(data, json, f"recorded: {engineer} unavailable {data['from']} to {data['to']}")


@unavailable_app.command("remove")
@handle_errors
def unavailable_remove(
    entry_id: Annotated[int, typer.Argument(help="The entry's id (see `unavailable list`).")],
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Take back recorded unavailability (the engineer is available again)."""
    data = load(spec).oncall.remove_unavailable(entry_id, now(), by)
    reply(data, json, f"removed: {data['engineer']} unavailable {data['from']} to {data['to']}")


@unavailable_app.command("list")
@handle_errors
def unavailable_list(spec: SpecOpt = DEFAULT_SPEC, json: JsonOpt = False) -> None:
    """Unavailability from the spec and the store."""
    data = load(spec).oncall.unavailable()
    cols = ["id", "engineer", "from", "to", "reason", "source", "recorded_by"]
    rows = ([a[c] for c in cols] for a in data["unavailable"])
    reply(data, json, table("Unavailable", cols, rows, squeeze=("reason",)))


# ---------------------------------------------------------------------------- overrides


@override_app.command("add")
@handle_errors
def override_add(
    engineer: Annotated[str, typer.Option("--engineer", help="Who is on call.")],
    from_: Annotated[str, typer.Option("--from", help="Start (local, e.g. 2026-07-03T00:00).")],
    to: Annotated[str, typer.Option("--to", help="End (local time, exclusive).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Put an engineer on call for a stretch of time, over the rotation and swaps."""
    steward = load(spec)
    tz = steward.spec.team.tz
    data = steward.oncall.add_override(engineer, parse_instant(from_, "--from", tz),
                                       parse_instant(to, "--to", tz), reason, now(),
                                       actor(steward, by, engineer))
    span = f"{_local(data['from'], tz)} to {_local(data['to'], tz)}"
    reply(data, json, f"recorded: {engineer} on call {span}")


@override_app.command("remove")
@handle_errors
def override_remove(
    entry_id: Annotated[int, typer.Argument(help="The override's id (see `override list`).")],
    by: ByOpt = None,
    spec: SpecOpt = DEFAULT_SPEC,
    json: JsonOpt = False,
) -> None:
    """Take back a recorded override; the rotation and swaps apply again."""
    steward = load(spec)
    data = steward.oncall.remove_override(entry_id, now(), by)
    tz = steward.spec.team.tz
    reply(data, json, f"removed: {data['engineer']} on call {_local(data['from'], tz)} to "
                      f"{_local(data['to'], tz)}")


@override_app.command("list")
@handle_errors
def override_list(spec: SpecOpt = DEFAULT_SPEC, json: JsonOpt = False) -> None:
    """Overrides from the spec and the store (later-recorded wins)."""
    steward = load(spec)
    data = steward.oncall.overrides()
    tz = steward.spec.team.tz
    rows = ([o["id"], o["engineer"], _local(o["from"], tz), _local(o["to"], tz), o["reason"],
             o["source"]] for o in data["overrides"])
    reply(data, json, table("Overrides", ["id", "engineer", "from", "to", "reason", "source"], rows,
                            squeeze=("reason",)))
