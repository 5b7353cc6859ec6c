"""The Spark engine's settings for a cluster, and a cluster it cannot use as a setting to fix.

An `sc://` or `spark://` URL where nothing listens, and a Connect client with a package missing,
are bad input (exit 2, one line naming `compute.spark_master`), found before any run is
recorded and never retried: not a "logic" failure after minutes of Spark's own retries.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipesteward.cli import app
from pipesteward.metrics.engines import EngineSettings
from pipesteward.metrics.engines.spark import CLUSTER_SHUFFLE_PARTITIONS, endpoints, session_conf
from tests.conftest import require
from tests.metrics.spark_servers import free_port


def with_master(spec: Path, master: str) -> Path:
    spec.write_text(spec.read_text() + f"\ncompute:\n  spark_master: {master}\n")
    return spec


def assert_setting_error(exit_code: int, stderr: str, master: str) -> None:
    assert exit_code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: compute.spark_master {master}")
    assert "Traceback" not in stderr and "logic" not in stderr


@pytest.fixture(autouse=True)
def _pyspark() -> None:
    require(importlib.util.find_spec("pyspark") is not None, "pyspark is not installed")


@pytest.mark.parametrize("scheme, what", [("sc", "Spark Connect server"),
                                          ("spark", "Spark master")])
def test_an_unreachable_master_is_a_setting_to_fix(project: Path, scheme: str,
                                                   what: str) -> None:
    master = f"{scheme}://127.0.0.1:{free_port()}"  # nothing listens there
    spec = str(with_master(project, master))
    cli = CliRunner()
    done = cli.invoke(app, ["run", "--spec", spec, "--date", "2025-01-02", "--engine", "spark"])
    assert_setting_error(done.exit_code, done.stderr, master)
    assert f"no {what} answers" in done.stderr and "Connection refused" in done.stderr
    # Found before any model ran: nothing recorded, so nothing to retry or page about.
    runs = cli.invoke(app, ["runs", "--spec", spec, "--json"])
    assert json.loads(runs.output)["runs"] == []


def test_a_missing_connect_client_package_names_it(project: Path, tmp_path: Path) -> None:
    """grpcio-status hidden from a real `steward run` (as if never installed)."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text('import sys\nsys.modules["grpc_status"] = None\n')
    master = f"sc://127.0.0.1:{free_port()}"
    spec = with_master(project, master)
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(shim), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "pipesteward", "run", "--spec", str(spec), "--date",
         "2025-01-02", "--engine", "spark"],
        env=env, capture_output=True, text=True, timeout=300)
    assert_setting_error(done.returncode, done.stderr, master)
    assert "grpcio-status" in done.stderr
    assert "pip install 'pipesteward[spark]'" in done.stderr


def test_a_cluster_starts_from_a_modest_adaptive_shuffle() -> None:
    conf = session_conf(EngineSettings(spark_master="spark://spark-master.internal:7077"))
    assert conf["spark.sql.adaptive.enabled"] == "true"
    assert conf["spark.sql.adaptive.coalescePartitions.enabled"] == "true"
    assert conf["spark.sql.adaptive.coalescePartitions.parallelismFirst"] == "false"
    assert conf["spark.sql.shuffle.partitions"] == str(CLUSTER_SHUFFLE_PARTITIONS)
    # A remote cluster must reach the driver at the address Spark picks (or SPARK_LOCAL_IP).
    assert "spark.driver.host" not in conf
    connect = session_conf(EngineSettings(spark_master="sc://connect.internal:15002"))
    assert connect["spark.sql.shuffle.partitions"] == str(CLUSTER_SHUFFLE_PARTITIONS)
    local = session_conf(EngineSettings(spark_master="local[3]"))
    assert local["spark.sql.shuffle.partitions"] == "3"
    assert "spark.sql.adaptive.coalescePartitions.parallelismFirst" not in local


def test_a_loopback_cluster_keeps_the_driver_on_loopback() -> None:
    conf = session_conf(EngineSettings(spark_master="spark://127.0.0.1:7077"))
    assert conf["spark.driver.host"] == conf["spark.driver.bindAddress"] == "127.0.0.1"


def test_the_addresses_a_master_url_names() -> None:
    assert endpoints("spark://a:7078,b") == [("a", 7078), ("b", 7077)]
    assert endpoints("sc://h/;token=x") == [("h", 15002)]
    assert endpoints("sc://[::1]:15003") == [("::1", 15003)]
    assert endpoints("yarn") == endpoints("local[2]") == endpoints("k8s://https://h:6443") == []
