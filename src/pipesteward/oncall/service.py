"""The on-call service behind the facade (`Steward.oncall`): joins the spec, the run-time
records (read and written through what the facade gives it) and the holiday calendar, then
asks the pure core.

Time is always an argument (`at`, `as_of`); only the CLI and web edges read the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar

from pipesteward.errors import NotAllowed, NotFound, UserError
from pipesteward.oncall import view
from pipesteward.oncall.calendar import CalendarSource
from pipesteward.oncall.records import Absence, Layers, OverrideRecord, SwapRecord
from pipesteward.oncall.rota import Rota
from pipesteward.oncall.team import answers, rota_of
from pipesteward.spec import Spec

_Entry = TypeVar("_Entry")


class OnCallRecords(Protocol):
    """Where run-time on-call records are written (`store.oncall.OnCallStore`)."""

    def swap(self, swap_id: int) -> SwapRecord | None: ...
    def ledger(self) -> dict[int, dict[str, int]]: ...
    def request_swap(self, swap: SwapRecord, by: str, at: datetime) -> SwapRecord: ...
    def accept_swap(self, swap_id: int, by: str, at: datetime) -> SwapRecord: ...
    def close_swap(self, swap_id: int, status: str, by: str, at: datetime) -> SwapRecord: ...
    def absence(self, absence_id: int) -> Absence | None: ...
    def override(self, override_id: int) -> OverrideRecord | None: ...
    def remove_absence(self, absence_id: int, by: str, at: datetime) -> Absence: ...
    def remove_override(self, override_id: int, by: str, at: datetime) -> OverrideRecord: ...
    def record_swaps(self, swaps: list[SwapRecord], by: str, at: datetime,
                     year: int) -> list[int]: ...
    def add_absence(self, a: Absence, by: str, at: datetime) -> Absence: ...
    def add_override(self, o: OverrideRecord, by: str, at: datetime) -> OverrideRecord: ...
    def close_year(self, year: int, burdens: dict[str, int], by: str, at: datetime) -> None: ...


class OnCallService:
    def __init__(self, spec: Spec, layers: Callable[[], Layers], calendar: CalendarSource,
                 records: Callable[[], OnCallRecords]):
        self.spec = spec
        self.tz = spec.team.tz
        self._layers, self._calendar, self._records = layers, calendar, records

    # ------------------------------------------------------------------ inputs
    def rota(self) -> Rota:
        return rota_of(self.spec, self._layers(), self._calendar)

    @property
    def records(self) -> OnCallRecords:
        return self._records()

    def _engineer(self, engineer: str | None) -> None:
        ids = self.spec.engineer_ids()
        if engineer is not None and engineer not in ids:
            raise NotFound(f"unknown engineer '{engineer}'; the team is {', '.join(ids)}")

    def _actor(self, by: str | None, default: str) -> str:
        """Engineers act for themselves; the team lead for anyone."""
        by = by or default
        self._engineer(by)
        if by not in (default, self.spec.team.lead):
            raise NotAllowed(f"{by} cannot act for {default}; only {default} or the team lead "
                             "can")
        return by

    def ledger_before(self, year: int) -> dict[str, int]:
        total: dict[str, int] = {}
        for y, burdens in self.records.ledger().items():
            if y < year:
                for e, b in burdens.items():
                    total[e] = total.get(e, 0) + b
        return total

    # ------------------------------------------------------------------ questions
    def who(self, at: datetime, pipeline: str | None = None) -> dict[str, Any]:
        if pipeline is not None:
            self.spec.known_pipeline(pipeline)
        rota = self.rota()
        return view.who(rota, at, answers(self.spec, rota, at, pipeline),
                        self.spec.oncall.escalation.ack_timeout_minutes)

    def segments(self, start: date, end: date, engineer: str | None = None) -> tuple[Rota, list]:
        self._engineer(engineer)
        if end < start:
            raise UserError(f"--to {end} is before --from {start}")
        rota = self.rota()
        begin = datetime.combine(start, time(0), tzinfo=self.tz).astimezone(UTC)
        finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=self.tz).astimezone(UTC)
        segs = [s for s in rota.segments(begin, finish) if engineer in (None, s.engineer)]
        return rota, segs

    def schedule(self, start: date, end: date, engineer: str | None = None) -> dict[str, Any]:
        rota, segs = self.segments(start, end, engineer)
        return {"shifts": [view.segment(s, rota) for s in segs]}

    def ical(self, start: date, end: date, stamp: datetime, engineer: str | None = None) -> bytes:
        from pipesteward.oncall.ical import feed

        _, segs = self.segments(start, end, engineer)
        name = f"On call: {engineer}" if engineer else "On call"
        return feed(segs, self.tz, stamp, name)

    def holidays(self, year: int) -> list[dict[str, Any]]:
        """The team's holidays of a year, each with its weight and who carries it."""
        rota = self.rota()
        return [{"date": h.date.isoformat(), "name": h.name, "weight": h.weight,
                 "observed": h.observed.isoformat() if h.observed else None,
                 "on_call": rota.holiday_owner(h)} for h in rota.calendar.year(year)]

    def fairness(self, year: int) -> dict[str, Any]:
        """Shifts and holiday burden per engineer in a year, with the ledger and a score."""
        from pipesteward.oncall import review as review_

        return review_.fairness(self.rota(), year, self.spec.engineer_ids(),
                                self.ledger_before(year))

    def review(self, as_of: date) -> dict[str, Any]:
        from pipesteward.oncall import review as review_

        rota = self.rota()
        engineers = self.spec.engineer_ids()
        return {
            "as_of": as_of.isoformat(),
            "ownership": review_.ownership(self.spec),
            "single_points_of_failure": review_.single_points_of_failure(self.spec),
            "fairness": review_.fairness(rota, as_of.year, engineers,
                                         self.ledger_before(as_of.year)),
            "runbooks_past_review": review_.stale_runbooks(self.spec, as_of),
        }

    # ------------------------------------------------------------------ holiday fairness
    def plan(self, year: int, at: datetime, apply: bool = False,
             by: str | None = None) -> dict[str, Any]:
        from pipesteward.oncall.planner import plan
        from pipesteward.oncall.swaps import check_request

        rota = self.rota()
        p = plan(rota, year, self.spec.engineer_ids(), self.ledger_before(year), at)
        out = view.plan(p)
        out["applied"] = []
        if apply and p.swaps:
            actor = by or self.spec.team.lead or "steward"
            for s in p.swaps:
                check_request(rota, s, at, self.spec.engineer_ids())
            out["applied"] = self.records.record_swaps(list(p.swaps), actor, at, year)
        return out

    def close_year(self, year: int, at: datetime, by: str | None = None) -> dict[str, Any]:
        end = datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=self.tz)
        if at < end:
            raise UserError(f"{year} has not ended yet; close it from {year + 1}-01-01 on")
        burdens = self.rota().burdens(year, self.spec.engineer_ids())
        self.records.close_year(year, burdens, by or self.spec.team.lead or "steward", at)
        return {"year": year, "burdens": burdens}

    # ------------------------------------------------------------------ swaps
    def request_swap(self, engineer: str, week: date, with_: str, their_week: date,
                     at: datetime, by: str | None = None) -> dict[str, Any]:
        from pipesteward.oncall.swaps import check_request

        swap = SwapRecord(engineer, week, with_, their_week, source="store", status="requested")
        check_request(self.rota(), swap, at, self.spec.engineer_ids())
        actor = self._actor(by, engineer)
        return view.swap_record(self.records.request_swap(swap, actor, at))

    def accept_swap(self, swap_id: int, at: datetime, by: str | None = None) -> dict[str, Any]:
        from pipesteward.oncall.swaps import check_accept

        records = self.records
        swap = records.swap(swap_id)
        if swap is None:
            raise NotFound(f"no swap {swap_id}; see `steward oncall swap list`")
        by = by or swap.with_
        self._engineer(by)
        check_accept(self.rota(), swap, by, at, self.spec.team.lead, self.spec.engineer_ids())
        return view.swap_record(records.accept_swap(swap_id, by, at))

    def close_swap(self, swap_id: int, status: str, at: datetime,
                   by: str | None = None) -> dict[str, Any]:
        """Decline (the engineer asked) or cancel (the one who asked) a swap request."""
        from pipesteward.oncall.swaps import check_close

        records = self.records
        swap = records.swap(swap_id)
        if swap is None:
            raise NotFound(f"no swap {swap_id}; see `steward oncall swap list`")
        by = by or (swap.with_ if status == "declined" else swap.engineer)
        self._engineer(by)
        check_close(swap, status, by, self.spec.team.lead)
        return view.swap_record(records.close_swap(swap_id, status, by, at))

    def swaps(self) -> dict[str, Any]:
        rota = self.rota()
        stale = set(map(id, rota.stale_swaps))
        rows = [dict(view.swap_record(s), stale=id(s) in stale) for s in rota.layers.swaps]
        rows += [dict(view.swap_record(s), stale=False) for s in rota.layers.pending]
        return {"swaps": rows}

    # ------------------------------------------------------------------ unavailability, overrides
    def add_unavailable(self, engineer: str, start: date, end: date, reason: str | None,
                        at: datetime, by: str | None = None) -> dict[str, Any]:
        self._engineer(engineer)
        if end < start:
            raise UserError(f"--to {end} is before --from {start}")
        actor = self._actor(by, engineer)
        return view.absence(self.records.add_absence(Absence(engineer, start, end, reason),
                                                     actor, at))

    def remove_unavailable(self, absence_id: int, at: datetime,
                           by: str | None = None) -> dict[str, Any]:
        a = _recorded(self.records.absence(absence_id), f"unavailability {absence_id}",
                      "unavailable")
        actor = self._actor(by, a.engineer)
        return view.absence(self.records.remove_absence(absence_id, actor, at))

    def unavailable(self) -> dict[str, Any]:
        return {"unavailable": [view.absence(a) for a in self.rota().layers.absences]}

    def add_override(self, engineer: str, start: datetime, end: datetime, reason: str | None,
                     at: datetime, by: str | None = None) -> dict[str, Any]:
        self._engineer(engineer)
        if end <= start:
            raise UserError("an override must end after it starts")
        actor = self._actor(by, engineer)
        o = self.records.add_override(OverrideRecord(engineer, start, end, reason), actor, at)
        return view.override(o, self.rota())

    def remove_override(self, override_id: int, at: datetime,
                        by: str | None = None) -> dict[str, Any]:
        o = _recorded(self.records.override(override_id), f"override {override_id}", "override")
        actor = self._actor(by, o.engineer)
        return view.override(self.records.remove_override(override_id, actor, at), self.rota())

    def overrides(self) -> dict[str, Any]:
        rota = self.rota()
        return {"overrides": [view.override(o, rota) for o in rota.layers.overrides]}


def _recorded(entry: _Entry | None, what: str, command: str) -> _Entry:
    """An entry of the store, or NotFound naming the list that shows the ids to remove."""
    if entry is None:
        raise NotFound(f"no recorded {what}; see `steward oncall {command} list` (entries from "
                       "steward.yaml are removed there)")
    return entry
