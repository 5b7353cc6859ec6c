"""Run-time swaps: a request by one engineer, then the other's acceptance (DESIGN section 7).

A swap needs X on week i and Y on week j when it is recorded; the same engineer cannot be on
both sides; and a run-time swap is for weeks still to come (a shift that has started is history).
"""

from __future__ import annotations

from datetime import date, datetime

from pipesteward.errors import NotAllowed, UserError
from pipesteward.oncall.records import SwapRecord
from pipesteward.oncall.rota import Rota


class SwapRefused(UserError):
    """A swap that cannot be recorded; the message says why and what would work."""


class SwapNotAllowed(SwapRefused, NotAllowed):
    """A swap acted on by someone it is not for (nor the lead)."""


def check_request(rota: Rota, swap: SwapRecord, at: datetime, team: list[str]) -> None:
    """Refuse a swap request that could never apply; return quietly when it is valid."""
    for who in (swap.engineer, swap.with_):
        if who not in team:
            raise SwapRefused(f"unknown engineer '{who}'; the team is {', '.join(team)}")
    if swap.engineer == swap.with_:
        raise SwapRefused(f"a swap needs two different engineers; {swap.engineer} is on both sides")
    for who, week in ((swap.engineer, swap.week), (swap.with_, swap.their_week)):
        k = _shift_of_week(rota, week)
        on = rota.engineer_of(k)
        if on != who:
            raise SwapRefused(f"{who} is not on call the week of {week} ({on} is); "
                              f"see `steward oncall schedule --engineer {who}`")
        if rota.rotation.starts_at(k) <= at:
            raise SwapRefused(f"the week of {week} has already started; a swap is for weeks "
                              "still to come (use `steward oncall override add` to change cover "
                              "now)")
    if swap.week == swap.their_week:
        raise SwapRefused("a swap exchanges two different weeks")


def check_accept(rota: Rota, swap: SwapRecord, by: str, at: datetime, lead: str | None,
                 team: list[str]) -> None:
    """Only the other engineer (or the team lead) accepts; the swap must still be valid."""
    if swap.status != "requested":
        raise SwapRefused(f"swap {swap.id} is already {swap.status}")
    if by not in (swap.with_, lead):
        raise SwapNotAllowed(f"swap {swap.id} asks {swap.with_} to take the week of "
                             f"{swap.week}; only {swap.with_} can accept it, not {by}")
    check_request(rota, swap, at, team)


def check_close(swap: SwapRecord, status: str, by: str, lead: str | None) -> None:
    """A request is declined by the engineer asked, cancelled by the one who asked (or the
    lead, either); once accepted it applies, and only a swap back undoes it."""
    if swap.status != "requested":
        raise SwapRefused(f"swap {swap.id} is already {swap.status}; only a request can be "
                          f"{status}")
    who = swap.with_ if status == "declined" else swap.engineer
    if by not in (who, lead):
        verb = "decline" if status == "declined" else "cancel"
        raise SwapNotAllowed(f"only {who} or the team lead can {verb} swap {swap.id}, not {by}")


def _shift_of_week(rota: Rota, week: date) -> int:
    k = rota.rotation.index_of_week(week)
    if k is None:
        r = rota.rotation
        raise SwapRefused(f"{week} is not the start of a shift; weeks start on the handoff date "
                          f"({r.start} + a multiple of {r.shift_days} days)")
    return k
