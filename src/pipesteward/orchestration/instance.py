"""The Dagster instance in DAGSTER_HOME that `steward run` and `steward backfill` record to."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster._core.instance.ref import InstanceRef

INSTANCE_YAML = """\
# Written by pipesteward: SQLite storage under this folder (see docs/pipelines.md).
telemetry:
  enabled: false
run_storage:
  module: dagster._core.storage.runs
  class: SqliteRunStorage
  config:
    base_dir: {home}/history
event_log_storage:
  module: pipesteward.orchestration.storage
  class: KeptOpenConsolidatedSqliteEventLogStorage
  config:
    base_dir: {home}/history
schedule_storage:
  module: dagster._core.storage.schedules
  class: SqliteScheduleStorage
  config:
    base_dir: {home}/schedules
"""
# Dagster then hands the event log a step's events for all its partitions (and a run's
# planned events) at once; the event log above stores them in one transaction.
EVENT_BATCH = "DAGSTER_EVENT_BATCH_SIZE"


def instance(home: Path) -> dg.DagsterInstance:
    """The instance in `home`; its `dagster.yaml` is written on first use, never rewritten."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML.format(home=home.resolve().as_posix()), encoding="utf-8")
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


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
