"""The on-call domain in test words: a team, its changes, and what must hold of it.

    team = example_team(unavailable=[unavailable("A", "2026-12-24", "2026-12-27", "Christmas")])
    assert_on_call(team, "2026-12-25 12:00", "A")
    assert_responds(team, "unit_profit", "2026-12-25 12:00", "B")
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache

from pipesteward.app import EXAMPLE_TEAM
from pipesteward.oncall.calendar import RawYear, package_year
from pipesteward.oncall.records import Layers
from pipesteward.oncall.responder import Response, respond
from pipesteward.oncall.rota import Rota
from pipesteward.oncall.team import answers, order_of, rota_of
from pipesteward.spec import OnCall, Override, Spec, Swap, Unavailable, parse_spec


@cache
def calendar_year(country: str, subdivision: str | None, year: int) -> RawYear:
    """The `holidays` package's answer, computed once per test session."""
    return package_year(country, subdivision, year)


@cache
def example_spec() -> Spec:
    path = EXAMPLE_TEAM / "steward.yaml"
    return parse_spec(path.read_text(encoding="utf-8"), str(path), {})


@dataclass
class Team:
    spec: Spec
    run_time: Layers = field(default_factory=Layers)

    @property
    def rota(self) -> Rota:
        return rota_of(self.spec, self.run_time, calendar_year)

    @property
    def tz(self):  # type: ignore[no-untyped-def]
        return self.spec.team.tz


def example_team(run_time: Layers | None = None, **oncall: object) -> Team:
    """The team document's team; `oncall` replaces keys of its on-call section."""
    spec = example_spec()
    if oncall:
        spec = spec.model_copy(update={"oncall": spec.oncall.model_copy(update=oncall)})
    return Team(spec, run_time or Layers())


def swap(engineer: str, week: str, with_: str, their_week: str) -> Swap:
    return Swap.model_validate({"engineer": engineer, "week": week, "with": with_,
                                "their_week": their_week})


def unavailable(engineer: str, start: str, end: str, reason: str | None = None) -> Unavailable:
    return Unavailable.model_validate({"engineer": engineer, "from": start, "to": end,
                                       "reason": reason})


def override(engineer: str, start: str, end: str, reason: str | None = None) -> Override:
    return Override.model_validate({"engineer": engineer, "from": start, "to": end,
                                    "reason": reason})


def local(team: Team, text: str) -> datetime:
    """'2026-12-25 12:00' in the team's time zone, as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=team.tz).astimezone(UTC)


def day(text: str) -> date:
    return date.fromisoformat(text)


def on_call(team: Team, when: str) -> str:
    return team.rota.on_call(local(team, when)).engineer


def assert_on_call(team: Team, when: str, engineer: str) -> None:
    actual = on_call(team, when)
    assert actual == engineer, f"at {when} {actual} is on call, expected {engineer}"


def response(team: Team, pipeline: str, when: str) -> Response:
    return respond(team.rota, team.spec.pipeline(pipeline), local(team, when),
                   order_of(team.spec))


def assert_responds(team: Team, pipeline: str, when: str, engineer: str) -> Response:
    r = response(team, pipeline, when)
    assert r.responder == engineer, (
        f"{pipeline} at {when}: {r.responder} responds, expected {engineer}; why: {r.reasons}"
    )
    return r


def escalation_of(team: Team, pipeline: str, when: str) -> list[str]:
    [(_, levels)] = answers(team.spec, team.rota, local(team, when), pipeline)
    return [lv.engineer for lv in levels]


def with_oncall(spec: Spec, **changes: object) -> Spec:
    oc: OnCall = spec.oncall.model_copy(update=changes)
    return spec.model_copy(update={"oncall": oc})
