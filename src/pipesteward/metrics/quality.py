"""Source partitions against their contract and their own history, and the quarantine.

A partition's profile (rows, money sums, the rows breaking each rule of `metrics.contract`, a
few of them) is computed on the run's engine with one query per table for every partition
not profiled yet, and kept under `<lake>/_quality/profiles/` keyed by the partition's files
(name, size, mtime): a re-delivered file is profiled again, an unchanged one never.
The volume verdict compares the profile with the same weekday of the last weeks.

A partition is quarantined when it breaks its contract or its volume is an ERROR, unless an
engineer accepted it (`steward data accept`, kept in `<lake>/_quality/accepted/` for the
files accepted; a re-delivery needs a new acceptance). A quarantined partition is not read.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipesteward.days import days_between
from pipesteward.metrics.contract import (
    CONTRACTS,
    PARTITION,
    VolumeSettings,
    profile_sql,
    robust_score,
    rules,
    sample_sql,
)
from pipesteward.metrics.engines import Engine
from pipesteward.metrics.sources import (
    Relation,
    data_files,
    partition_days,
    partition_dir,
    schema_problem,
    source_root,
)

SAMPLE = 5  # offending rows kept per rule
VERSION = 1  # of the profile format; a change re-profiles everything


@dataclass(frozen=True)
class Violation:
    rule: str  # not_null:revenue, accepted:status, unique:order_id,loaded_at, schema:..., ...
    column: str | None
    rows: int
    requirement: str
    sample: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Profile:
    table: str
    day: date
    fingerprint: str
    files: list[str]
    rows: int
    sums: dict[str, float]
    violations: list[Violation]
    nonzero: dict[str, int] = field(default_factory=dict)  # non-zero amounts per money column

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["version"] = VERSION
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> Profile:
        return Profile(data["table"], date.fromisoformat(data["day"]), data["fingerprint"],
                       data["files"], data["rows"], data["sums"],
                       [Violation(**v) for v in data["violations"]], data.get("nonzero", {}))


@dataclass(frozen=True)
class Volume:
    """The volume verdict: level ok | warn | error | history (too little to compare) |
    unreadable (the files break the contract's schema)."""

    table: str
    day: date
    level: str
    rows: int
    history: list[str]  # the same-weekday days compared with
    scores: dict[str, dict[str, float]]  # metric -> value, median, score
    empty: bool = False


@dataclass(frozen=True)
class Acceptance:
    fingerprint: str
    reason: str
    by: str
    at: str


def fingerprint(folder: Path) -> str:
    """The partition's files as they are now (a re-delivery changes it)."""
    parts = []
    for f in data_files(folder):
        st = f.stat()
        parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


class Quality:
    """Profiles, volume verdicts, acceptances and quarantine for the sources of one lake."""

    def __init__(self, lake: Path, engine: Callable[[], Engine],
                 volume: VolumeSettings | None = None):
        self.lake = Path(lake)
        self._engine = engine
        self.settings = volume or VolumeSettings()
        self._profiles: dict[tuple[str, date], Profile] = {}
        self._days: dict[str, tuple[int, list[date]]] = {}  # table -> (folder mtime, days)

    @property
    def root(self) -> Path:
        return self.lake / "_quality"

    def _profile_path(self, table: str, day: date) -> Path:
        return self.root / "profiles" / table / f"date={day.isoformat()}.json"

    def _accept_path(self, table: str, day: date) -> Path:
        return self.root / "accepted" / table / f"date={day.isoformat()}.json"

    # -------------------------------------------------------------- profiles
    def days(self, table: str) -> list[date]:
        """The source's partition days, listed again only when its folder changed (a check
        over a range asks for them once per day and partition)."""
        try:
            stamp = source_root(self.lake, table).stat().st_mtime_ns
        except OSError:
            return []
        known = self._days.get(table)
        if known is None or known[0] != stamp:
            known = self._days[table] = (stamp, partition_days(self.lake, table))
        return known[1]

    def first_day(self) -> date | None:
        """The first day the lake has orders or events for (`sources.first_source_day`)."""
        firsts = [days[0] for t in ("orders", "events") if (days := self.days(t))]
        return min(firsts, default=None)

    def complete(self, table: str, day: date) -> bool:
        return (partition_dir(self.lake, table, day) / "_SUCCESS").exists()

    def profiles(self, table: str, days: Iterable[date]) -> dict[date, Profile]:
        """The profiles of the complete partitions among `days`, computing what is missing."""
        out: dict[date, Profile] = {}
        todo: dict[date, str] = {}
        for day in days:
            if not self.complete(table, day):
                continue
            fp = fingerprint(partition_dir(self.lake, table, day))
            known = self._profiles.get((table, day))
            if known is None or known.fingerprint != fp:
                data = _read_json(self._profile_path(table, day))
                known = (Profile.from_json(data) if data and data.get("version") == VERSION
                         and data.get("fingerprint") == fp else None)
            if known is None:
                todo[day] = fp
            else:
                self._profiles[(table, day)] = out[day] = known
        if todo:
            for profile in self._compute(table, todo):
                self._profiles[(table, profile.day)] = out[profile.day] = profile
                _write_json(self._profile_path(table, profile.day), profile.to_json())
        return out

    def profile(self, table: str, day: date) -> Profile | None:
        return self.profiles(table, [day]).get(day)

    def _compute(self, table: str, todo: dict[date, str]) -> list[Profile]:
        contract = CONTRACTS[table]
        files: dict[date, list[Path]] = {}
        broken: dict[date, Violation] = {}
        for day in todo:
            files[day] = data_files(partition_dir(self.lake, table, day))
            for f in files[day]:
                problem = schema_problem(f, contract.columns)
                if problem is not None:
                    column, text = problem
                    broken[day] = Violation(f"schema:{column or 'file'}", column, 0,
                                            f"{text} ({f})")
                    break
        readable = [d for d in todo if d not in broken and files[d]]
        counted: dict[date, dict[str, Any]] = {}
        names: list[str] = []
        if readable:
            engine = self._engine()
            relation = Relation(table, tuple(f for d in sorted(readable) for f in files[d]),
                                contract.columns, base=source_root(self.lake, table))
            sql, names = profile_sql(contract, engine.dialect)
            result = engine.query(sql, {table: relation}).to_pylist()
            for row in result:
                values = list(row.values())
                counted[row[PARTITION]] = {"rows": values[1], **dict(zip(names, values[2:],
                                                                           strict=True))}
        by_rule = {r.key: r for r in rules(contract)}
        out = []
        for day, fp in todo.items():
            paths = [str(f) for f in files[day]]
            if day in broken:
                out.append(Profile(table, day, fp, paths, 0, {}, [broken[day]]))
                continue
            counts = counted.get(day, {})
            sums = {n[4:]: float(counts.get(n) or 0) for n in names if n.startswith("sum:")}
            nonzero = {n[8:]: int(counts.get(n) or 0) for n in names
                       if n.startswith("nonzero:")}
            violations = []
            for key, rule in by_rule.items():
                n = int(counts.get(key) or 0)
                if n:
                    violations.append(Violation(key, rule.column, n, rule.text,
                                                self._sample(table, day, files[day], key)))
            out.append(Profile(table, day, fp, paths, int(counts.get("rows") or 0), sums,
                               violations, nonzero))
        return out

    def _sample(self, table: str, day: date, files: list[Path], key: str) -> list[dict]:  # type: ignore[type-arg]
        contract = CONTRACTS[table]
        rule = next(r for r in rules(contract) if r.key == key)
        engine = self._engine()
        relation = Relation(table, tuple(files), contract.columns,
                            base=source_root(self.lake, table))
        rows = engine.query(sample_sql(contract, rule, day, SAMPLE, engine.dialect),
                            {table: relation}).to_pylist()
        return [{k: _plain(v) for k, v in r.items()} for r in rows]

    # -------------------------------------------------------------- volume
    def volume(self, table: str, day: date) -> Volume | None:
        """The day's rows and money sums vs the same weekday of the last weeks (None when the
        partition is not complete)."""
        profile = self.profile(table, day)
        if profile is None:
            return None
        s = self.settings
        if any(v.rule.startswith("schema:") for v in profile.violations):
            return Volume(table, day, "unreadable", 0, [], {})  # source.contract says why
        if profile.rows == 0:
            level = "ok" if CONTRACTS[table].empty_days else "error"
            return Volume(table, day, level, 0, [], {}, empty=True)
        # The lake's history starts with its first orders or events: earlier partitions
        # (users signed up before it) are a backfill, not a comparable day.
        start = self.first_day() or day
        before = [day - timedelta(days=7 * k) for k in range(1, s.weeks + 1)]
        history = self.profiles(table, [d for d in before if d >= start])
        if len(history) < s.min_weeks:
            return Volume(table, day, "history", profile.rows, [d.isoformat() for d in history],
                          {})
        past = [history[d] for d in sorted(history, reverse=True)]  # newest first
        metrics = {"rows": (float(profile.rows), [float(p.rows) for p in past],
                            float(profile.rows))}
        for column, total in profile.sums.items():
            metrics[f"sum:{column}"] = (total, [p.sums.get(column, 0.0) for p in past],
                                        float(profile.nonzero.get(column, profile.rows)))
        scores = {}
        for name, (value, values, terms) in metrics.items():
            expected, score = robust_score(value, values, s.floor, terms)
            scores[name] = {"value": value, "expected": round(expected, 2),
                            "score": round(score, 2)}
        top = max(v["score"] for v in scores.values())
        level = "error" if top >= s.error else "warn" if top >= s.warn else "ok"
        return Volume(table, day, level, profile.rows,
                      sorted(d.isoformat() for d in history), scores)

    # -------------------------------------------------------------- quarantine
    def acceptance(self, table: str, day: date) -> Acceptance | None:
        """The acceptance of the partition's current files, if an engineer gave one."""
        data = _read_json(self._accept_path(table, day))
        if not data:
            return None
        accepted = Acceptance(**data)
        if accepted.fingerprint != fingerprint(partition_dir(self.lake, table, day)):
            return None  # re-delivered since: the new files need their own look
        return accepted

    def accept(self, table: str, day: date, *, reason: str, by: str, at: datetime) -> Acceptance:
        accepted = Acceptance(fingerprint(partition_dir(self.lake, table, day)), reason, by,
                              at.isoformat())
        _write_json(self._accept_path(table, day), asdict(accepted))
        return accepted

    def problem(self, table: str, day: date) -> str | None:
        """Why the partition is quarantined (None when it is not)."""
        profile = self.profile(table, day)
        if profile is None:
            return None
        if profile.violations:
            first = profile.violations[0]
            why = f"breaks its contract ({first.column or 'file'} {first.requirement}"
            why += f": {first.rows} rows)" if first.rows else ")"
        else:
            volume = self.volume(table, day)
            if volume is None or volume.level != "error":
                return None
            why = "is empty" if volume.empty else "has an anomalous volume"
        if self.acceptance(table, day) is not None:
            return None
        return f"sources/{table}/date={day.isoformat()} {why}"

    def quarantined(self, table: str, days: Iterable[date]) -> dict[date, str]:
        """The quarantined partitions among `days`, with why."""
        days = list(days)
        self.profiles(table, days)  # one query for everything not profiled yet
        return {d: why for d in days if (why := self.problem(table, d)) is not None}

    def held_back(self, table: str, first: date, last: date) -> dict[date, str]:
        """The quarantined partitions of `table` in [first, last] that exist."""
        present = set(self.days(table))
        return self.quarantined(table, [d for d in days_between(first, last) if d in present])


def on_duckdb(lake: Path, volume: VolumeSettings | None = None) -> Quality:
    """A Quality that opens an embedded DuckDB the first time it has to profile something."""
    from pipesteward.metrics.engines import EngineSettings, open_engine

    opened: list[Engine] = []

    def engine() -> Engine:
        if not opened:
            opened.append(open_engine("duckdb", EngineSettings()))
        return opened[0]

    return Quality(lake, engine, volume)
