"""Dagster's storage on PostgreSQL (dagster-postgres) when STEWARD_DAGSTER_DATABASE_URL is set:
the runs of `steward backfill` land in that database, the generated dagster.yaml names the
variable (never the password), and a URL Dagster cannot use is a setting error."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from pipesteward.cli import app
from tests.metrics.lakes import END, make_lake

pytestmark = pytest.mark.postgres


@pytest.fixture
def dagster_url(pg_url: str) -> Iterator[str]:
    """A database of its own on the test server: Dagster's tables (`runs`, ...) must not meet
    the ops store's."""
    server = make_url(pg_url).set(drivername="postgresql+psycopg2")
    name = f"steward_dagster_{uuid.uuid4().hex[:8]}"
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_backfill_runs_are_recorded_in_postgresql(project: Path, dagster_url: str) -> None:
    make_lake(project.parent / ".steward" / "lake", users=200)
    start = END - timedelta(days=2)
    done = CliRunner().invoke(
        app, ["backfill", "--spec", str(project), "--start", str(start), "--end", str(END)],
        env={"STEWARD_DAGSTER_DATABASE_URL": dagster_url})
    assert done.exit_code == 0, done.output
    with psycopg.connect(dagster_url.replace("+psycopg2", "")) as conn:
        jobs = [r[0] for r in conn.execute("SELECT pipeline_name FROM runs WHERE status = "
                                           "'SUCCESS'")]
    assert jobs and set(jobs) <= {"daily_models", "investor_month"}, jobs
    text = (project.parent / "dagster.yaml").read_text()
    # The URL (and its password) stays in the environment; the file names the variable.
    assert "postgres_url:\n      env: STEWARD_DAGSTER_DATABASE_URL" in text
    assert dagster_url not in text and "@127.0.0.1" not in text
    # Without the setting the project goes back to its own SQLite history.
    done = CliRunner().invoke(
        app, ["backfill", "--spec", str(project), "--start", str(END), "--end", str(END)],
        env={"STEWARD_DAGSTER_DATABASE_URL": ""})
    assert done.exit_code == 0, done.output
    assert "postgres" not in (project.parent / "dagster.yaml").read_text()


def test_a_url_dagster_cannot_use_is_a_setting_error(project: Path) -> None:
    make_lake(project.parent / ".steward" / "lake", users=200)
    done = CliRunner().invoke(
        app, ["backfill", "--spec", str(project), "--start", str(END), "--end", str(END)],
        env={"STEWARD_DAGSTER_DATABASE_URL": "postgresql://u:p@127.0.0.1/x"})
    assert done.exit_code == 2, done.output
    assert "STEWARD_DAGSTER_DATABASE_URL must be a postgresql+psycopg2://" in done.output
    assert "Traceback" not in done.output
