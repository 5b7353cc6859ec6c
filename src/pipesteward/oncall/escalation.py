"""The escalation chain for an incident on a pipeline (DESIGN section 7).

Level 1 the responder; then the pipeline's secondary, then its primary, then the rest of the
team in rotation order starting after the on-call engineer, skipping anyone already paged or
unavailable. Each level waits `ack_timeout_minutes` for an acknowledgement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pipesteward.oncall.responder import Response, after
from pipesteward.oncall.rota import Rota


@dataclass(frozen=True)
class Level:
    """One rung of the chain: page `engineer` at `page_at` unless someone acknowledged."""

    level: int
    engineer: str
    page_at: datetime


def escalation(
    rota: Rota, pipeline, response: Response, order: list[str], at: datetime,  # type: ignore[no-untyped-def]
    ack_timeout_minutes: int,
) -> list[Level]:
    candidates = [response.responder, pipeline.secondary, pipeline.primary]
    candidates += after(order, response.on_call.engineer)
    chain: list[str] = []
    for who in candidates:
        if who in chain:
            continue  # already paged
        if chain and rota.absence(who, at) is not None:
            continue  # unavailable (the responder is level 1 whatever happens)
        chain.append(who)
    step = timedelta(minutes=ack_timeout_minutes)
    return [Level(i + 1, who, at + i * step) for i, who in enumerate(chain)]
