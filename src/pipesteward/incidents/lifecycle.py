"""Recording check results and keeping incidents in step with them (one transaction each)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from pipesteward.checks.result import CheckResult
from pipesteward.errors import NotFound, UserError
from pipesteward.incidents.paging import Router, aware, delivered, deliveries_json, open_page
from pipesteward.store import Store
from pipesteward.store.audit import AuditEntry
from pipesteward.store.checks import CheckResultRecord
from pipesteward.store.incidents import Incident, IncidentNote

OPEN = ("open", "acknowledged")


def incident_key(check_id: str, pipeline: str, partition: str) -> str:
    return f"{check_id}:{pipeline}:{partition}"


def _plain(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


@dataclass(frozen=True)
class Changes:
    """What recording a batch of results did to the incidents."""

    opened: list[int]
    updated: list[int]
    resolved: list[int]


def _open_for(session: Session, key: str) -> Incident | None:
    return session.scalars(
        select(Incident).where(Incident.key == key, Incident.status.in_(OPEN))
        .order_by(Incident.id.desc())
    ).first()


def raise_incident(
    session: Session, *, check_id: str, pipeline: str, partition: str, message: str,
    figures: dict[str, Any], at: datetime, router: Router | None = None,
) -> tuple[Incident, bool]:
    """Open an incident, or update the open one with the same key; True when newly opened.

    A new incident is routed (`router`): its responder and escalation chain are stored and
    pending deliveries recorded in this transaction; a repeat only updates it, no new page."""
    key = incident_key(check_id, pipeline, partition)
    if session.get_bind().dialect.name == "postgresql":
        # Two processes raising the same failure: the second waits, then finds the first's
        # incident (SQLite's `BEGIN IMMEDIATE` already runs one at a time).
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    incident = _open_for(session, key)
    if incident is not None:
        incident.occurrences += 1
        incident.updated_at = at
        incident.message = message
        incident.figures = _plain(figures)
        return incident, False
    incident = Incident(
        key=key, check_id=check_id, pipeline=pipeline, partition=partition, status="open",
        responder=None, opened_at=at, updated_at=at, occurrences=1, message=message,
        figures=_plain(figures), level=0,
    )
    session.add(incident)
    session.flush()
    if router is not None:
        open_page(session, incident, router, at)
    return incident, True


def record_results(
    store: Store, results: Iterable[CheckResult], *, day: str, at: datetime,
    router: Router | None = None,
) -> Changes:
    """Store the results; failed ERROR checks open or update incidents, passes resolve them."""
    changes = Changes([], [], [])
    with store.transaction() as session:
        # One query for the open incidents, not one per result (checks run after every run).
        open_keys = set(session.scalars(select(Incident.key).where(Incident.status.in_(OPEN))))
        for r in results:
            session.add(CheckResultRecord(
                at=at, day=day, check_id=r.id, pipeline=r.pipeline, partition=r.partition,
                passed=r.passed, severity=r.severity.value, blocking=r.blocking,
                message=r.message, figures=_plain(r.figures),
            ))
            if r.failed_error:
                incident, new = raise_incident(
                    session, check_id=r.id, pipeline=r.pipeline, partition=r.partition,
                    message=r.message, figures=r.figures, at=at,
                    router=router,
                )
                (changes.opened if new else changes.updated).append(incident.id)
            elif r.passed and incident_key(r.id, r.pipeline, r.partition) in open_keys:
                found = _open_for(session, incident_key(r.id, r.pipeline, r.partition))
                if found is not None:
                    found.status = "resolved"
                    found.resolved_at = at
                    found.updated_at = at
                    changes.resolved.append(found.id)
                    store.audit(session, at=at, actor="steward", action="incident.resolved",
                                subject=str(found.id), detail={"key": found.key,
                                                               "by": "check passed"})
    return changes


def list_incidents(store: Store, status: str | None = None) -> list[Incident]:
    with store.transaction() as session:
        query = select(Incident).order_by(Incident.id.desc())
        if status == "active":
            query = query.where(Incident.status.in_(OPEN))
        elif status:
            query = query.where(Incident.status == status)
        return list(session.scalars(query))


def recent_results(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The newest check results, newest first."""
    with store.transaction() as session:
        rows = session.scalars(select(CheckResultRecord).order_by(CheckResultRecord.id.desc())
                               .limit(limit))
        return [{"id": r.check_id, "pipeline": r.pipeline, "partition": r.partition,
                 "passed": r.passed, "severity": r.severity, "blocking": r.blocking,
                 "message": r.message, "day": r.day, "at": _utc(r.at)} for r in rows]


def _get(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}; see `steward incidents list`")
    return incident


def get_incident(store: Store, incident_id: int) -> Incident:
    with store.transaction() as session:
        return _get(session, incident_id)


def handlers(incident: Incident) -> list[str]:
    """Who an incident is for: its responder and everyone paged on it so far."""
    paged = [step["engineer"] for step in (incident.escalation or [])[: incident.level]]
    return list(dict.fromkeys([*([incident.responder] if incident.responder else []), *paged]))


def add_note(store: Store, incident_id: int, text: str, *, by: str, at: datetime) -> None:
    text = text.strip()
    if not text:
        raise UserError("a note needs some text")
    with store.transaction() as session:
        _get(session, incident_id)
        session.add(IncidentNote(incident_id=incident_id, at=at, by=by, text=text))
        store.audit(session, at=at, actor=by, action="incident.noted",
                    subject=str(incident_id), detail={"text": text})


def notes(store: Store, incident_id: int) -> list[dict[str, Any]]:
    with store.transaction() as session:
        rows = session.scalars(select(IncidentNote).where(IncidentNote.incident_id == incident_id)
                               .order_by(IncidentNote.id))
        return [{"at": _utc(n.at), "by": n.by, "text": n.text} for n in rows]


def history(store: Store, incident_id: int) -> list[dict[str, Any]]:
    """The incident's audit entries, oldest first: opened, paged, delivered, acknowledged..."""
    with store.transaction() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.subject == str(incident_id),
                                     or_(AuditEntry.action.startswith("incident."),
                                         AuditEntry.action.startswith("page.")))
            .order_by(AuditEntry.id))
        return [{"at": _utc(e.at), "actor": e.actor, "action": e.action, "detail": e.detail}
                for e in rows]


def acknowledge(store: Store, incident_id: int, *, by: str, at: datetime) -> Incident:
    with store.transaction() as session:
        incident = _get(session, incident_id)
        if incident.status == "resolved":
            raise UserError(f"incident {incident_id} is already resolved")
        incident.status = "acknowledged"
        incident.acknowledged_at = at
        incident.acknowledged_by = by
        incident.updated_at = at
        store.audit(session, at=at, actor=by, action="incident.acknowledged",
                    subject=str(incident_id), detail={"key": incident.key})
        return incident


def resolve(store: Store, incident_id: int, *, by: str, at: datetime) -> Incident:
    with store.transaction() as session:
        incident = _get(session, incident_id)
        if incident.status != "resolved":
            incident.status = "resolved"
            incident.resolved_at = at
            incident.updated_at = at
            store.audit(session, at=at, actor=by, action="incident.resolved",
                        subject=str(incident_id), detail={"key": incident.key})
        return incident


def _utc(at: datetime | None) -> str | None:
    return None if at is None else aware(at).isoformat()


def to_json(incident: Incident) -> dict[str, Any]:
    """DESIGN section 9's shape of `steward incidents list --json` (and a few more fields)."""
    return {
        "id": incident.id, "key": incident.key, "pipeline": incident.pipeline,
        "check": incident.check_id, "partition": incident.partition, "status": incident.status,
        "responder": incident.responder,
        "opened_at": _utc(incident.opened_at),
        "occurrences": incident.occurrences, "message": incident.message,
        "level": incident.level, "escalation": incident.escalation or [],
        "acknowledged_at": _utc(incident.acknowledged_at),
        "acknowledged_by": incident.acknowledged_by,
        "resolved_at": _utc(incident.resolved_at),
        "figures": incident.figures or {},
        "handlers": handlers(incident),
        "delivered": delivered(incident),
        "deliveries": deliveries_json(incident),
    }
