"""Incidents: the list, one incident with its delivery log and notes. Its responder, anyone
paged on it, or the lead acknowledges and resolves it; anyone adds a note."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from pipesteward.web.deps import CSRF, Me, done, now, steward_of
from pipesteward.web.render import page

router = APIRouter()
STATUSES = ("active", "open", "acknowledged", "resolved")


@router.get("/incidents")
def incidents_page(request: Request, me: Me, status: str | None = None) -> Response:
    status = status if status in STATUSES else None
    return page(request, "incidents.html", me=me, status=status, statuses=STATUSES,
                incidents=steward_of(request).incidents(status))


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: int, me: Me) -> Response:
    return page(request, "incident.html", me=me,
                i=steward_of(request).incident(incident_id))


@router.post("/incidents/{incident_id}/ack", dependencies=CSRF)
def acknowledge(request: Request, incident_id: int, me: Me) -> Response:
    return _act(request, incident_id, me, "acknowledge")


@router.post("/incidents/{incident_id}/resolve", dependencies=CSRF)
def resolve(request: Request, incident_id: int, me: Me) -> Response:
    return _act(request, incident_id, me, "resolve")


def _act(request: Request, incident_id: int, me: str, verb: str) -> Response:
    steward = steward_of(request)
    steward.require_incident_actor(incident_id, me)
    do = {"acknowledge": steward.acknowledge_incident, "resolve": steward.resolve_incident}[verb]
    do(incident_id, by=me, at=now(request))
    return done(request, f"/incidents/{incident_id}", f"Incident {incident_id} {verb}d.")


@router.post("/incidents/{incident_id}/notes", dependencies=CSRF)
def note(request: Request, incident_id: int, me: Me, text: Annotated[str, Form()]) -> Response:
    # Anyone may add what they found; a note is always their own.
    steward = steward_of(request)
    steward.note_incident(incident_id, text, by=me, at=now(request))
    return done(request, f"/incidents/{incident_id}", "Note added.")
