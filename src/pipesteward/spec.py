"""The team spec (`steward.yaml`): typed models, parsing with line numbers, whole-spec validation.

`parse_spec` is pure (text in, spec or SpecError out); `load_spec` is the edge that reads the file
and the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipesteward.errors import UserError

# --------------------------------------------------------------------------- models


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Engineer(_Model):
    id: str
    name: str
    email: str
    notify: list[str] = []


class Team(_Model):
    timezone: str = "America/New_York"
    lead: str | None = None
    engineers: list[Engineer]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def engineer(self, engineer_id: str) -> Engineer:
        return next(e for e in self.engineers if e.id == engineer_id)


class Pipeline(_Model):
    id: str
    name: str
    domain: str
    audience: Literal["experiments", "investors"]
    primary: str
    secondary: str
    runbook: str | None = None
    reviewed: date | None = None  # when its runbook was last reviewed

    def owners(self) -> tuple[str, str]:
        return (self.primary, self.secondary)


class HolidayExtra(_Model):
    date: date
    name: str


class Holidays(_Model):
    country: str = "US"
    subdivision: str | None = None
    extra: list[HolidayExtra] = []
    exclude: list[date] = []
    weights: dict[str, int] = {}


class Escalation(_Model):
    ack_timeout_minutes: int = Field(default=15, gt=0)


class Swap(_Model):
    engineer: str
    week: date
    with_: str = Field(alias="with")
    their_week: date


class Unavailable(_Model):
    engineer: str
    from_: date = Field(alias="from")
    to: date
    reason: str | None = None


class Override(_Model):
    engineer: str
    from_: datetime = Field(alias="from")
    to: datetime
    reason: str | None = None


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _hhmm(value: Any) -> Any:
    if isinstance(value, int):  # YAML 1.1 reads 10:00 unquoted as sexagesimal 600
        value = f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and not _HHMM.match(value):
        raise ValueError(f"'{value}' is not a local time HH:MM (e.g. \"10:00\")")
    return value


class OnCall(_Model):
    rotation: list[str]
    start: date
    handoff: str = "10:00"
    shift_days: int = Field(default=7, gt=0)
    holidays: Holidays = Holidays()
    escalation: Escalation = Escalation()
    swaps: list[Swap] = []
    unavailable: list[Unavailable] = []
    overrides: list[Override] = []

    _check_handoff = field_validator("handoff", mode="before")(_hhmm)

    @property
    def handoff_time(self) -> time:
        hours, minutes = self.handoff.split(":")
        return time(int(hours), int(minutes))


class Storage(_Model):
    root: str = ".steward"
    lake: str | None = None
    database_url: str | None = None
    dagster_home: str | None = None


class Target(_Model):
    kind: Literal["files", "sql"]
    path: str | None = None
    url: str | None = None
    table: str = "investor_metrics"


class Reporting(_Model):
    timezone: str = "UTC"
    targets: list[Target] = [Target(kind="files", path="exports")]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Compute(_Model):
    """Engine settings; DuckDB limits let a large day spill instead of dying."""

    engine: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str | None = None  # e.g. "4GB"
    threads: int | None = None
    spark_master: str = "local[2]"


class Schedule(_Model):
    """When the daily run starts and by when its outputs must be in (local, team.timezone)."""

    run_at: str = "02:00"
    deadline: str = "06:00"

    _check_times = field_validator("run_at", "deadline", mode="before")(_hhmm)


class Review(_Model):
    period_days: int = Field(default=90, gt=0)


class Spec(_Model):
    team: Team
    pipelines: list[Pipeline]
    oncall: OnCall
    storage: Storage = Storage()
    reporting: Reporting = Reporting()
    compute: Compute = Compute()
    schedule: Schedule = Schedule()
    review: Review = Review()
    # Where the spec was read from; relative paths resolve against its folder.
    path: Path | None = Field(None, exclude=True)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def pipeline(self, pipeline_id: str) -> Pipeline:
        for p in self.pipelines:
            if p.id == pipeline_id:
                return p
        raise KeyError(pipeline_id)

    def engineer_ids(self) -> list[str]:
        return [e.id for e in self.team.engineers]


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class SpecError(UserError):
    """A spec that cannot be used; carries every problem found, each with file, line and key."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------- parsing

Path_ = tuple[str | int, ...]


def _plain(node: Any, path: Path_, lines: dict[Path_, int]) -> Any:
    """YAML nodes to plain Python, recording the 1-based line of each key and list item."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node))
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _plain(value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            items.append(_plain(item, path + (i,), lines))
        return items
    return _scalar(node)


def _scalar(node: Any) -> Any:
    import yaml

    # The safe constructor resolves the scalar's tag: int, bool, null, date, datetime, str.
    return yaml.SafeLoader("").construct_object(node)


def _key(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line(path: Path_, lines: dict[Path_, int]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _substitute(data: Any, env: Mapping[str, str], path: Path_, missing: list[Path_]) -> Any:
    if isinstance(data, dict):
        return {k: _substitute(v, env, path + (k,), missing) for k, v in data.items()}
    if isinstance(data, list):
        return [_substitute(v, env, path + (i,), missing) for i, v in enumerate(data)]
    if isinstance(data, str) and "${" in data:

        def repl(m: re.Match[str]) -> str:
            if m.group(1) not in env:
                missing.append(path + (m.group(1),))
                return ""
            return env[m.group(1)]

        return _ENV.sub(repl, data)
    return data


_ALIASES = {"from_": "from", "with_": "with"}


def parse_spec(
    text: str, filename: str = "steward.yaml", env: Mapping[str, str] | None = None
) -> Spec:
    """Parse and validate a whole spec; raise SpecError listing every problem."""
    import yaml

    try:
        # The C loader's node tree keeps every key's line; composing is fast enough for the
        # quick commands (`steward oncall who`), unlike a round-trip loader.
        raw = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = f"malformed YAML: {e.problem or e.context}"
        if e.context and e.context_mark and e.problem:
            msg += f" ({e.context} started on line {e.context_mark.line + 1})"
        msg += "; fix the syntax"
        raise SpecError([Problem(filename, line, "", msg)]) from None
    except yaml.YAMLError as e:
        raise SpecError([Problem(filename, None, "", f"malformed YAML: {e}")]) from None
    if not isinstance(raw, yaml.MappingNode):
        msg = "the spec must be a mapping with team, pipelines and oncall"
        raise SpecError([Problem(filename, 1, "", msg)])

    lines: dict[Path_, int] = {}
    data = _plain(raw, (), lines)
    missing: list[Path_] = []
    data = _substitute(data, env or {}, (), missing)
    problems = [
        Problem(
            filename,
            _line(p[:-1], lines),
            _key(p[:-1]),
            f"environment variable {p[-1]} is not set; export it or write the value",
        )
        for p in missing
    ]
    try:
        spec = Spec.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = tuple(_ALIASES.get(str(x), x) if isinstance(x, str) else x for x in err["loc"])
            problems.append(Problem(filename, _line(loc, lines), _key(loc), _message(err)))
        raise SpecError(problems) from None
    problems += [
        Problem(filename, _line(p, lines), _key(p), msg) for p, msg in semantic_problems(spec)
    ]
    if problems:
        raise SpecError(problems)
    return spec


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required; add it"
    if kind == "extra_forbidden":
        return "is not a known key; remove it or check its spelling"
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def semantic_problems(spec: Spec) -> list[tuple[Path_, str]]:
    """Cross-reference checks the schema cannot express, as (path, message) pairs."""
    out: list[tuple[Path_, str]] = []
    ids = spec.engineer_ids()
    team = set(ids)
    known = ", ".join(dict.fromkeys(ids))

    def unknown(path: Path_, who: str, what: str = "engineer") -> None:
        out.append((path, f"unknown {what} '{who}'; use one of the team's engineers: {known}"))

    for i, eng in enumerate(spec.team.engineers):
        if ids.index(eng.id) != i:
            out.append((("team", "engineers", i, "id"), f"duplicate engineer id '{eng.id}'"))
    if spec.team.lead is not None and spec.team.lead not in team:
        unknown(("team", "lead"), spec.team.lead)
    for key, tz in (("team", spec.team.timezone), ("reporting", spec.reporting.timezone)):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(
                ((key, "timezone"), f"unknown time zone '{tz}'; use an IANA name like Europe/Paris")
            )

    seen: set[str] = set()
    for i, p in enumerate(spec.pipelines):
        if p.id in seen:
            out.append((("pipelines", i, "id"), f"duplicate pipeline id '{p.id}'"))
        seen.add(p.id)
        for role in ("primary", "secondary"):
            who = getattr(p, role)
            if who not in team:
                unknown(("pipelines", i, role), who)
        if p.primary == p.secondary:
            out.append(
                (
                    ("pipelines", i, "secondary"),
                    f"'{p.id}' has {p.primary} as both primary and secondary owner; "
                    "name a different secondary",
                )
            )

    oc = spec.oncall
    if not oc.rotation:
        out.append((("oncall", "rotation"), "the rotation is empty; list the engineers in order"))
    for i, who in enumerate(oc.rotation):
        if who not in team:
            unknown(("oncall", "rotation", i), who)
    out += _holiday_problems(oc.holidays)
    for i, s in enumerate(oc.swaps):
        base = ("oncall", "swaps", i)
        for key, who in (("engineer", s.engineer), ("with", s.with_)):
            if who not in team:
                unknown(base + (key,), who)
        if s.engineer == s.with_:
            out.append((base + ("with",), "a swap needs two different engineers"))
        for key, who, week in (("week", s.engineer, s.week), ("their_week", s.with_, s.their_week)):
            on = base_engineer_of_week(oc, week)
            if on is None:
                out.append(
                    (base + (key,), f"{week} is not the start of a shift; weeks start on the "
                     f"handoff date ({oc.start} + a multiple of {oc.shift_days} days)")
                )
            elif on != who:
                out.append((base + (key,), f"{who} is not on call the week of {week} ({on} is)"))
    for group in ("unavailable", "overrides"):
        for i, entry in enumerate(getattr(oc, group)):
            if entry.engineer not in team:
                unknown(("oncall", group, i, "engineer"), entry.engineer)
            if entry.to < entry.from_:
                out.append((("oncall", group, i, "to"), "'to' is before 'from'"))
    return out


def _holiday_problems(h: Holidays) -> list[tuple[Path_, str]]:
    import holidays as holidays_lib
    from holidays.registry import EntityLoader

    # The registry names every country without importing its module (list_supported_countries
    # imports all ~250 of them: 0.2 s, too slow for `steward oncall who`).
    if h.country not in set(EntityLoader.get_country_codes()):
        return [
            (
                ("oncall", "holidays", "country"),
                f"unknown holiday country '{h.country}'; use an ISO 3166 code such as US, GB, DE",
            )
        ]
    if h.subdivision is not None and h.subdivision not in getattr(
        holidays_lib, h.country
    ).subdivisions:
        return [
            (
                ("oncall", "holidays", "subdivision"),
                f"'{h.subdivision}' is not a subdivision of {h.country}",
            )
        ]
    return []


def base_engineer_of_week(oc: OnCall, week: date) -> str | None:
    """The rotation's engineer for the shift starting on `week`, or None if no shift starts then."""
    offset = (week - oc.start).days
    if offset % oc.shift_days or not oc.rotation:
        return None
    return oc.rotation[(offset // oc.shift_days) % len(oc.rotation)]


def load_spec(path: str | Path, env: Mapping[str, str] | None = None) -> Spec:
    """Read and validate the spec file (the edge: reads the file and the environment)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "file not found; pass --spec PATH or run `steward init DIR`"
        raise SpecError([Problem(str(p), None, "", msg)]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError([Problem(str(p), None, "", f"cannot read: {e}")]) from None
    spec = parse_spec(text, str(p), os.environ if env is None else env)
    return spec.model_copy(update={"path": p.resolve()})
