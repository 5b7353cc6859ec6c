"""Swaps and availability: request, accept, decline and cancel swaps; add and remove
unavailability and overrides. The facade applies the rule: oneself, or anyone for the lead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from pipesteward.days import parse_date
from pipesteward.errors import UserError
from pipesteward.web.deps import CSRF, Me, done, now, steward_of
from pipesteward.web.render import page

router = APIRouter()
UPCOMING_WEEKS = 26
Text = Annotated[str, Form()]
Optional = Annotated[str | None, Form()]


def _instant(value: str, field: str, tz: Any) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"{field} '{value}' is not a time like 2026-07-03T00:00") from None
    return (at if at.tzinfo else at.replace(tzinfo=tz)).astimezone(UTC)


@router.get("/oncall")
def oncall_page(request: Request, me: Me) -> Response:
    steward = steward_of(request)
    today = now(request).astimezone(steward.spec.team.tz).date()
    weeks = steward.oncall.schedule(today, today + timedelta(weeks=UPCOMING_WEEKS))["shifts"]
    upcoming = list({s["week"]: s for s in weeks if s["week"] > today.isoformat()}.values())
    return page(request, "oncall.html", me=me, weeks=upcoming,
                engineers=steward.spec.engineer_ids(),
                swaps=steward.oncall.swaps()["swaps"],
                unavailable=steward.oncall.unavailable()["unavailable"],
                overrides=steward.oncall.overrides()["overrides"])


@router.post("/swaps", dependencies=CSRF)
def request_swap(request: Request, me: Me, engineer: Text, week: Text, with_: Annotated[
        str, Form(alias="with")], their_week: Text) -> Response:
    s = steward_of(request).oncall.request_swap(
        engineer, parse_date(week, "week"), with_, parse_date(their_week, "their_week"),
        now(request), me)
    return done(request, "/oncall", f"Swap {s['id']} requested: {with_} is asked to take the "
                f"week of {s['week']}.")


@router.post("/swaps/{swap_id}/accept", dependencies=CSRF)
def accept_swap(request: Request, swap_id: int, me: Me) -> Response:
    s = steward_of(request).oncall.accept_swap(swap_id, now(request), me)
    return done(request, "/oncall", f"Swap {swap_id} accepted: {s['with']} covers the week of "
                f"{s['week']}, {s['engineer']} the week of {s['their_week']}.")


@router.post("/swaps/{swap_id}/decline", dependencies=CSRF)
def decline_swap(request: Request, swap_id: int, me: Me) -> Response:
    steward_of(request).oncall.close_swap(swap_id, "declined", now(request), me)
    return done(request, "/oncall", f"Swap {swap_id} declined.")


@router.post("/swaps/{swap_id}/cancel", dependencies=CSRF)
def cancel_swap(request: Request, swap_id: int, me: Me) -> Response:
    steward_of(request).oncall.close_swap(swap_id, "cancelled", now(request), me)
    return done(request, "/oncall", f"Swap {swap_id} cancelled.")


@router.post("/unavailable", dependencies=CSRF)
def add_unavailable(request: Request, me: Me, engineer: Text, from_: Annotated[
        str, Form(alias="from")], to: Text, reason: Optional = None) -> Response:
    a = steward_of(request).oncall.add_unavailable(
        engineer, parse_date(from_, "from"), parse_date(to, "to"), reason or None, now(request), me)
    return done(request, "/oncall", f"Recorded: {engineer} unavailable {a['from']} to {a['to']}.")


@router.post("/unavailable/{entry_id}/remove", dependencies=CSRF)
def remove_unavailable(request: Request, entry_id: int, me: Me) -> Response:
    steward_of(request).oncall.remove_unavailable(entry_id, now(request), me)
    return done(request, "/oncall", f"Unavailability {entry_id} removed.")


@router.post("/overrides", dependencies=CSRF)
def add_override(request: Request, me: Me, engineer: Text, from_: Annotated[
        str, Form(alias="from")], to: Text, reason: Optional = None) -> Response:
    steward = steward_of(request)
    tz = steward.spec.team.tz
    steward.oncall.add_override(engineer, _instant(from_, "from", tz), _instant(to, "to", tz),
                                reason or None, now(request), me)
    return done(request, "/oncall", f"Recorded: {engineer} on call from {from_} to {to}.")


@router.post("/overrides/{entry_id}/remove", dependencies=CSRF)
def remove_override(request: Request, entry_id: int, me: Me) -> Response:
    steward_of(request).oncall.remove_override(entry_id, now(request), me)
    return done(request, "/oncall", f"Override {entry_id} removed.")
