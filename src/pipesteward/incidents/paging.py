"""Paging (DESIGN section 8): route a new incident to its responder, record every delivery
before anything is sent, send with retries, escalate unacknowledged incidents level by level.

Pure of the clock and the spec: time is an argument, and a `Router` says who is paged for a
pipeline and how each engineer is reached (the service builds it from the spec and the rota).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipesteward import processes
from pipesteward.incidents.channels import mask, scrub
from pipesteward.incidents.events import Paged, PageDelivered
from pipesteward.incidents.message import Page
from pipesteward.incidents.notifier import Notifier
from pipesteward.oncall.escalation import Level
from pipesteward.store import Store
from pipesteward.store.audit import AuditEntry
from pipesteward.store.incidents import Incident, PageDelivery

# Seconds to wait before each retry of a failing channel: three attempts in all.
BACKOFF = (1.0, 4.0)
# A claim on a delivery still pending after this was made by a process that cannot be seen
# to have died (another host's): it is taken over and the page sent again.
CLAIM_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Router:
    """Who is paged for an incident on a pipeline at an instant, and where each is reached."""

    chain: Callable[[str, datetime], list[Level]]  # the escalation levels (section 7)
    channels: Callable[[str], Sequence[str]]  # an engineer's notify URLs (secrets inside)
    ack_timeout: timedelta


@dataclass(frozen=True)
class Sender:
    """How pages go out: the notifier, and the waits between retries of a failing channel."""

    notifier: Notifier
    sleep: Callable[[float], None]
    backoff: tuple[float, ...] = BACKOFF


def aware(at: datetime) -> datetime:
    # SQLite keeps no offset; every instant is written in UTC.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _audit(session: Session, at: datetime, event: Paged | PageDelivered) -> None:
    session.add(AuditEntry(at=at, actor="steward", action=event.action,
                           subject=event.subject(), detail=event.detail()))


def open_page(session: Session, incident: Incident, router: Router, at: datetime) -> None:
    """A new incident: fix its escalation chain at `at` and page level 1, the responder."""
    levels = router.chain(incident.pipeline, at)
    incident.escalation = [{"level": lv.level, "engineer": lv.engineer,
                            "page_at": aware(lv.page_at).isoformat()} for lv in levels]
    incident.responder = levels[0].engineer if levels else None
    # Level 1, and every level already due (a source incident pages all its responders).
    for lv in levels:
        if lv.level == 1 or aware(lv.page_at) <= aware(at):
            page_level(session, incident, lv.level, router, at)
        else:
            break


def source_chain(chains: Sequence[Sequence[Level]], at: datetime,
                 step: timedelta) -> list[Level]:
    """The chain of a source partition's incident from the chains of the pipelines reading
    it: each distinct responder (level 1 of a chain) paged at once, then the rest of the
    first chain, one level per `step`."""
    first = [c[0].engineer for c in chains if c]
    now = list(dict.fromkeys(first))
    rest = [lv.engineer for lv in (chains[0][1:] if chains else []) if lv.engineer not in now]
    return ([Level(i + 1, who, at) for i, who in enumerate(now)]
            + [Level(len(now) + i + 1, who, at + (i + 1) * step) for i, who in enumerate(rest)])


def page_level(session: Session, incident: Incident, level: int, router: Router,
               at: datetime) -> None:
    """Record a pending delivery for each of the level's engineer's channels (no send here)."""
    engineer = (incident.escalation or [])[level - 1]["engineer"]
    incident.level = level
    incident.paged_at = at
    urls = router.channels(engineer)
    for index, url in enumerate(urls):
        session.add(PageDelivery(
            incident=incident, level=level, engineer=engineer, channel=mask(url),
            channel_index=index, status="pending", attempts=0, created_at=at, at=at))
    session.flush()
    _audit(session, at, Paged(incident.id, engineer, level, [mask(u) for u in urls]))


def escalate_due(session: Session, router: Router, at: datetime) -> list[int]:
    """Page the next level of every open (unacknowledged) incident whose current level has
    waited `ack_timeout`. The chain was fixed when the incident opened, already without
    repeats or unavailable engineers (`oncall.escalation`); one level per call."""
    escalated: list[int] = []
    # An incident another process is escalating right now is skipped (PostgreSQL; SQLite runs
    # one escalation at a time): each level is paged once.
    for incident in session.scalars(
            select(Incident).where(Incident.status == "open", Incident.level > 0)
            .order_by(Incident.id).with_for_update(skip_locked=True, of=Incident)):
        chain = incident.escalation or []
        if incident.level >= len(chain) or incident.paged_at is None:
            continue  # the last level was paged: it stays with them
        if at >= aware(incident.paged_at) + router.ack_timeout:
            page_level(session, incident, incident.level + 1, router, at)
            escalated.append(incident.id)
    return escalated


def send_pending(store: Store, router: Router, sender: Sender,
                 compose: Callable[[Incident, int], Page], at: datetime) -> list[int]:
    """Send every pending delivery nobody else is sending (new ones, and any a dead process
    left behind), each claimed first so that two processes never send the same page, and each
    with retries; every attempt is written back. Returns the ids of the deliveries sent."""
    holder = processes.me()
    sent: list[int] = []
    while (job := _claim(store, compose, at, holder)) is not None:
        delivery_id, engineer, index, page = job
        urls = router.channels(engineer)
        if index >= len(urls):
            _write(store, delivery_id, at, error="the channel is no longer in the spec",
                   final=True)
            continue
        if _send(store, delivery_id, urls[index], page, sender, at):
            sent.append(delivery_id)
    return sent


def _free(d: PageDelivery, at: datetime) -> bool:
    """Whether a pending delivery may be claimed: nobody holds it, or its holder died (on this
    host), or its claim is older than CLAIM_LEASE (a holder on another host)."""
    if d.claimed_by is None or d.claimed_at is None:
        return True
    return processes.gone(d.claimed_by) or at >= aware(d.claimed_at) + CLAIM_LEASE


def _claim(store: Store, compose: Callable[[Incident, int], Page], at: datetime,
           holder: str) -> tuple[int, str, int, Page] | None:
    """Claim the oldest free pending delivery for `holder` (None when there is none).

    Rows another transaction is claiming are skipped (`FOR UPDATE SKIP LOCKED` on PostgreSQL;
    SQLite's `BEGIN IMMEDIATE` runs one claim at a time), and the claim is a conditional
    update on the holder seen, so of two processes one wins and the other moves on."""
    with store.transaction() as session:
        pending = session.scalars(
            select(PageDelivery).where(PageDelivery.status == "pending")
            .order_by(PageDelivery.id).with_for_update(skip_locked=True)).all()
        for d in pending:
            if not _free(d, at):
                continue
            won = session.execute(
                update(PageDelivery)
                .where(PageDelivery.id == d.id, PageDelivery.status == "pending",
                       PageDelivery.claimed_by.is_not_distinct_from(d.claimed_by))
                .values(claimed_by=holder, claimed_at=at)
                .execution_options(synchronize_session=False))
            if won.rowcount == 1:  # type: ignore[attr-defined]
                return d.id, d.engineer, d.channel_index, compose(d.incident, d.level)
    return None


def _send(store: Store, delivery_id: int, url: str, page: Page, sender: Sender,
          at: datetime) -> bool:
    waits = (0.0, *sender.backoff)
    for attempt, wait in enumerate(waits, start=1):
        if wait:
            sender.sleep(wait)
        try:
            why = sender.notifier.send(url, page.title, page.body)
        except Exception as e:  # a broken channel must not stop the other pages
            why = f"{type(e).__name__}: {e}"
        error = None if why is None else scrub(why, url)
        _write(store, delivery_id, at, error=error, final=why is None or attempt == len(waits))
        if why is None:
            return True
    return False


def _write(store: Store, delivery_id: int, at: datetime, *, error: str | None,
           final: bool) -> None:
    """One attempt's outcome: `sent`, still `pending` (a retry follows), or `failed`."""
    with store.transaction() as session:
        d = session.get_one(PageDelivery, delivery_id)
        d.attempts += 1
        d.error = error
        d.at = at
        d.status = "sent" if error is None else ("failed" if final else "pending")
        if d.status != "pending":
            _audit(session, at, PageDelivered(d.incident_id, d.id, d.engineer, d.channel,
                                              d.status, d.attempts, d.error))


def delivered(incident: Incident) -> bool:
    """Whether the level paged last reached its engineer on at least one channel."""
    return any(d.status == "sent" and d.level == incident.level for d in incident.deliveries)


def deliveries_json(incident: Incident) -> list[dict[str, Any]]:
    return [{"engineer": d.engineer, "channel": d.channel, "status": d.status,
             "at": aware(d.at).isoformat(), "level": d.level, "attempts": d.attempts,
             "error": d.error} for d in incident.deliveries]
