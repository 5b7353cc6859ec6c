"""The Spark engine, in local mode, against DuckDB: the same rows, partitions and logic_version.

One small generated lake (300 users, 40 days across the ends of January and February, one day
without orders) is backfilled on each engine; one SparkSession serves the whole module (the
JVM start is most of the cost). Locally the Spark tests skip without pyspark or Java; in CI
(`CI=true`, `.ci/run`) they fail instead.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel
from typer.testing import CliRunner

from pipesteward.cli import app
from pipesteward.metrics.engines import EngineSettings
from pipesteward.metrics.models import ORDER, logic_version, render
from pipesteward.metrics.runner import ModelResult, ModelRunner
from tests.conftest import require
from tests.metrics.lakes import END, START, assert_same_outputs, make_lake, partitions

ENGINES = ("duckdb", "spark")
NY = "America/New_York"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """The module's one SparkSession (a runner's engine gets the same one: getOrCreate)."""
    require(importlib.util.find_spec("pyspark") is not None, "pyspark is not installed")
    require(bool(shutil.which("java") or os.environ.get("JAVA_HOME")), "no Java for Spark")
    from pipesteward.metrics.engines.spark import SparkEngine

    engine = SparkEngine(EngineSettings(spark_master="local[2]"))
    yield engine
    engine.spark.stop()


@pytest.fixture(scope="module")
def base_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_lake(tmp_path_factory.mktemp("spark_base") / "lake", users=300)


def backfill(base: Path, root: Path, engine: str, start: date, end: date,
             models: tuple[str, ...] = ORDER, tz: str = "UTC") -> tuple[Path, dict]:
    lake = root / engine
    shutil.copytree(base / "sources", lake / "sources")
    shutil.copytree(base / "_quality" / "accepted", lake / "_quality" / "accepted")
    runner = ModelRunner(lake, engine=engine, reporting_timezone=tz)
    try:
        return lake, {m: runner.run(m, start, end) for m in models}
    finally:
        runner.close()


@pytest.fixture(scope="module")
def backfills(spark: Any, base_lake: Path,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    root = tmp_path_factory.mktemp("spark_vs_duckdb")
    return {engine: backfill(base_lake, root, engine, START, END) for engine in ENGINES}


# ---------------------------------------------------------------------------- transpilation
@pytest.mark.parametrize("tz", ["UTC", NY])
@pytest.mark.parametrize("model", ORDER)
def test_model_sql_transpiles_to_spark_without_warnings(
    model: str, tz: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        sql = render(model, START, END, tz, dialect="spark")  # unsupported: raises
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")], caplog.text
    sqlglot.parse_one(sql, read="spark", error_level=ErrorLevel.RAISE)
    for duckdb_only in (r"generate_series\(", r"unnest\(", r"\bqualify\b", r"strftime\(",
                        r"arg_max\(", r"read_parquet\(", r"\bat time zone\b"):
        assert not re.search(duckdb_only, sql, re.IGNORECASE), (model, duckdb_only)


# ---------------------------------------------------------------------------- same rows
@pytest.mark.parametrize("model", ORDER)
def test_spark_and_duckdb_backfills_give_the_same_rows(
    backfills: dict[str, tuple[Path, dict]], model: str
) -> None:
    (duck, duck_results), (spark, spark_results) = backfills["duckdb"], backfills["spark"]
    d: ModelResult = duck_results[model]
    s: ModelResult = spark_results[model]
    assert d.status == s.status == "succeeded"
    assert (d.rows, d.partitions) == (s.rows, s.partitions) and d.rows > 0
    # logic_version fingerprints the SQL as written (DuckDB dialect) and the definitions, not
    # the engine: the same rows carry the same version whichever engine computed them.
    assert d.logic_version == s.logic_version == logic_version(model)
    assert_same_outputs(duck, spark, model)


def test_the_reporting_day_in_another_time_zone_is_the_same(
    spark: Any, base_lake: Path, tmp_path: Path
) -> None:
    # Partitions are UTC days; New York days straddle two of them (a margin day each side).
    start, end = date(2025, 2, 26), date(2025, 3, 3)
    lakes = {e: backfill(base_lake, tmp_path, e, start, end, ("daily_growth",), NY)[0]
             for e in ENGINES}
    assert_same_outputs(lakes["duckdb"], lakes["spark"], "daily_growth")


# ---------------------------------------------------------------------------- CLI
def test_steward_backfill_engine_spark_end_to_end(spark: Any, project: Path) -> None:
    cli, spec = CliRunner(), str(project)
    done = cli.invoke(app, ["data", "generate", "--spec", spec, "--start", "2025-02-26",
                            "--days", "4", "--users", "200", "--seed", "3", "--json"])
    assert done.exit_code == 0, done.output
    done = cli.invoke(app, ["backfill", "--spec", spec, "--start", "2025-02-27",
                            "--end", "2025-03-01", "--engine", "spark", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["ok"] and [p["pipeline"] for p in report["pipelines"]] == list(ORDER)
    assert all(p["status"] == "succeeded" and p["rows"] > 0 for p in report["pipelines"])
    lake = project.parent / ".steward" / "lake"
    assert {k for m in ORDER for k in partitions(lake, m)} >= {
        "date=2025-02-27/part-0.parquet", "date=2025-03-01/part-0.parquet",
        "month=2025-02/part-0.parquet", "month=2025-03/part-0.parquet"}
    runs = json.loads(cli.invoke(app, ["runs", "--spec", spec, "--json"]).output)["runs"]
    assert runs and all(r["engine"] == "spark" for r in runs)


QUIET = """
from pipesteward.metrics.engines import EngineSettings
from pipesteward.metrics.engines.spark import SparkEngine
engine = SparkEngine(EngineSettings(spark_master="local[1]"))
print(engine.spark.sql("SELECT 1 AS x").collect()[0].x)
try:
    engine.spark.sql("SELECT * FROM no_such_table")
except Exception as e:
    print(type(e).__name__)
"""


def test_the_jvm_starts_and_fails_without_noise_on_stderr(spark: Any) -> None:
    """A fresh process (its own JVM): no log4j or JVM start-up lines, and a failing query is
    raised to the caller, not also logged with its Java stack."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", QUIET], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "AnalysisException"]
    assert done.stderr == "", done.stderr  # e.g. "WARNING: Using incubator modules", WARN ...
