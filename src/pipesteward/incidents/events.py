"""Paging events: typed values written to the audit log (action, subject, detail)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Paged:
    """An escalation level was paged: its deliveries are recorded, pending, before any send."""

    incident: int
    engineer: str
    level: int
    channels: list[str]  # masked
    action = "incident.paged"

    def subject(self) -> str:
        return str(self.incident)

    def detail(self) -> dict[str, Any]:
        return {"engineer": self.engineer, "level": self.level, "channels": self.channels,
                **({} if self.channels else {"undelivered": "no notify URLs"})}


@dataclass(frozen=True)
class PageDelivered:
    """A page reached one channel, or failed its last attempt there."""

    incident: int
    delivery: int
    engineer: str
    channel: str  # masked
    status: str  # sent | failed
    attempts: int
    error: str | None

    @property
    def action(self) -> str:
        return f"page.{self.status}"

    def subject(self) -> str:
        return str(self.incident)

    def detail(self) -> dict[str, Any]:
        return {"delivery": self.delivery, "engineer": self.engineer, "channel": self.channel,
                "attempts": self.attempts, "error": self.error}
