"""The team spec (`steward.yaml`): typed models, parsing with line numbers, whole-spec validation.

`parse_spec` is pure (text in, spec or SpecError out); `load_spec` is the edge that reads the file
and the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from pipesteward.errors import NotFound, UserError
from pipesteward.spec_reader import MAX_VALUES, Path_, Reader, TooLarge

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


class Volume(_Model):
    """`contracts.volume`: a source partition's rows and money sums against the same weekday
    of recent weeks (docs/contracts.md)."""

    weeks: int = Field(default=4, ge=1)
    min_weeks: int = Field(default=3, ge=2)
    warn: float = Field(default=5.0, gt=0)
    error: float = Field(default=8.0, gt=0)
    floor: float = Field(default=0.1, gt=0)


class Contracts(_Model):
    volume: Volume = Volume()


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
    contracts: Contracts = Contracts()
    review: Review = Review()
    # Where the spec was read from; relative paths resolve against its folder.
    path: Path | None = Field(None, exclude=True)
    # Where each value was written, for problems found after parsing (`pipesteward.validate`).
    _lines: dict[Path_, int] = PrivateAttr(default_factory=dict)
    _file: str = PrivateAttr(default="steward.yaml")
    _secrets: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def pipeline(self, pipeline_id: str) -> Pipeline:
        for p in self.pipelines:
            if p.id == pipeline_id:
                return p
        raise KeyError(pipeline_id)

    def known_pipeline(self, pipeline_id: str) -> Pipeline:
        """The pipeline, or NotFound naming the pipelines there are."""
        try:
            return self.pipeline(pipeline_id)
        except KeyError:
            ids = ", ".join(p.id for p in self.pipelines)
            raise NotFound(f"unknown pipeline '{pipeline_id}'; the pipelines are {ids}") from None

    def engineer_ids(self) -> list[str]:
        return [e.id for e in self.team.engineers]

    def problem(self, path: Path_, message: str) -> Problem:
        """A problem at `path` (e.g. ("compute", "memory_limit")), with its file and line;
        values read from the environment are not printed."""
        return Problem(self._file, _line(path, self._lines), _key(path),
                       _redact(message, self._secrets))


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


def _substitute(data: Any, env: Mapping[str, str], path: Path_, missing: list[Path_],
                secrets: dict[str, str]) -> Any:
    """Replace `${NAME}` from `env`; `secrets` maps each substituted value to what was written,
    so that no message prints the value."""
    if isinstance(data, dict):
        return {k: _substitute(v, env, path + (k,), missing, secrets) for k, v in data.items()}
    if isinstance(data, list):
        return [_substitute(v, env, path + (i,), missing, secrets) for i, v in enumerate(data)]
    if isinstance(data, str) and "${" in data:

        def repl(m: re.Match[str]) -> str:
            if m.group(1) not in env:
                missing.append(path + (m.group(1),))
                return ""
            return env[m.group(1)]

        value = _ENV.sub(repl, data)
        if value != data:
            secrets[value] = data
        return value
    return data


def _redact(message: str, secrets: Mapping[str, str]) -> str:
    # Longest first, so a value that contains another is hidden whole. Values under three
    # characters are not secrets and would blank out ordinary words.
    for value in sorted(secrets, key=len, reverse=True):
        if len(value) >= 3:
            message = message.replace(value, secrets[value])
    return message


_ALIASES = {"from_": "from", "with_": "with"}


def _compose(text: str, filename: str) -> Any:
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
    return raw


def parse_spec(
    text: str, filename: str = "steward.yaml", env: Mapping[str, str] | None = None
) -> Spec:
    """Parse and validate a whole spec; raise SpecError listing every problem."""
    raw = _compose(text, filename)
    reader = Reader()
    try:
        data = reader.plain(raw)
    except TooLarge:
        msg = (f"the spec expands to more than {MAX_VALUES} values (YAML aliases repeated "
               "inside each other); write the values out")
        raise SpecError([Problem(filename, 1, "", msg)]) from None
    lines = reader.lines
    problems = [Problem(filename, line, _key(p), msg) for p, line, msg in reader.problems]
    missing: list[Path_] = []
    secrets: dict[str, str] = {}
    data = _substitute(data, env or {}, (), missing, secrets)
    problems += [
        Problem(
            filename,
            _line(p[:-1], lines),
            _key(p[:-1]),
            f"environment variable {p[-1]} is not set; export it or write the value",
        )
        for p in missing
    ]
    # A value already refused (by the reader, or for a missing variable) is not reported again
    # by the checks that follow.
    told = [p for p, _, _ in reader.problems] + [p[:-1] for p in missing]
    spec, schema_errors, pruned = _validate(data)
    for loc, msg in schema_errors:
        if not _under(loc, told):
            problems.append(Problem(filename, _line(loc, lines), _key(loc), msg))
    if spec is not None:
        # Cross-references are checked even when some values were refused above (those values
        # were dropped for this pass), so one run of `validate` lists every problem.
        for p, msg in semantic_problems(spec, _raw_engineer_ids(data), pruned.removed):
            p = _original(p, pruned)
            if not _under(p, pruned.removed + told):
                problems.append(Problem(filename, _line(p, lines), _key(p), msg))
    if problems:
        problems = [Problem(x.file, x.line, x.key, _redact(x.message, secrets)) for x in problems]
        raise SpecError(sorted(problems, key=lambda x: (x.line or 0)))
    assert spec is not None
    spec._lines, spec._file, spec._secrets = lines, filename, secrets
    return spec


def _under(path: Path_, prefixes: Collection[Path_]) -> bool:
    return any(path[: len(q)] == q for q in prefixes)


@dataclass
class _Pruned:
    """What a partial validation dropped: paths (as written) and, per list, the original index of
    each item that is left."""

    removed: list[Path_]
    index: dict[Path_, list[int]]


def _validate(data: dict[str, Any]) -> tuple[Spec | None, list[tuple[Path_, str]], _Pruned]:
    """The spec, or the spec without its refused values (None if a required section is refused),
    and every schema error, as (path as written, message)."""
    import copy

    pruned = _Pruned([], {})
    try:
        return Spec.model_validate(data), [], pruned
    except ValidationError as e:
        first = e.errors()
    errors = [(_loc(err), _message(err)) for err in first]
    work = copy.deepcopy(data)
    for _ in range(50):  # each round drops at least one value; a spec has few bad ones
        try:
            return Spec.model_validate(work), errors, pruned
        except ValidationError as e:
            again = e.errors()
        for loc in dict.fromkeys(_loc(err) for err in again):
            if not _drop(work, loc, pruned):
                return None, errors, pruned
    return None, errors, pruned


def _loc(err: Any) -> Path_:
    return tuple(_ALIASES.get(x, x) if isinstance(x, str) else x for x in err["loc"])


def _drop(data: Any, loc: Path_, pruned: _Pruned) -> bool:
    """Remove the deepest value on `loc` that exists (for a missing key, the mapping that lacks
    it); False when nothing but the whole spec is left to remove."""
    node: Any = data
    path: Path_ = ()
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        path = path + (part,)
    if not path:
        return False
    pruned.removed.append(_original(path, pruned))
    parent = _get(data, path[:-1])
    if isinstance(parent, list):
        pruned.index.setdefault(path[:-1], list(range(len(parent)))).pop(int(path[-1]))
    del parent[path[-1]]
    return True


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _original(path: Path_, pruned: _Pruned) -> Path_:
    """A path after items were dropped from lists, as written in the file."""
    out: Path_ = ()
    for part in path:
        if isinstance(part, int) and out in pruned.index and part < len(pruned.index[out]):
            part = pruned.index[out][part]
        out = out + (part,)
    return out


def _raw_engineer_ids(data: Any) -> set[str]:
    """Engineer ids as written, even of an engineer entry refused for another of its values."""
    team = data.get("team") if isinstance(data, dict) else None
    engineers = team.get("engineers") if isinstance(team, dict) else None
    if not isinstance(engineers, list):
        return set()
    return {e["id"] for e in engineers if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required; add it"
    if kind == "extra_forbidden":
        return "is not a known key; remove it or check its spelling"
    if kind.startswith(("date_", "datetime_")) and isinstance(err.get("input"), str):
        # `2025-02-30`: YAML leaves an impossible date as text; say which value and why.
        reason = str(err.get("ctx", {}).get("error", "")) or "not a date"
        example = "2026-12-24" if kind.startswith("date_") else "2026-07-03T00:00"
        return f"'{err['input']}' is not a valid {kind.split('_')[0]} ({reason}); write one " \
            f"like {example}"
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def semantic_problems(
    spec: Spec, known_ids: Collection[str] = (), unsure: Collection[Path_] = ()
) -> list[tuple[Path_, str]]:
    """Cross-reference checks the schema cannot express, as (path, message) pairs.

    `known_ids` are engineer ids written in entries the schema refused, `unsure` the paths of
    values it refused: checks that would rest on a default in their place are skipped.
    """
    out: list[tuple[Path_, str]] = []
    ids = spec.engineer_ids()
    team = set(ids) | set(known_ids)
    known = ", ".join(dict.fromkeys(ids))

    def unknown(path: Path_, who: str, what: str = "engineer") -> None:
        out.append((path, f"unknown {what} '{who}'; use one of the team's engineers: {known}"))

    for i, eng in enumerate(spec.team.engineers):
        if ids.index(eng.id) != i:
            out.append((("team", "engineers", i, "id"), f"duplicate engineer id '{eng.id}'"))
    if spec.team.lead is not None and spec.team.lead not in team:
        unknown(("team", "lead"), spec.team.lead)
    for key, name in (("team", spec.team.timezone), ("reporting", spec.reporting.timezone)):
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            out.append(((key, "timezone"),
                        f"unknown time zone '{name}'; use an IANA name like Europe/Paris"))

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
    try:
        tz = ZoneInfo(spec.team.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")  # reported above; compare in UTC meanwhile
    if not oc.rotation:
        out.append((("oncall", "rotation"), "the rotation is empty; list the engineers in order"))
    for i, who in enumerate(oc.rotation):
        if who not in team:
            unknown(("oncall", "rotation", i), who)
        elif oc.rotation.index(who) != i:
            out.append((("oncall", "rotation", i), f"{who} is already in the rotation (item "
                        f"{oc.rotation.index(who) + 1}); name each engineer once"))
    weeks_known = not any(p[:2] == ("oncall", k) for p in unsure
                          for k in ("rotation", "start", "shift_days"))
    out += _holiday_problems(oc.holidays)
    for i, s in enumerate(oc.swaps):
        base = ("oncall", "swaps", i)
        for key, who in (("engineer", s.engineer), ("with", s.with_)):
            if who not in team:
                unknown(base + (key,), who)
        if s.engineer == s.with_:
            out.append((base + ("with",), "a swap needs two different engineers"))
        for key, who, week in (("week", s.engineer, s.week), ("their_week", s.with_, s.their_week)):
            if not weeks_known:
                break
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
            if _instant(entry.to, tz) < _instant(entry.from_, tz):
                out.append((("oncall", group, i, "to"), "'to' is before 'from'"))
    for i, p in enumerate(spec.pipelines):
        if p.runbook and not _inside(p.runbook):
            out.append((("pipelines", i, "runbook"), f"'{p.runbook}' is outside the project; "
                        "write a path relative to the spec's folder, such as runbooks/x.md"))
    return out


def _instant(value: date | datetime, tz: ZoneInfo) -> datetime:
    """A `from`/`to` value comparable with any other: a date is its midnight, a time without an
    offset is local to the team's zone."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _inside(relative: str) -> bool:
    """Whether a path written in the spec stays within the spec's folder (checked on the text:
    the spec is parsed without touching the disk)."""
    parts = PurePosixPath(relative.replace("\\", "/"))
    if parts.is_absolute() or re.match(r"^[A-Za-z]:", relative):
        return False
    depth = 0
    for part in parts.parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            return False
    return True


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
