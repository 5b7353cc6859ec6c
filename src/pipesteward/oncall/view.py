"""Plain-data (JSON) views of on-call answers, in the shapes DESIGN section 9 gives."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `oncall who` imports this module, keep it light
    from pipesteward.oncall.escalation import Level
    from pipesteward.oncall.planner import Plan
    from pipesteward.oncall.records import Absence, OverrideRecord, SwapRecord
    from pipesteward.oncall.responder import Response
    from pipesteward.oncall.rota import Rota, Segment


def iso(at: datetime | None, rota: Rota | None = None) -> str | None:
    if at is None:
        return None
    return (at.astimezone(rota.tz) if rota else at).isoformat()


def who(rota: Rota, at: datetime, answers: list[tuple[Response, list[Level]]],
        ack_timeout_minutes: int) -> dict:
    a = rota.on_call(at)
    s = a.shift
    return {
        "at": iso(at),
        "on_call": a.engineer,
        "shift": {
            "week": s.week.isoformat(),
            "start": iso(s.start, rota),
            "end": iso(s.end, rota),
            "engineer": a.shift_engineer,
            "base_engineer": s.base_engineer,
            "holidays": [h.name for h in rota.holidays_of(s.start, s.end)],
            "changed_by": a.changed_by,
        },
        "ack_timeout_minutes": ack_timeout_minutes,
        "pipelines": [
            {"pipeline": r.pipeline, "responder": r.responder,
             "escalation": [lv.engineer for lv in levels], "why": list(r.reasons)}
            for r, levels in answers
        ],
    }


def segment(seg: Segment, rota: Rota) -> dict:
    return {
        "week": seg.shift.week.isoformat(),
        "start": iso(seg.start, rota),
        "end": iso(seg.end, rota),
        "engineer": seg.engineer,
        "base_engineer": seg.shift.base_engineer,
        "holidays": [h.name for h in seg.holidays],
        "changed_by": seg.changed_by,
    }


def plan(p: Plan) -> dict:
    return {
        "year": p.year,
        "ledger": p.ledger,
        "burden_before": p.burden_before,
        "burden_after": p.burden_after,
        "spread_before": p.spread_before,
        "spread_after": p.spread_after,
        "swaps": [swap(s) for s in p.swaps],
        "why": p.why,
    }


def swap(s: SwapRecord) -> dict:
    return {"engineer": s.engineer, "week": s.week.isoformat(), "with": s.with_,
            "their_week": s.their_week.isoformat()}


def swap_record(s: SwapRecord) -> dict:
    return {"id": s.id, **swap(s), "status": s.status, "source": s.source,
            "requested_by": s.requested_by, "requested_at": iso(s.requested_at),
            "accepted_by": s.accepted_by, "accepted_at": iso(s.accepted_at)}


def absence(a: Absence) -> dict:
    return {"id": a.id, "engineer": a.engineer, "from": a.start.isoformat(),
            "to": a.end.isoformat(), "reason": a.reason, "source": a.source,
            "recorded_by": a.recorded_by, "recorded_at": iso(a.recorded_at)}


def override(o: OverrideRecord, rota: Rota) -> dict:
    return {"id": o.id, "engineer": o.engineer, "from": iso(o.start, rota),
            "to": iso(o.end, rota), "reason": o.reason, "source": o.source,
            "recorded_by": o.recorded_by, "recorded_at": iso(o.recorded_at)}
