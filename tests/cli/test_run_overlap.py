"""Two `steward run` of one day at once (real processes) leave the lake one run leaves, and
report one verdict per model; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.metrics.lakes import model_files

from pipesteward.app import Steward
from pipesteward.metrics.generator import generate
from pipesteward.metrics.models import ORDER
from pipesteward.store import Store

DAY = "2025-02-25"


def start_run(spec: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pipesteward", "run", "--date", DAY, "--json"],
                            env={**os.environ, "STEWARD_SPEC": str(spec), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(proc: subprocess.Popen[str]) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    out, err = proc.communicate(timeout=600)
    return proc.returncode, json.loads(out) if out.strip() else {}, err


def assert_one_verdict_per_model(report: dict) -> None:  # type: ignore[type-arg]
    assert report["ok"] is True
    assert [p["pipeline"] for p in report["pipelines"]] == list(ORDER)
    assert {p["status"] for p in report["pipelines"]} == {"succeeded"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_env(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    url: str = request.getfixturevalue("pg_url")
    store = Store(url)
    with store.engine.begin() as conn:  # a clean schema each run
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    store.dispose()
    return {"STEWARD_DATABASE_URL": url}


@pytest.mark.slow
def test_two_runs_of_one_day_at_once_leave_the_lake_of_one_run(
        project: Path, store_env: dict[str, str]) -> None:
    steward = Steward.from_path(project, env={})
    lake = steward.paths.lake
    generate(lake, date(2025, 2, 20), 8, 3000, 5)
    assert steward.run_models(date(2025, 2, 20), date(2025, 2, 24)).ok  # the days before
    alone = project.parent.parent / "alone"
    shutil.copytree(project.parent, alone)

    code, report, err = finished(start_run(alone / "steward.yaml", {}))
    assert code == 0, err
    expected = model_files(alone / ".steward" / "lake")

    both = [start_run(project, store_env), start_run(project, store_env)]
    results = [finished(p) for p in both]
    for code, report, err in results:
        assert code == 0, err
        assert "Traceback" not in err
        assert_one_verdict_per_model(report)
    # One of them waited for the other, and said whom it waited for.
    assert any("is in use by" in err for _, _, err in results), [e for _, _, e in results]
    assert model_files(lake) == expected
    assert not list(lake.rglob("*.inprogress"))
    dagster_runs = {d for _, report, _ in results for d in report["dagster_runs"]}
    runs = [r for r in Steward.from_path(project, env=store_env).runs(limit=50)
            if r.run_id in dagster_runs]
    assert len(runs) == 2 * len(ORDER) and {r.status for r in runs} == {"succeeded"}
