"""The incident service: routes by the spec and the on-call rota, composes pages from the
runbooks, records check results and incidents, and sends through the sender. Time is always
an argument."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pipesteward.checks.sources import readers
from pipesteward.incidents.lifecycle import Changes, raise_incident, record_results
from pipesteward.incidents.message import Page, page_message
from pipesteward.incidents.paging import (
    Router,
    Sender,
    escalate_due,
    send_pending,
    source_chain,
)
from pipesteward.incidents.runbook import issue_section
from pipesteward.oncall.rota import Rota
from pipesteward.spec import Spec
from pipesteward.store import Store

if TYPE_CHECKING:
    from pipesteward.checks.result import CheckResult
    from pipesteward.oncall.escalation import Level
    from pipesteward.store.incidents import Incident

# A pipeline's runbook text and file name, or (None, None) when it has none.
Runbook = Callable[[str], tuple[str | None, str | None]]


@dataclass(frozen=True)
class IncidentService:
    spec: Spec
    store: Store
    sender: Sender
    rota: Callable[[], Rota]  # the on-call rota with the store's swaps, absences, overrides
    runbook: Runbook

    def router(self, rota: Rota | None = None) -> Router:
        """Routes by DESIGN section 7 (`oncall.team.answers`): the responder, then the chain.
        Pass the rota when routing inside a transaction, so it is not read from the store
        then."""
        from pipesteward.oncall.team import answers

        cached: list[Rota] = [rota] if rota is not None else []
        minutes = self.spec.oncall.escalation.ack_timeout_minutes

        def chain(pipeline: str, at: datetime) -> list[Level]:
            if not cached:
                cached.append(self.rota())
            found = answers(self.spec, cached[0], at, pipeline)
            if found:
                return list(found[0][1])
            # A source partition: every distinct responder of the pipelines reading it at
            # once, then the first reader's chain (a pipeline not in the spec: nobody).
            chains = [list(levels) for p in readers(pipeline)
                      for _, levels in answers(self.spec, cached[0], at, p) if levels]
            return source_chain(chains, at, timedelta(minutes=minutes))

        def channels(engineer: str) -> list[str]:
            match = [e.notify for e in self.spec.team.engineers if e.id == engineer]
            return list(match[0]) if match else []

        minutes = self.spec.oncall.escalation.ack_timeout_minutes
        return Router(chain, channels, timedelta(minutes=minutes))

    def composer(self) -> Callable[[Incident, int], Page]:
        """Each page carries the runbook section of its check (read once per pipeline)."""
        runbooks: dict[str, tuple[str | None, str | None]] = {}

        def compose(incident: Incident, level: int) -> Page:
            if incident.pipeline not in runbooks:
                # A source's page carries the section of the first pipeline reading it.
                ids = [p.id for p in self.spec.pipelines]
                owner = incident.pipeline if incident.pipeline in ids else next(
                    (p for p in ids if p in readers(incident.pipeline)), incident.pipeline)
                runbooks[incident.pipeline] = self.runbook(owner)
            text, name = runbooks[incident.pipeline]
            chain = [step["engineer"] for step in incident.escalation or []]
            return page_message(
                incident_id=incident.id, check_id=incident.check_id,
                pipeline=incident.pipeline, partition=incident.partition,
                message=incident.message, figures=incident.figures,
                runbook_section=issue_section(text, incident.check_id) if text else None,
                runbook_name=name, engineer=chain[level - 1], level=level, chain=chain,
            )

        return compose

    def page(self, at: datetime) -> list[int]:
        """Send every pending delivery; the ids of those sent."""
        return send_pending(self.store, self.router(), self.sender, self.composer(), at)

    def record(self, results: Iterable[CheckResult], *, day: str, at: datetime) -> Changes:
        """Record check results (incidents opened, updated, resolved), then page the new
        ones."""
        results = list(results)
        rota = self.rota() if any(r.failed_error for r in results) else None
        changes = record_results(self.store, results, day=day, at=at, router=self.router(rota))
        if changes.opened:
            self.page(at)
        return changes

    def raise_and_page(self, *, check_id: str, pipeline: str, partition: str, message: str,
                       figures: dict[str, Any], at: datetime) -> None:
        """Open (or update) the incident of a failure found outside the checks, then page."""
        router = self.router(self.rota())
        with self.store.transaction() as session:
            raise_incident(session, check_id=check_id, pipeline=pipeline, partition=partition,
                           message=message, figures=figures, at=at, router=router)
        self.page(at)

    def escalate(self, at: datetime) -> list[int]:
        """Page the next level of every unacknowledged incident past its ack timeout, and send
        whatever is still pending; the ids of the incidents escalated."""
        with self.store.transaction() as session:
            escalated = escalate_due(session, self.router(), at)
        self.page(at)
        return escalated
