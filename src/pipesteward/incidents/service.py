"""The edge of paging: builds the Router from the spec and the on-call rota, composes pages
from the runbooks, and sends through the Steward's sender. The checks, the exports and the
facade call these; time is always an argument."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pipesteward.errors import NotFound
from pipesteward.incidents.lifecycle import Changes, record_results
from pipesteward.incidents.message import Page, page_message
from pipesteward.incidents.paging import Router, escalate_due, send_pending
from pipesteward.incidents.runbook import issue_section

if TYPE_CHECKING:
    from pipesteward.app import Steward
    from pipesteward.checks.result import CheckResult
    from pipesteward.oncall.escalation import Level
    from pipesteward.oncall.rota import Rota
    from pipesteward.store.incidents import Incident


def router(steward: Steward, rota: Rota | None = None) -> Router:
    """Routes by DESIGN section 7 (`oncall.team.answers`): the responder, then the chain.
    Pass the rota when routing inside a transaction, so it is not read from the store then."""
    from pipesteward.oncall.team import answers

    cached: list[Rota] = [rota] if rota is not None else []

    def chain(pipeline: str, at: datetime) -> list[Level]:
        if not cached:
            cached.append(steward.oncall.rota())
        found = answers(steward.spec, cached[0], at, pipeline)
        return list(found[0][1]) if found else []  # a pipeline not in the spec: nobody

    def channels(engineer: str) -> list[str]:
        match = [e.notify for e in steward.spec.team.engineers if e.id == engineer]
        return list(match[0]) if match else []

    minutes = steward.spec.oncall.escalation.ack_timeout_minutes
    return Router(chain, channels, timedelta(minutes=minutes))


def composer(steward: Steward) -> Callable[[Incident, int], Page]:
    """Each page carries the runbook section of its check (read once per pipeline)."""
    runbooks: dict[str, tuple[str | None, str | None]] = {}

    def runbook(pipeline: str) -> tuple[str | None, str | None]:
        if pipeline not in runbooks:
            try:
                runbooks[pipeline] = (steward.runbook(pipeline),
                                      steward.runbook_path(pipeline).name)
            except NotFound:
                runbooks[pipeline] = (None, None)
        return runbooks[pipeline]

    def compose(incident: Incident, level: int) -> Page:
        text, name = runbook(incident.pipeline)
        chain = [step["engineer"] for step in incident.escalation or []]
        return page_message(
            incident_id=incident.id, check_id=incident.check_id, pipeline=incident.pipeline,
            partition=incident.partition, message=incident.message, figures=incident.figures,
            runbook_section=issue_section(text, incident.check_id) if text else None,
            runbook_name=name, engineer=chain[level - 1], level=level, chain=chain,
        )

    return compose


def page(steward: Steward, at: datetime) -> list[int]:
    """Send every pending delivery; the ids of those sent."""
    return send_pending(steward.store, router(steward), steward.pager, composer(steward), at)


def record(steward: Steward, results: Iterable[CheckResult], *, day: str,
           at: datetime) -> Changes:
    """Record check results (incidents opened, updated, resolved), then page the new ones."""
    results = list(results)
    rota = steward.oncall.rota() if any(r.failed_error for r in results) else None
    changes = record_results(steward.store, results, day=day, at=at,
                             router=router(steward, rota))
    if changes.opened:
        page(steward, at)
    return changes


def escalate(steward: Steward, at: datetime) -> list[int]:
    """Page the next level of every unacknowledged incident past its ack timeout, and send
    whatever is still pending; the ids of the incidents escalated."""
    with steward.store.transaction() as session:
        escalated = escalate_due(session, router(steward), at)
    page(steward, at)
    return escalated
