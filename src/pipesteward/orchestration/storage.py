"""Dagster's SQLite event log, kept open: the default opens, commits and disposes a new SQLite
engine for every event, and a backfill writes two events per asset and partition. This one keeps
an engine per shard (the index and the latest runs) and runs SQLite in WAL mode with
`synchronous=NORMAL` (durable at checkpoints, never corrupt). Configured in the DAGSTER_HOME
that pipesteward writes (`dagster.yaml`); production deployments use dagster-postgres instead.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy import create_engine, event

KEEP_OPEN = 8  # engines kept per storage: the index shard and the newest run shards


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data: Any = None):
        self._engines: OrderedDict[str, Any] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> KeptOpenSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Any:
        engine = self._engines.get(shard)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                              "check_same_thread": False},
            )
            event.listen(engine, "connect", _pragmas)
            self._engines[shard] = engine
            while len(self._engines) > KEEP_OPEN:
                _, old = self._engines.popitem(last=False)
                old.dispose()
        self._engines.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()
