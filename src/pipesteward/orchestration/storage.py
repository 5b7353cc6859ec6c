"""Dagster's SQLite event log, made cheap per event (a backfill writes two per asset and
partition): Dagster's default opens a SQLite engine for every event and one more per
materialization to check that a table exists.

`KeptOpenConsolidatedSqliteEventLogStorage` (what pipesteward writes) keeps one database,
`history/event_log.db`, on one engine kept open; a batch of events is one transaction. It runs
SQLite in WAL mode with `synchronous=NORMAL` (durable at checkpoints, never corrupt) and
remembers the tables and columns found. Production deployments use dagster-postgres.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log import (
    SQLITE_EVENT_LOG_FILENAME,
    ConsolidatedSqliteEventLogStorage,
)
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite import create_db_conn_string
from sqlalchemy import create_engine, event


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _open(conn_string: str) -> Any:
    # Never waits for the pool: connections beyond it are opened and closed as Dagster's are.
    engine = create_engine(conn_string, max_overflow=-1, connect_args={
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
    event.listen(engine, "connect", _pragmas)
    return engine


class KeptOpenConsolidatedSqliteEventLogStorage(ConsolidatedSqliteEventLogStorage):
    """Remembers the tables and columns found; never their absence (a migration adds them)."""

    def __init__(self, base_dir: str, inst_data: Any = None):
        self._found: set[str] = set()
        self._batch = threading.local()
        self._engine = _open(create_db_conn_string(base_dir, SQLITE_EVENT_LOG_FILENAME))
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> Any:
        return cls(inst_data=inst_data, **config_value)

    def has_table(self, table_name: str) -> bool:
        found = table_name in self._found or super().has_table(table_name)  # type: ignore[safe-super]
        if found:
            self._found.add(table_name)
        return found

    def _has_asset_key_col_on_connection(self, conn: Any, column_name: str) -> bool:
        key = f"asset_keys.{column_name}"
        found = key in self._found or super()._has_asset_key_col_on_connection(conn, column_name)
        if found:
            self._found.add(key)
        return found

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        batch = getattr(self._batch, "conn", None)
        if batch is not None:  # inside store_event_batch, on this thread
            yield batch
            return
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def store_event_batch(self, events: Sequence[Any]) -> None:
        """One transaction (if it fails, Dagster stores the events one by one)."""
        with self._connect() as conn:
            self._batch.conn = conn
            try:
                for e in events:
                    self.store_event(e)
            finally:
                self._batch.conn = None

    def dispose(self) -> None:
        self._engine.dispose()
        super().dispose()
