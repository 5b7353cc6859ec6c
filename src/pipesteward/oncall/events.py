"""On-call events: typed values written to the audit log (action, subject, detail).

Each event is a small declared value of the same shape (its fields, `action`, `subject`,
`detail`): alike by nature, one class a kind of entry in the log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipesteward.oncall.records import Absence, OverrideRecord, SwapRecord


def _span(r: Absence | OverrideRecord) -> dict[str, Any]:
    return {"engineer": r.engineer, "from": r.start.isoformat(), "to": r.end.isoformat(),
            "reason": r.reason}


def _swap(s: SwapRecord) -> dict[str, Any]:
    return {"engineer": s.engineer, "week": s.week.isoformat(), "with": s.with_,
            "their_week": s.their_week.isoformat()}


@dataclass(frozen=True)
class _SwapEvent:
    """What every swap event says: the swap's id and its weeks."""

    id: int
    swap: SwapRecord

    def subject(self) -> str:
        return f"swap:{self.id}"

    def detail(self) -> dict[str, Any]:
        return _swap(self.swap)


@dataclass(frozen=True)
class SwapRequested(_SwapEvent):
    """An engineer asked another to exchange two weeks."""

    action = "oncall.swap_requested"


@dataclass(frozen=True)
class SwapAccepted(_SwapEvent):
    """The other engineer accepted a swap; it now applies."""

    action = "oncall.swap_accepted"


@dataclass(frozen=True)
class SwapDeclined(_SwapEvent):
    """The engineer asked turned a swap request down; it never applies."""

    action = "oncall.swap_declined"


@dataclass(frozen=True)
class SwapCancelled(_SwapEvent):
    """The engineer who asked withdrew a swap request before it was accepted."""

    action = "oncall.swap_cancelled"


@dataclass(frozen=True)
class PlanApplied:
    """The holiday-fairness plan of a year was applied: its swaps are recorded."""

    year: int
    ids: list[int]
    swaps: list[SwapRecord]
    action = "oncall.plan_applied"

    def subject(self) -> str:
        return f"plan:{self.year}"

    def detail(self) -> dict[str, Any]:
        return {"year": self.year, "swap_ids": self.ids, "swaps": [_swap(s) for s in self.swaps]}


@dataclass(frozen=True)
class UnavailabilityRecorded:
    """An engineer is unavailable for some days."""

    id: int
    absence: Absence
    action = "oncall.unavailable_added"

    def subject(self) -> str:
        return f"unavailable:{self.id}"

    def detail(self) -> dict[str, Any]:
        return _span(self.absence)


@dataclass(frozen=True)
class UnavailabilityRemoved(UnavailabilityRecorded):
    """A recorded unavailability was taken back (its subject and detail as when recorded)."""

    action = "oncall.unavailable_removed"


@dataclass(frozen=True)
class OverrideRecorded:
    """Someone covers on call for a stretch of time, whoever the rotation says."""

    id: int
    override: OverrideRecord
    action = "oncall.override_added"

    def subject(self) -> str:
        return f"override:{self.id}"

    def detail(self) -> dict[str, Any]:
        return _span(self.override)


@dataclass(frozen=True)
class OverrideRemoved(OverrideRecorded):
    """A recorded override was taken back (its subject and detail as when recorded)."""

    action = "oncall.override_removed"


@dataclass(frozen=True)
class YearClosed:
    """A year's holiday burdens were written to the ledger."""

    year: int
    burdens: dict[str, int]
    action = "oncall.year_closed"

    def subject(self) -> str:
        return f"ledger:{self.year}"

    def detail(self) -> dict[str, Any]:
        return {"year": self.year, "burdens": dict(self.burdens)}
