"""The Dagster instance in DAGSTER_HOME that `steward run`, `steward backfill` and `steward up`
record to, and its `dagster.yaml`.

The generated `dagster.yaml` names its storage folders relative to the project (the spec's
folder), so a copied project keeps its own history. It is written twice, with the same text:
in DAGSTER_HOME (what `steward up` and anything with DAGSTER_HOME set reads, started in the
project folder) and in the project folder (what `dagster dev` started there without
DAGSTER_HOME reads). In process, the folders are given as absolute paths (overrides), so a
command works from any folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.instance.ref import InstanceRef

from pipesteward.errors import UserError

HEADER = """\
# Written by pipesteward (docs/pipelines.md, docs/deploy.md): SQLite storage under DAGSTER_HOME,
# named relative to the project folder (start Dagster processes in that folder), or PostgreSQL
# when STEWARD_DAGSTER_DATABASE_URL is set. Rewritten by pipesteward while this line is first.
"""
DATABASE_ENV = "STEWARD_DAGSTER_DATABASE_URL"
EVENT_LOG = {"module": "pipesteward.orchestration.storage",
             "class": "KeptOpenConsolidatedSqliteEventLogStorage"}
# Dagster then hands the event log a step's events for all its partitions (and a run's
# planned events) at once; the event log above stores them in one transaction.
EVENT_BATCH = "DAGSTER_EVENT_BATCH_SIZE"


def storage(home: str) -> dict[str, Any]:
    """The run, event-log and schedule storage under `home`."""
    return {
        "run_storage": {"module": "dagster._core.storage.runs", "class": "SqliteRunStorage",
                        "config": {"base_dir": f"{home}/history"}},
        "event_log_storage": {**EVENT_LOG, "config": {"base_dir": f"{home}/history"}},
        "schedule_storage": {"module": "dagster._core.storage.schedules",
                             "class": "SqliteScheduleStorage",
                             "config": {"base_dir": f"{home}/schedules"}},
    }


def postgres_storage(url: Any) -> dict[str, Any]:
    """Run, event-log and schedule storage in one PostgreSQL database (dagster-postgres)."""
    return {"storage": {"postgres": {"postgres_url": url}}}


def check_database_url(url: str | None) -> None:
    """Dagster's PostgreSQL storage connects with psycopg2, which the URL must name (SQLAlchemy
    2.1 takes psycopg 3 for a bare `postgresql://`, and Dagster's queries need psycopg2)."""
    if url is None:
        return
    if not url.startswith("postgresql+psycopg2://"):
        raise UserError(f"{DATABASE_ENV} must be a postgresql+psycopg2://user:password@host/"
                        "database URL (Dagster's storage connects with psycopg2)")


def config_text(home: Path, project: Path, database_url: str | None = None) -> str:
    import yaml

    relative = Path(os.path.relpath(home.resolve(), project.resolve())).as_posix()
    # The URL stays in the environment, never in the file: it carries a password.
    where = postgres_storage({"env": DATABASE_ENV}) if database_url else storage(relative)
    body = {"telemetry": {"enabled": False}, **where}
    return HEADER + yaml.safe_dump(body, sort_keys=False)


def write_config(home: Path, project: Path, database_url: str | None = None) -> None:
    """Both copies of the generated `dagster.yaml`: written where missing, rewritten where ours
    (its first line is HEADER's) and the storage setting changed; a hand-written one is kept."""
    check_database_url(database_url)
    home.mkdir(parents=True, exist_ok=True)
    text = config_text(home, project, database_url)
    for folder in (home, project):
        path = folder / "dagster.yaml"
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old is None or (old != text and old.startswith(HEADER.splitlines()[0])):
            path.write_text(text, encoding="utf-8")


def instance(home: Path, project: Path, database_url: str | None = None) -> dg.DagsterInstance:
    """The instance in `home` (its storage given absolutely, whatever the current folder)."""
    write_config(home, project, database_url)
    overrides: Any = (postgres_storage(database_url) if database_url
                      else storage(home.resolve().as_posix()))
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides=overrides))


@contextmanager
def batched_events(size: int = 1000) -> Iterator[None]:
    """Event writes batched while inside (unless DAGSTER_EVENT_BATCH_SIZE is set already)."""
    if os.environ.get(EVENT_BATCH):
        yield
        return
    os.environ[EVENT_BATCH] = str(size)
    try:
        yield
    finally:
        os.environ.pop(EVENT_BATCH, None)
