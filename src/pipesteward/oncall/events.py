"""On-call events: typed values written to the audit log (action, subject, detail)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipesteward.oncall.records import Absence, OverrideRecord, SwapRecord


def _swap(s: SwapRecord) -> dict[str, Any]:
    return {"engineer": s.engineer, "week": s.week.isoformat(), "with": s.with_,
            "their_week": s.their_week.isoformat()}


@dataclass(frozen=True)
class SwapRequested:
    """An engineer asked another to exchange two weeks."""

    id: int
    swap: SwapRecord
    action = "oncall.swap_requested"

    def subject(self) -> str:
        return f"swap:{self.id}"

    def detail(self) -> dict[str, Any]:
        return _swap(self.swap)


@dataclass(frozen=True)
class SwapAccepted:
    """The other engineer accepted a swap; it now applies."""

    id: int
    swap: SwapRecord
    action = "oncall.swap_accepted"

    def subject(self) -> str:
        return f"swap:{self.id}"

    def detail(self) -> dict[str, Any]:
        return _swap(self.swap)


@dataclass(frozen=True)
class SwapDeclined:
    """The engineer asked turned a swap request down; it never applies."""

    id: int
    swap: SwapRecord
    action = "oncall.swap_declined"

    def subject(self) -> str:
        return f"swap:{self.id}"

    def detail(self) -> dict[str, Any]:
        return _swap(self.swap)


@dataclass(frozen=True)
class SwapCancelled:
    """The engineer who asked withdrew a swap request before it was accepted."""

    id: int
    swap: SwapRecord
    action = "oncall.swap_cancelled"

    def subject(self) -> str:
        return f"swap:{self.id}"

    def detail(self) -> dict[str, Any]:
        return _swap(self.swap)


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
        a = self.absence
        return {"engineer": a.engineer, "from": a.start.isoformat(), "to": a.end.isoformat(),
                "reason": a.reason}


@dataclass(frozen=True)
class UnavailabilityRemoved:
    """A recorded unavailability was taken back."""

    id: int
    absence: Absence
    action = "oncall.unavailable_removed"

    def subject(self) -> str:
        return f"unavailable:{self.id}"

    def detail(self) -> dict[str, Any]:
        return UnavailabilityRecorded(self.id, self.absence).detail()


@dataclass(frozen=True)
class OverrideRecorded:
    """Someone covers on call for a stretch of time, whoever the rotation says."""

    id: int
    override: OverrideRecord
    action = "oncall.override_added"

    def subject(self) -> str:
        return f"override:{self.id}"

    def detail(self) -> dict[str, Any]:
        o = self.override
        return {"engineer": o.engineer, "from": o.start.isoformat(), "to": o.end.isoformat(),
                "reason": o.reason}


@dataclass(frozen=True)
class OverrideRemoved:
    """A recorded override was taken back."""

    id: int
    override: OverrideRecord
    action = "oncall.override_removed"

    def subject(self) -> str:
        return f"override:{self.id}"

    def detail(self) -> dict[str, Any]:
        return OverrideRecorded(self.id, self.override).detail()


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
