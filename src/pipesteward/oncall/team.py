"""Assemble the on-call model of a spec: its rotation, layers and calendar, in one Rota."""

from __future__ import annotations

from datetime import datetime

from pipesteward.oncall.calendar import CalendarSource, TeamCalendar, package_year
from pipesteward.oncall.escalation import escalation
from pipesteward.oncall.records import Layers, spec_layers
from pipesteward.oncall.responder import Response, respond, team_order
from pipesteward.oncall.rota import Rota
from pipesteward.oncall.shifts import rotation_of


def rota_of(spec, run_time: Layers | None = None, source: CalendarSource = package_year) -> Rota:  # type: ignore[no-untyped-def]
    """The spec's rotation with the spec's layers first, then the run-time ones."""
    tz = spec.team.tz
    layers = spec_layers(spec.oncall, tz) + (run_time or Layers())
    return Rota(rotation_of(spec.oncall, tz), layers, TeamCalendar.of(spec.oncall.holidays,
                                                                     source))


def order_of(spec) -> list[str]:  # type: ignore[no-untyped-def]
    return team_order(tuple(spec.oncall.rotation), spec.engineer_ids())


def answers(spec, rota: Rota, at: datetime, pipeline: str | None = None) -> list:  # type: ignore[no-untyped-def]
    """(response, escalation levels) for each pipeline (or the one named) at `at`."""
    order = order_of(spec)
    out: list[tuple[Response, list]] = []
    for p in spec.pipelines:
        if pipeline not in (None, p.id):
            continue
        r = respond(rota, p, at, order)
        levels = escalation(rota, p, r, order, at, spec.oncall.escalation.ack_timeout_minutes)
        out.append((r, levels))
    return out
