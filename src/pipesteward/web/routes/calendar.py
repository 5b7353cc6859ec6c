"""The on-call calendar (a year and a month view), the holiday burden and the planner's
proposal, and each engineer's private iCal feed (the one page served without a session:
calendar apps cannot sign in; its secret token is revocable)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from pipesteward.errors import UserError
from pipesteward.users.rules import require
from pipesteward.web.calendar_view import NOON, Schedule, engineers_colours
from pipesteward.web.deps import CSRF, Me, done, now, steward_of
from pipesteward.web.render import page

router = APIRouter()


def _schedule(request: Request, start: date, end: date) -> Schedule:
    steward = steward_of(request)
    o = steward.oncall
    holidays = [h for y in range(start.year, end.year + 1) for h in o.holidays(y)]
    return Schedule(o.schedule(start, end)["shifts"], holidays, o.unavailable()["unavailable"],
                    o.overrides()["overrides"], steward.spec.team.tz)


def _year(value: int) -> int:
    if not 1970 <= value <= 2200:
        raise UserError(f"year {value} is out of range")
    return value


def _feed_url(request: Request, me: str) -> str:
    token = steward_of(request).users.ical_token(me, now(request))
    return str(request.url_for("ical_feed", token=token))


@router.get("/calendar")
def calendar_now(request: Request, me: Me) -> Response:
    today = now(request).astimezone(steward_of(request).spec.team.tz).date()
    return RedirectResponse(f"/calendar/{today.year}", status_code=303)


@router.get("/calendar/{year}")
def year_page(request: Request, year: int, me: Me) -> Response:
    steward = steward_of(request)
    year = _year(year)
    sched = _schedule(request, date(year, 1, 1) - timedelta(days=7), date(year, 12, 31)
                      + timedelta(days=7))
    holidays = steward.oncall.holidays(year)
    absent = sched.unavailable
    for h in holidays:
        # Holiday cover: the on-call engineer is away that day, so others respond.
        away = [u for u in absent if u["engineer"] == h["on_call"]
                and u["from"] <= h["date"] <= u["to"]]
        h["cover"] = None
        if away:
            noon = datetime.combine(date.fromisoformat(h["date"]), NOON,
                                    tzinfo=steward.spec.team.tz)
            who = steward.oncall.who(noon)
            h["cover"] = sorted({p["responder"] for p in who["pipelines"]})
    return page(request, "calendar_year.html", me=me, year=year,
                months=[(m, sched.month(year, m)) for m in range(1, 13)],
                colours=engineers_colours(steward.spec.engineer_ids()),
                holidays=holidays, fairness=steward.oncall.fairness(year),
                plan=steward.oncall.plan(year, now(request)), feed=_feed_url(request, me))


@router.get("/calendar/{year}/{month}")
def month_page(request: Request, year: int, month: int, me: Me) -> Response:
    steward = steward_of(request)
    year = _year(year)
    if not 1 <= month <= 12:
        raise UserError(f"month {month} is not 1..12")
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    sched = _schedule(request, first - timedelta(days=7), last + timedelta(days=7))
    prev = (first - timedelta(days=1)).replace(day=1)
    nxt = last + timedelta(days=1)
    tz = steward.spec.team.tz
    begin = datetime.combine(first, time(0), tzinfo=tz).isoformat()
    end = datetime.combine(nxt, time(0), tzinfo=tz).isoformat()
    return page(request, "calendar_month.html", me=me, year=year, month=month, first=first,
                weeks=sched.month(year, month), prev=prev, next=nxt,
                colours=engineers_colours(steward.spec.engineer_ids()),
                shifts=[s for s in sched.shifts if s["end"] > begin and s["start"] < end],
                unavailable=[u for u in sched.unavailable if u["from"] <= last.isoformat()
                             and u["to"] >= first.isoformat()],
                holidays=[h for h in steward.oncall.holidays(year)
                          if h["date"].startswith(f"{year}-{month:02d}")])


@router.post("/calendar/{year}/plan", dependencies=CSRF)
def apply_plan(request: Request, year: int, me: Me) -> Response:
    steward = steward_of(request)
    require(me, [], steward.spec.team.lead, "apply the holiday plan")
    data = steward.oncall.plan(_year(year), now(request), apply=True, by=me)
    return done(request, f"/calendar/{year}",
                f"Recorded {len(data['applied'])} swap(s) of the {year} holiday plan.")


@router.post("/calendar-feed", dependencies=CSRF)
def renew_feed(request: Request, me: Me) -> Response:
    steward_of(request).users.ical_token(me, now(request), new=True)
    return done(request, "/calendar", "A new calendar feed address is ready; the old one "
                "no longer works.")


@router.get("/ical/{token}.ics", name="ical_feed")
def ical_feed(request: Request, token: str) -> Response:
    engineer, data = steward_of(request).users.ical_feed(token, now(request))
    return Response(data, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'inline; filename="oncall-{engineer}.ics"',
        "Cache-Control": "private, no-store"})
