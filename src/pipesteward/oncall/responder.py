"""Who responds for a pipeline at an instant, with the chain of reasons that produced the answer.

DESIGN section 7 (from the team document: "If a primary on-call engineer is unavailable during
a holiday, the secondary owner of their respective pipelines will step in"): the on-call
engineer E if available; else P's secondary if E is P's primary, otherwise P's primary; if that
owner is unavailable too, P's other owner; if both owners are out, the next available engineer
in rotation order after E.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipesteward.oncall.rota import Assignment, Rota


@dataclass(frozen=True)
class Response:
    """The responder for one pipeline at one instant, and why."""

    pipeline: str
    responder: str
    on_call: Assignment
    reasons: tuple[str, ...]


def team_order(rotation: tuple[str, ...], team: list[str]) -> list[str]:
    """Rotation order, then anyone on the team who is not in the rotation (in team order)."""
    return list(dict.fromkeys(rotation)) + [e for e in team if e not in rotation]


def after(order: list[str], engineer: str) -> list[str]:
    """Everyone in `order` starting after `engineer`, wrapping round (engineer last)."""
    if engineer not in order:
        return list(order)
    i = order.index(engineer)
    return order[i + 1:] + order[: i + 1]


def on_call_reason(a: Assignment, rota: Rota) -> str:
    week = a.shift.week.isoformat()
    if a.override:
        o = a.override
        span = f"{_local(o.start, rota)} to {_local(o.end, rota)}"
        why = f" ({o.reason})" if o.reason else ""
        return (f"{a.engineer} is on call by override from {span}{why}, "
                f"over {a.shift_engineer}'s week of {week}")
    if a.swap:
        s = a.swap
        other, other_week = (s.engineer, s.their_week) if a.shift.week == s.week \
            else (s.with_, s.week)
        return (f"{a.engineer} is on call (week of {week}, swapped with {other}, "
                f"who takes the week of {other_week.isoformat()})")
    return f"{a.engineer} is on call (week of {week})"


def respond(rota: Rota, pipeline, at: datetime, order: list[str]) -> Response:  # type: ignore[no-untyped-def]
    a = rota.on_call(at)
    e = a.engineer
    reasons = [on_call_reason(a, rota)]
    absence = rota.absence(e, at)
    if absence is None:
        return Response(pipeline.id, e, a, tuple(reasons))
    reasons.append(f"{e} is unavailable {absence.describe()}")
    p = pipeline.id
    if e == pipeline.primary:
        first, second = pipeline.secondary, pipeline.primary
        reasons.append(f"{e} is primary of {p}, so its secondary {first} steps in")
    else:
        first, second = pipeline.primary, pipeline.secondary
        role = "secondary of" if e == pipeline.secondary else "not an owner of"
        reasons.append(f"{e} is {role} {p}, so its primary {first} steps in")
    if first != e:
        out = rota.absence(first, at)
        if out is None:
            return Response(p, first, a, tuple(reasons))
        reasons.append(f"{first} is unavailable {out.describe()}, so the other owner {second} "
                       "steps in")
        if second != e and rota.absence(second, at) is None:
            return Response(p, second, a, tuple(reasons))
    for candidate in after(order, e):
        if rota.absence(candidate, at) is None:
            reasons.append(f"both owners of {p} are unavailable, so {candidate}, next in "
                           f"rotation after {e}, steps in")
            return Response(p, candidate, a, tuple(reasons))
    reasons.append(f"everyone is unavailable, so {e} stays on call")
    return Response(p, e, a, tuple(reasons))


def _local(at: datetime, rota: Rota) -> str:
    return at.astimezone(rota.tz).strftime("%Y-%m-%d %H:%M")
