"""The ops store migrates to head and keeps the audit log, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from pipesteward.app import Steward
from pipesteward.store import Store

AT = datetime(2026, 12, 25, 17, 0, tzinfo=UTC)


def assert_keeps_audit(store: Store) -> None:
    store.upgrade()
    store.upgrade()  # idempotent
    assert store.revision() is not None
    assert "audit_log" in inspect(store.engine).get_table_names()
    with store.transaction() as s:
        store.audit(s, at=AT, actor="A", action="swap.requested", subject="2026-12-21",
                    detail={"with": "B"})
    entry = store.audit_log(limit=1)[0]
    assert (entry.actor, entry.action, entry.detail) == ("A", "swap.requested", {"with": "B"})


def test_sqlite_store_under_storage_root(steward: Steward) -> None:
    assert steward.paths.database_url.endswith(".steward/steward.db")
    assert_keeps_audit(steward.store)
    assert (steward.paths.root / "steward.db").exists()


def test_a_failed_transaction_leaves_nothing(steward: Steward) -> None:
    store = steward.store
    with pytest.raises(RuntimeError), store.transaction() as s:
        store.audit(s, at=AT, actor="A", action="override.added")
        raise RuntimeError("crash mid-write")
    assert store.audit_log() == []


def test_database_url_from_environment(project, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    steward = Steward.from_path(project, env={"STEWARD_DATABASE_URL": pg_url})
    assert steward.paths.database_url == pg_url


def test_postgresql_store(pg_url: str) -> None:
    store = Store(pg_url)
    with store.engine.begin() as conn:  # a clean schema each run
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    assert store.engine.dialect.name == "postgresql"
    assert_keeps_audit(store)
    store.dispose()
