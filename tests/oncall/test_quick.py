"""`steward oncall who` stays quick: no SQLAlchemy, Alembic or holiday country modules on its
path once the calendar cache is filled, even with run-time records in the store."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from pipesteward.app import Steward
from pipesteward.oncall.records import Absence
from pipesteward.store.oncall import OnCallStore
from tests.test_layers import imported_by

SLOW = {"sqlalchemy", "alembic", "dagster", "duckdb", "pyspark", "pandas", "pyarrow"}


def modules_of_who(project: Path) -> set[str]:
    return imported_by(["oncall", "who", "--spec", str(project), "--at", "2026-12-25T12:00"])


def full_modules_of_who(project: Path) -> set[str]:
    """Every module (not only top-level packages) `oncall who` imports."""
    code = (
        "import sys\nfrom pipesteward.cli import app\n"
        f"try:\n    app(['oncall', 'who', '--spec', {str(project)!r}])\n"
        "except SystemExit:\n    pass\n"
        "import json; print('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_who_reads_run_time_records_without_sqlalchemy(project: Path) -> None:
    steward = Steward.from_path(project, env={})
    away = Absence("A", date(2026, 12, 24), date(2026, 12, 27))
    OnCallStore(steward.store).add_absence(away, "A", datetime(2026, 11, 1, tzinfo=UTC))
    steward.store.dispose()
    assert not modules_of_who(project) & SLOW


def test_who_with_a_filled_calendar_cache_skips_the_holiday_countries(project: Path) -> None:
    modules_of_who(project)  # fills the cache
    assert (project.parent / ".steward" / "cache").is_dir()
    assert "holidays.countries" not in full_modules_of_who(project)
