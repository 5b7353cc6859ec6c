"""Run records name their process; a `running` record whose process is gone is abandoned."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from pipesteward.store import Store
from pipesteward.store.runs import RunRecord, list_runs, record_start

AT = datetime(2026, 12, 2, 9, tzinfo=UTC)
DAY = date(2026, 12, 1)

STARTS_A_RUN_AND_EXITS = """
import sys
from datetime import UTC, date, datetime
from pipesteward.store import Store
from pipesteward.store.runs import record_start
record_start(Store(sys.argv[1]), run_id="dead", pipeline="unit_profit", partition="2026-12-01",
             start=date(2026, 12, 1), end=date(2026, 12, 1), engine="duckdb",
             started_at=datetime(2026, 12, 2, 9, tzinfo=UTC))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'steward.db'}"
    pg: str = request.getfixturevalue("pg_url")
    store = Store(pg)
    with store.engine.begin() as conn:  # a clean schema each run
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    store.dispose()
    return pg


def start(store: Store, run_id: str) -> int:
    return record_start(store, run_id=run_id, pipeline="unit_profit", partition=str(DAY),
                        start=DAY, end=DAY, engine="duckdb", started_at=AT)


def test_a_dead_process_s_run_is_listed_abandoned(url: str) -> None:
    store = Store(url)
    store.upgrade()
    try:
        subprocess.run([sys.executable, "-c", STARTS_A_RUN_AND_EXITS, url], check=True)
        start(store, "alive")  # this process: still running
        remote = start(store, "remote")
        with store.transaction() as s:
            rec = s.get(RunRecord, remote)
            assert rec is not None
            rec.host = "another-host"  # a pid means nothing on another machine
        status = {r.run_id: r.status for r in list_runs(store)}
        assert status == {"dead": "abandoned", "alive": "running", "remote": "running"}
        assert [r.run_id for r in list_runs(store, status="abandoned")] == ["dead"]
        assert {r.run_id for r in list_runs(store, status="running")} == {"alive", "remote"}
        dead = list_runs(store, run_id="dead")[0]
        assert dead.pid and dead.host and dead.as_dict()["status"] == "abandoned"
    finally:
        store.dispose()
