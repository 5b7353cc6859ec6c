"""Tables of incidents: each incident and every attempt to page someone about it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipesteward.store.base import Base


class Incident(Base):
    """A failure that needs a person: open, acknowledged, resolved; one per key while open."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(256), index=True)  # check:pipeline:partition
    check_id: Mapped[str] = mapped_column(String(64))
    pipeline: Mapped[str] = mapped_column(String(64), index=True)
    partition: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    responder: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    message: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    # Paging (migration 0005): the chain fixed when it opened, the level paged last and when.
    escalation: Mapped[list | None] = mapped_column(JSON)  # [{level, engineer, page_at}]
    level: Mapped[int] = mapped_column(Integer, default=0)  # 0: nobody paged
    paged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deliveries: Mapped[list[PageDelivery]] = relationship(
        back_populates="incident", lazy="selectin", order_by="PageDelivery.id")


class PageDelivery(Base):
    """One attempt to page one engineer about one incident on one of their notify channels.

    Written `pending` before anything is sent, claimed by the one process that sends it, then
    `sent` or `failed`. The channel is kept
    masked (notify URLs carry secrets); `channel_index` finds the URL in the spec again."""

    __tablename__ = "page_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    engineer: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(256))  # masked URL
    channel_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # last change
    # The process sending it (`host:pid`) and since when (migration 0007): one sender only.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    incident: Mapped[Incident] = relationship(back_populates="deliveries")


class IncidentNote(Base):
    """A note someone added to an incident (what they found, what they did)."""

    __tablename__ = "incident_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
