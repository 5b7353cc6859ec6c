"""The ops store: SQLite by default, PostgreSQL through STEWARD_DATABASE_URL; Alembic migrations.

Table modules live beside this one (`audit.py`, ...); each concept owns its tables and its
migration under `migrations/versions/`.

On SQLite every transaction starts with `BEGIN IMMEDIATE`: it takes the write lock first, so
two processes never both read and then fail to upgrade to a write ("database is locked"); a
process that finds the lock taken waits `busy_seconds` for it. Every database error that is the
store's (down, damaged, read-only, busy) leaves here as one line (`faults.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipesteward.store import faults

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_SECONDS = 30.0  # how long a write waits for another process's lock (a run's are short)
CONNECT_SECONDS = 10  # how long PostgreSQL is waited for before it counts as unreachable


class Store:
    """One ops database: open it, migrate it to head, run work in transactions."""

    def __init__(self, url: str, *, setting: str = "the database URL",
                 busy_seconds: float = BUSY_SECONDS):
        self.url = url
        sqlite = url.startswith("sqlite")
        args: dict[str, Any] = {"timeout": busy_seconds} if sqlite else {}
        if url.startswith("postgresql"):
            args["connect_timeout"] = CONNECT_SECONDS
        self.engine: Engine = faults.create(url, setting, args)
        if self.engine.dialect.name == "sqlite":
            self.busy_ms = int(busy_seconds * 1000)
            event.listen(self.engine, "connect", self._sqlite_connect)
            event.listen(self.engine, "begin", _begin_immediate)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Database errors that are the store's become one line (StoreUnavailable)."""
        try:
            yield
        except Exception as e:
            fault = faults.unavailable(e, self.url)
            if fault is None:
                raise
            raise fault from e

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("path_separator", "os")
        with self.guard(), self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # two processes starting on a new database
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('steward.upgrade'))"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.guard(), self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error. Keep it short: on
        SQLite it holds the write lock from its first statement to its end."""
        with self.guard(), self._sessions.begin() as session:
            yield session

    def audit(
        self,
        session: Session,
        *,
        at: datetime,
        actor: str,
        action: str,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        from pipesteward.store.audit import AuditEntry

        session.add(
            AuditEntry(at=at, actor=actor, action=action, subject=subject, detail=detail or {})
        )

    def audit_log(self, limit: int = 100) -> list[Any]:
        from pipesteward.store.audit import AuditEntry

        with self.guard(), self._sessions() as session:
            rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
            return list(rows)

    def dispose(self) -> None:
        self.engine.dispose()


    def _sqlite_connect(self, dbapi_conn: Any, _record: Any) -> None:
        # The driver's own transaction handling off: `_begin_immediate` starts each one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={self.busy_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()


def _begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")
