"""The service facade: what the CLI, the web console and the Dagster definitions all call.

A Steward is built from a spec, the environment's storage settings, and how models run (an
executor: in process by default; the CLI gives it Dagster's). It wires each service once,
with only what that service needs; heavy parts (the ops store, the lake engine) open lazily
so quick questions stay quick. The methods here are the entry points; the logic stays in the
packages.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipesteward.days import reporting_yesterday
from pipesteward.errors import NotFound, UserError
from pipesteward.spec import Spec, load_spec

if TYPE_CHECKING:
    from pipesteward.checks.result import CheckResult
    from pipesteward.checks.service import CheckService
    from pipesteward.exports.service import ExportReport, ExportService
    from pipesteward.incidents.paging import Sender
    from pipesteward.incidents.service import IncidentService
    from pipesteward.metrics.generator import Generated
    from pipesteward.metrics.lock import LakeLock
    from pipesteward.metrics.service import OnResult, OnStart, RangeReport, RecordedRunner
    from pipesteward.oncall.records import Layers
    from pipesteward.oncall.service import OnCallRecords, OnCallService
    from pipesteward.store import Store
    from pipesteward.store.runs import Run
    from pipesteward.users.service import UserRecords, Users

EXAMPLE_TEAM = Path(__file__).parent / "examples" / "team"
# What a project starts from: the spec and its runbooks, never state a command left beside them.
EXAMPLE_FILES = shutil.ignore_patterns(".*", "__pycache__")


@dataclass(frozen=True)
class Paths:
    root: Path
    lake: Path
    dagster_home: Path
    database_url: str
    dagster_database_url: str | None = None  # STEWARD_DAGSTER_DATABASE_URL (docs/deploy.md)


def resolve_paths(spec: Spec, env: Mapping[str, str]) -> Paths:
    base = spec.base_dir
    root = (base / spec.storage.root).resolve()
    lake = (base / spec.storage.lake).resolve() if spec.storage.lake else root / "lake"
    dagster = (
        (base / spec.storage.dagster_home).resolve() if spec.storage.dagster_home
        else root / "dagster"
    )
    url = env.get("STEWARD_DATABASE_URL") or spec.storage.database_url
    if not url:
        url = f"sqlite:///{root / 'steward.db'}"
    return Paths(root=root, lake=lake, dagster_home=dagster, database_url=url,
                 dagster_database_url=env.get("STEWARD_DAGSTER_DATABASE_URL") or None)


class Executor(Protocol):
    """How models run over a range: in process (`in_process`) or through Dagster
    (`orchestration.execute.run_range`, which the CLI gives)."""

    def __call__(self, steward: Steward, start: date, end: date, *,
                 only: Collection[str] | None, engine: str | None,
                 on_start: OnStart | None, on_result: OnResult | None,
                 tags: Mapping[str, str] | None = None) -> RangeReport: ...


def in_process(steward: Steward, start: date, end: date, *, only: Collection[str] | None,
               engine: str | None, on_start: OnStart | None,
               on_result: OnResult | None, tags: Mapping[str, str] | None = None) -> RangeReport:
    """Run the selected models one after the other in this process, without Dagster."""
    from pipesteward.metrics.service import run_in_process, select

    runner = steward.model_runner(engine)
    try:
        return run_in_process(runner, select(only), start, end, on_start, on_result)
    finally:
        runner.close()


def _now() -> datetime:
    return datetime.now(UTC)


class Steward:
    """The team's spec plus its stores, and the services wired over them."""

    def __init__(self, spec: Spec, env: Mapping[str, str] | None = None, *,
                 executor: Executor = in_process, clock: Callable[[], datetime] = _now):
        import os

        self.spec = spec
        self.env = dict(os.environ if env is None else env)
        self.paths = resolve_paths(spec, self.env)
        # Where warnings go (the CLI prints them on stderr; tests collect them).
        self.warn: Callable[[str], None] = _warn
        self.executor = executor
        self.clock = clock  # stamps run records; every other instant is an argument
        # Told each recorded set of check results (the CLI shows them in the Dagster UI).
        self.on_checked: Callable[[list[CheckResult]], None] | None = None

    @classmethod
    def from_path(cls, path: str | Path, env: Mapping[str, str] | None = None, *,
                  executor: Executor = in_process) -> Steward:
        return cls(load_spec(path, env), env, executor=executor)

    # ------------------------------------------------------------------ ops store
    @cached_property
    def store(self) -> Store:
        from pipesteward.store import BUSY_SECONDS, Store

        url = self.paths.database_url
        created = None
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            created = None if path.exists() else path
        setting = ("STEWARD_DATABASE_URL" if self.env.get("STEWARD_DATABASE_URL")
                   else "storage.database_url")
        busy = _seconds(self.env, "STEWARD_DATABASE_BUSY_SECONDS", BUSY_SECONDS)
        store = Store(url, setting=setting, busy_seconds=busy)
        store.upgrade()
        if created is not None and _has_history(self.paths.lake):
            self.warn(f"the ops store {created} did not exist and was created empty, but the "
                      f"lake {self.paths.lake} holds model outputs: run records, incidents and "
                      "on-call changes recorded before are not in it; restore steward.db from "
                      "a backup if it was deleted, or point storage.database_url at it")
        return store

    @cached_property
    def lake_lock(self) -> LakeLock:
        """One process at a time runs, checks or exports over the lake (docs/pipelines.md)."""
        from pipesteward.metrics.lock import LOCK_SECONDS, LakeLock

        seconds = _seconds(self.env, "STEWARD_LAKE_LOCK_SECONDS", LOCK_SECONDS)
        return LakeLock(self.paths.lake, seconds, on_wait=lambda m: self.warn(m))

    # ------------------------------------------------------------------ ownership
    def pipelines(self) -> list[dict[str, Any]]:
        return [
            {
                "id": p.id,
                "name": p.name,
                "domain": p.domain,
                "audience": p.audience,
                "primary": p.primary,
                "secondary": p.secondary,
            }
            for p in self.spec.pipelines
        ]

    def owners(self, engineer: str | None = None) -> list[dict[str, Any]]:
        ids = self.spec.engineer_ids()
        if engineer is not None and engineer not in ids:
            raise NotFound(f"unknown engineer '{engineer}'; the team is {', '.join(ids)}")
        return [
            {
                "id": e,
                "primary": [p.id for p in self.spec.pipelines if p.primary == e],
                "secondary": [p.id for p in self.spec.pipelines if p.secondary == e],
            }
            for e in ids
            if engineer in (None, e)
        ]

    def runbook_path(self, pipeline_id: str) -> Path:
        p = self.spec.known_pipeline(pipeline_id)
        if not p.runbook:
            raise NotFound(f"pipeline '{pipeline_id}' has no runbook; set pipelines[].runbook")
        return (self.spec.base_dir / p.runbook).resolve()

    def runbook(self, pipeline_id: str) -> str:
        path = self.runbook_path(pipeline_id)
        try:
            return path.read_text(encoding="utf-8")
        except OSError as e:
            raise NotFound(
                f"{path}: cannot read the runbook of '{pipeline_id}' ({e.strerror})"
            ) from None

    def _runbook_for_pages(self, pipeline_id: str) -> tuple[str | None, str | None]:
        try:
            return self.runbook(pipeline_id), self.runbook_path(pipeline_id).name
        except NotFound:
            return None, None

    # ------------------------------------------------------------------ services
    def _checks(self) -> CheckService:
        from pipesteward.checks.service import CheckService

        return CheckService(
            lake=self.paths.lake, store=self.store,
            audience={p.id: p.audience for p in self.spec.pipelines},
            deadline_at=self.spec.schedule.deadline, team_tz=self.spec.team.tz,
            reporting_timezone=self.spec.reporting.timezone,
            verify_exports=lambda d: self._exports().verify_day(d),
            volume=self.volume_settings(),
        )

    def volume_settings(self) -> Any:
        """`contracts.volume` of the spec, as the source checks take it."""
        from pipesteward.metrics.contract import VolumeSettings

        v = self.spec.contracts.volume
        return VolumeSettings(weeks=v.weeks, min_weeks=v.min_weeks, warn=v.warn,
                              error=v.error, floor=v.floor)

    def _exports(self) -> ExportService:
        from pipesteward.exports.service import ExportService, targets

        return ExportService(
            lake=self.paths.lake, store=self.store,
            targets=targets(self.spec, self.paths.database_url),
            investor=[p.id for p in self.spec.pipelines if p.audience == "investors"],
        )

    def _incidents(self) -> IncidentService:
        from pipesteward.incidents.service import IncidentService

        return IncidentService(spec=self.spec, store=self.store, sender=self.pager,
                               rota=self.oncall.rota, runbook=self._runbook_for_pages)

    # ------------------------------------------------------------------ checks and exports
    def reporting_yesterday(self, at: datetime) -> date:
        """The default day of `steward run` and `steward check`: yesterday, reporting time."""
        return reporting_yesterday(at, self.spec.reporting.tz)

    def check(self, day: date, *, as_of: datetime, record: bool = True,
              pipelines: Collection[str] | None = None,
              check_ids: Collection[str] | None = None, quality: Any = None,
              show: bool = True) -> list[CheckResult]:
        """Run the runbook checks for a day (and its month); record results and incidents,
        and page the new ones (`show`: and hand them to `on_checked`, the Dagster UI)."""
        with self.lake_lock.held():  # not while a run rewrites the day
            results = self._checks().check_day(day, as_of=as_of, pipelines=pipelines,
                                               check_ids=check_ids, quality=quality)
        if record:
            self._incidents().record(results, day=day.isoformat(), at=as_of)
            if show and self.on_checked is not None:
                self.on_checked(results)
        return results

    def check_sources(self, start: date, end: date, *,
                      as_of: datetime) -> tuple[list[CheckResult], dict[str, Any]]:
        """source.contract and source.volume on every source partition of [start, end]: the
        partitions not profiled yet (and the history the volume compares with) in one query
        per source, then each day's verdicts recorded like `steward check`'s. Also what the
        profiling took (partitions, seconds)."""
        import time
        from datetime import timedelta

        from pipesteward.checks.sources import TABLES
        from pipesteward.days import days_between
        from pipesteward.metrics.quality import on_duckdb

        settings = self.volume_settings()
        quality = on_duckdb(self.paths.lake, settings)
        t0, profiled = time.perf_counter(), 0
        with self.lake_lock.held():
            for table in TABLES:
                profiled += len(quality.profiles(table, days_between(
                    start - timedelta(days=7 * settings.weeks), end)))
        profiling = {"partitions": profiled, "seconds": round(time.perf_counter() - t0, 3)}
        seen: dict[tuple[str, str, str], CheckResult] = {}
        for day in days_between(start, end):  # one Quality: its profiles stay in memory
            for r in self.check(day, as_of=as_of, check_ids={"source.contract",
                                                              "source.volume"},
                                quality=quality, show=False):
                seen[(r.id, r.pipeline, r.partition)] = r  # a partition once, however found
        results = list(seen.values())
        if self.on_checked is not None:
            self.on_checked(results)  # one Dagster instance for the range, not one a day
        return results, profiling

    def export(self, day: date, *, at: datetime, sleep: Callable[[float], None] | None = None,
               results: list[CheckResult] | None = None) -> ExportReport:
        """Export the day's investor metrics to every target, unless a blocking check fails;
        a target that fails its retries opens an incident; the exports are then checked by
        reading them back (which resolves an earlier mismatch)."""
        import time as _time

        from pipesteward.exports.service import ExportFailed

        if results is None:
            results = self.check(day, as_of=at)
        try:
            with self.lake_lock.held():  # not while a run rewrites the day
                report = self._exports().export_day(day, at=at, results=results,
                                                    sleep=sleep or _time.sleep)
        except ExportFailed as e:
            self._incidents().raise_and_page(
                check_id="engagement.export", pipeline="aggregate_engagement",
                partition=day.isoformat(), message=str(e), figures={"failed": e.targets},
                at=at)
            raise
        report.checks = [r for r in results if r.id != "engagement.export"] + self.check(
            day, as_of=at, check_ids={"engagement.export"})
        return report

    def incidents(self, status: str | None = None) -> list[dict[str, Any]]:
        from pipesteward.incidents.lifecycle import list_incidents, to_json

        return [to_json(i) for i in list_incidents(self.store, status)]

    @cached_property
    def pager(self) -> Sender:
        """How pages go out: Apprise, retried with real waits (tests set a local one)."""
        import time as _time

        from pipesteward.incidents.notifier import AppriseNotifier
        from pipesteward.incidents.paging import Sender

        return Sender(AppriseNotifier(), _time.sleep)

    def escalate_incidents(self, at: datetime) -> list[int]:
        """Page the next level of unacknowledged incidents past their ack timeout."""
        return self._incidents().escalate(at)

    def acknowledge_incident(self, incident_id: int, *, by: str, at: datetime) -> None:
        from pipesteward.incidents.lifecycle import acknowledge

        acknowledge(self.store, incident_id, by=by, at=at)

    def resolve_incident(self, incident_id: int, *, by: str, at: datetime) -> None:
        from pipesteward.incidents.lifecycle import resolve

        resolve(self.store, incident_id, by=by, at=at)

    def incident(self, incident_id: int) -> dict[str, Any]:
        """One incident with its delivery log, notes, audit history and runbook step."""
        from pipesteward.incidents.lifecycle import get_incident, history, notes, to_json
        from pipesteward.incidents.runbook import issue_section

        found = to_json(get_incident(self.store, incident_id))
        text, name = self._runbook_for_pages(found["pipeline"])
        return dict(found, notes=notes(self.store, incident_id),
                    history=history(self.store, incident_id),
                    runbook={"file": name,
                             "section": issue_section(text, found["check"]) if text else None})

    def require_incident_actor(self, incident_id: int, by: str) -> None:
        """Refuse (NotAllowed) unless `by` is the incident's responder, someone paged on it,
        or the team lead."""
        from pipesteward.incidents.lifecycle import get_incident, handlers
        from pipesteward.users.rules import require

        names = handlers(get_incident(self.store, incident_id))
        require(by, names, self.spec.team.lead, f"act on incident {incident_id}")

    def note_incident(self, incident_id: int, text: str, *, by: str, at: datetime) -> None:
        from pipesteward.incidents.lifecycle import add_note

        add_note(self.store, incident_id, text, by=by, at=at)

    def checks_of(self, pipeline_id: str) -> list[dict[str, Any]]:
        """The runbook checks that cover a pipeline (from the registry)."""
        from pipesteward.checks.registry import CHECKS

        self.spec.known_pipeline(pipeline_id)
        return [{"id": c.id, "runbook_issue": c.runbook_issue, "verifies": c.verifies,
                 "severity": c.severity.value, "blocking": c.blocking}
                for c in CHECKS if pipeline_id in c.pipelines]

    def check_results(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest recorded check results, newest first."""
        from pipesteward.incidents.lifecycle import recent_results

        return recent_results(self.store, limit)

    # ------------------------------------------------------------------ console users
    @cached_property
    def users(self) -> Users:
        """Console sign-in (argon2 passwords, the throttle) and private iCal feed tokens."""
        from pipesteward.users.service import Users

        return Users(self.spec, self._user_records,
                     lambda start, end, at, engineer: self.oncall.ical(start, end, at, engineer))

    def _user_records(self) -> UserRecords:
        from pipesteward.store.users import UsersStore

        return UsersStore(self.store)

    # ------------------------------------------------------------------ pipelines
    def model_runner(self, engine: str | None = None) -> RecordedRunner:
        """Runs models over the lake with the spec's engine settings, recording each run."""
        from pipesteward.metrics.engines import EngineSettings
        from pipesteward.metrics.runner import ModelRunner
        from pipesteward.metrics.service import RecordedRunner

        c = self.spec.compute
        settings = EngineSettings(memory_limit=c.memory_limit, threads=c.threads,
                                  spill_dir=self.paths.root / "tmp" / "spill",
                                  spark_master=c.spark_master)
        runner = ModelRunner(self.paths.lake, reporting_timezone=self.spec.reporting.timezone,
                             engine=engine or c.engine, settings=settings,
                             volume=self.volume_settings())
        return RecordedRunner(runner, self.store, self.clock, hold=self.lake_lock.held)

    def generate_data(self, start: date, days: int, users: int, seed: int = 0,
                      inject: Collection[str] = (),
                      progress: Callable[[int, int], None] | None = None,
                      replace: bool = False) -> Generated:
        """Write generated sources into the lake; refused when it has sources, unless
        `replace` (then they are deleted first)."""
        from pipesteward.metrics.generator import generate

        return generate(self.paths.lake, start, days, users, seed,
                        self.check_generate(start, days, users, inject, replace), progress,
                        replace=replace)

    def check_generate(self, start: date, days: int, users: int, inject: Collection[str] = (),
                       replace: bool = False) -> list[Any]:
        """The parsed injections of a `generate_data` request, or UserError (nothing written)."""
        from pipesteward.metrics.generator import check_arguments, parse_injection

        injections = [parse_injection(k) for k in inject]
        check_arguments(self.paths.lake, start, days, users, injections, replace)
        return injections

    def run_models(self, start: date, end: date, only: Collection[str] | None = None,
                   engine: str | None = None, on_start: OnStart | None = None,
                   on_result: OnResult | None = None,
                   tags: Mapping[str, str] | None = None) -> RangeReport:
        """Materialise the models over [start, end] with the executor (`tags` label its runs,
        e.g. the command that started them)."""
        if end < start:
            raise UserError(f"--end {end} is before --start {start}")
        from pipesteward import signals

        # Held for the whole range, so that two runs of a day do not interleave their models.
        with self.lake_lock.held():
            try:
                report = self.executor(self, start, end, only=only, engine=engine,
                                       on_start=on_start, on_result=on_result, tags=tags)
            except Exception:
                # A stop that an executor reported as a failed step is a stop.
                stop = signals.received()
                if stop is None:
                    raise
                raise stop from None
        stop = signals.received()
        if stop is not None:
            raise stop
        return report

    def accept_source(self, table: str, day: date, *, reason: str, by: str,
                      at: datetime) -> dict[str, Any]:
        """Release a quarantined source partition knowingly (its current files), in the audit
        log; a later re-delivery needs a new look."""
        from pipesteward.metrics.contract import CONTRACTS
        from pipesteward.metrics.quality import on_duckdb

        if table not in CONTRACTS:
            raise UserError(f"unknown source '{table}'; the sources are {', '.join(CONTRACTS)}")
        if not reason.strip():
            raise UserError("--reason: say why the partition is right as it is")
        quality = on_duckdb(self.paths.lake, self.volume_settings())
        if not quality.complete(table, day):
            raise NotFound(f"sources/{table}/date={day} has not landed (no _SUCCESS marker); "
                           "there is nothing to accept")
        why = quality.problem(table, day)
        accepted = quality.accept(table, day, reason=reason.strip(), by=by, at=at)
        with self.store.transaction() as session:
            self.store.audit(session, at=at, actor=by, action="source.accepted",
                             subject=f"{table}/date={day}",
                             detail={"reason": accepted.reason, "problem": why,
                                     "fingerprint": accepted.fingerprint})
        return {"source": table, "date": day.isoformat(), "reason": accepted.reason,
                "by": by, "was": why}

    def runs(self, **filters: Any) -> list[Run]:
        """Run records, newest first (filters: pipeline, day, status, run_id, limit)."""
        from pipesteward.store.runs import list_runs

        return list_runs(self.store, **filters)

    def metric_series(self, model: str) -> dict[str, list[Any]]:
        """Every partition of a model output in the lake, as columns (for charts)."""
        from pipesteward.metrics.lake import Lake

        self.spec.known_pipeline(model)
        table = Lake(self.paths.lake).model_all(model)
        return {} if table is None else table.to_pydict()

    def read_model(self, model: str, key: str) -> Any:
        """One model partition (`YYYY-MM-DD`, aggregate_growth `YYYY-MM`) as a pyarrow Table,
        or None when it has not been written."""
        from pipesteward.metrics.lake import Lake

        return Lake(self.paths.lake).model_table(model, key)

    # ------------------------------------------------------------------ on call
    @cached_property
    def oncall(self) -> OnCallService:
        """Who is on call and responds, swaps, unavailability, overrides, the holiday plan."""
        from pipesteward.oncall.quickread import cached_calendar
        from pipesteward.oncall.service import OnCallService

        return OnCallService(self.spec, self._oncall_layers,
                             cached_calendar(self.paths.root / "cache"), self._oncall_records)

    def _oncall_records(self) -> OnCallRecords:
        from pipesteward.store.oncall import OnCallStore

        return OnCallStore(self.store)

    def _oncall_layers(self) -> Layers:
        """The run-time on-call records: read without SQLAlchemy from a SQLite store."""
        from pipesteward.oncall.quickread import read_layers

        layers = read_layers(self.paths.database_url)
        if layers is None:
            from pipesteward.store.oncall import OnCallStore

            layers = OnCallStore(self.store).layers()
        return layers

    def review(self, as_of: date) -> dict[str, Any]:
        """Ownership load, single points of failure, on-call fairness, runbooks past review."""
        return self.oncall.review(as_of)


def _warn(message: str) -> None:
    import logging

    logging.getLogger("pipesteward").warning(message)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise UserError(f"{name} '{raw}' is not a number of seconds (for example 30)")
    return value


def _has_history(lake: Path) -> bool:
    """Whether the lake holds a model partition (so the store had runs to remember)."""
    models = lake / "models"
    return models.is_dir() and any(models.glob("*/*=*"))


def init_project(target: Path) -> Path:
    """Copy the example team (spec and runbooks) into a new folder; refuse to overwrite."""
    spec_path = target / "steward.yaml"
    if spec_path.exists():
        raise FileExistsError(f"{spec_path} already exists; choose an empty folder")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLE_TEAM, target, dirs_exist_ok=True, ignore=EXAMPLE_FILES)
    return spec_path
