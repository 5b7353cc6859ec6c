"""The Spark engine on real servers: a standalone cluster (`spark://`) and Spark Connect (`sc://`).

Both are started on loopback from pyspark's own launcher (tests/metrics/spark_servers.py); a
`steward backfill --engine spark` with `compute.spark_master` naming each must give exactly the
rows DuckDB gives for all five models. In CI (`CI=true`) a missing pyspark or Java fails.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pipesteward.app import EXAMPLE_FILES, EXAMPLE_TEAM
from pipesteward.metrics.models import ORDER
from pipesteward.metrics.runner import ModelRunner
from tests.conftest import require
from tests.metrics.lakes import assert_same_outputs, make_lake
from tests.metrics.spark_servers import connect_server, spark_env, standalone_cluster

pytestmark = pytest.mark.slow

START, END = date(2025, 2, 25), date(2025, 3, 2)  # crosses a month end


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The generated sources, and the DuckDB backfill of them to compare with."""
    require(importlib.util.find_spec("pyspark") is not None, "pyspark is not installed")
    require(bool(shutil.which("java") or os.environ.get("JAVA_HOME")), "no Java for Spark")
    base = make_lake(tmp_path_factory.mktemp("servers") / "lake", users=200)
    duck = tmp_path_factory.mktemp("duckdb") / "lake"
    shutil.copytree(base / "sources", duck / "sources")
    runner = ModelRunner(duck)
    try:
        for model in ORDER:
            assert runner.run(model, START, END).status == "succeeded"
    finally:
        runner.close()
    yield base, duck


def backfill_on(master: str, base: Path, root: Path) -> Path:
    """`steward backfill --engine spark` in a project whose spec names `master`."""
    shutil.copytree(EXAMPLE_TEAM, root / "team", ignore=EXAMPLE_FILES)
    spec = root / "team" / "steward.yaml"
    spec.write_text(spec.read_text() + f"\ncompute:\n  spark_master: {master}\n")
    lake = root / "team" / ".steward" / "lake"
    shutil.copytree(base / "sources", lake / "sources")
    done = subprocess.run(
        [sys.executable, "-m", "pipesteward", "backfill", "--spec", str(spec), "--start",
         str(START), "--end", str(END), "--engine", "spark", "--json"],
        env=spark_env(root), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert [p["status"] for p in report["pipelines"]] == ["succeeded"] * len(ORDER)
    return lake


def test_a_standalone_cluster_gives_the_duckdb_rows(
    lakes: tuple[Path, Path], tmp_path: Path
) -> None:
    base, duck = lakes
    with standalone_cluster(tmp_path / "cluster") as master:
        lake = backfill_on(master, base, tmp_path)
    for model in ORDER:
        assert_same_outputs(duck, lake, model)


def test_spark_connect_gives_the_duckdb_rows(lakes: tuple[Path, Path], tmp_path: Path) -> None:
    base, duck = lakes
    with connect_server(tmp_path / "connect") as url:
        lake = backfill_on(url, base, tmp_path)
    for model in ORDER:
        assert_same_outputs(duck, lake, model)
