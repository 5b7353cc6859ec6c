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

HEADER = """\
# Written by pipesteward (docs/pipelines.md): SQLite storage under DAGSTER_HOME, named
# relative to the project folder; start Dagster processes in that folder.
"""
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


def config_text(home: Path, project: Path) -> str:
    import yaml

    relative = Path(os.path.relpath(home.resolve(), project.resolve())).as_posix()
    body = {"telemetry": {"enabled": False}, **storage(relative)}
    return HEADER + yaml.safe_dump(body, sort_keys=False)


def write_config(home: Path, project: Path) -> None:
    """Both copies of the generated `dagster.yaml`, where missing (never rewritten)."""
    home.mkdir(parents=True, exist_ok=True)
    text = config_text(home, project)
    for folder in (home, project):
        path = folder / "dagster.yaml"
        if not path.exists():
            path.write_text(text, encoding="utf-8")


def instance(home: Path, project: Path) -> dg.DagsterInstance:
    """The instance in `home` (its storage given absolutely, whatever the current folder)."""
    write_config(home, project)
    overrides: Any = storage(home.resolve().as_posix())
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
