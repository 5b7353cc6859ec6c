"""Layers stay clean and quick commands stay quick: what each entry point may import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("dagster", "duckdb", "pyspark", "pandas", "fastapi", "pyarrow", "sqlalchemy", "sqlglot")
ROOT = Path(__file__).resolve().parents[1]


def imported_by(args: list[str]) -> set[str]:
    """Top-level packages imported when the CLI runs with `args` (in a fresh interpreter)."""
    code = (
        "import sys\n"
        "from pipesteward.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "import json; print('\\n' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["oncall", "who", "--spec", "{spec}", "--at", "2026-12-25T12:00"],
        ["validate", "--spec", "{spec}"],
        ["pipelines", "--spec", "{spec}"],
    ],
)
def test_quick_commands_do_not_import_heavy_engines(args: list[str], project: Path) -> None:
    # A copy of the example team: answering writes a holiday cache beside the spec.
    args = [a.replace("{spec}", str(project)) for a in args]
    heavy = imported_by(args) & set(HEAVY)
    assert not heavy, f"`steward {' '.join(args)}` imported {sorted(heavy)}"


def test_dagster_and_fastapi_live_only_in_their_layers() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "TID251", "src"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout


def test_oncall_who_does_not_import_the_source_contracts(project: Path) -> None:
    code = (
        "import sys\n"
        "from pipesteward.cli import app\n"
        "try:\n"
        f"    app(['oncall', 'who', '--spec', {str(project)!r}, '--at', '2026-12-25T12:00'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n' + ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    modules = set(done.stdout.strip().splitlines()[-1].split())
    assert not modules & {"pipesteward.metrics.contract", "pipesteward.metrics.quality",
                          "pipesteward.checks.sources", "sqlglot"}
