"""Real Spark servers on loopback, started from pyspark's own launcher (`bin/spark-class`).

A standalone master with two one-core workers, and a Spark Connect server. Each runs in its own
process group so the fixture's stop takes the JVM and anything it started; every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_SECONDS = 180  # a JVM start on a loaded two-core machine


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_env(work: Path) -> dict[str, str]:
    return {**os.environ, "SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOG_DIR": str(work), "SPARK_WORKER_DIR": str(work / "worker"),
            "SPARK_NO_DAEMONIZE": "1"}


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Spark server exited ({proc.returncode}): {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the Spark server did not listen on {port}: {log.read_text()[-2000:]}")


@contextmanager
def _servers(work: Path, commands: list[tuple[list[str], int | None]]) -> Iterator[None]:
    (work / "worker").mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    try:
        for i, (args, port) in enumerate(commands):
            log = work / f"server-{i}.log"
            proc = subprocess.Popen(
                [str(spark_home() / "bin" / "spark-class"), *args], env=spark_env(work),
                stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
            procs.append(proc)
            if port is not None:
                _wait_for_port(port, proc, log)
        yield
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


@contextmanager
def standalone_cluster(work: Path, workers: int = 2) -> Iterator[str]:
    """`spark://127.0.0.1:PORT`: a master and `workers` workers of one core and 1 GiB each."""
    port = free_port()
    master = f"spark://127.0.0.1:{port}"
    commands: list[tuple[list[str], int | None]] = [(
        ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
         "--webui-port", str(free_port())], port)]
    for _ in range(workers):
        worker_port = free_port()
        commands.append((
            ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port",
             str(worker_port), "--webui-port", str(free_port()), "--cores", "1",
             "--memory", "1g", master], worker_port))
    with _servers(work, commands):
        yield master


@contextmanager
def connect_server(work: Path) -> Iterator[str]:
    """`sc://127.0.0.1:PORT`: a Spark Connect server over a local[2] Spark."""
    port = free_port()
    command = ["org.apache.spark.deploy.SparkSubmit", "--class",
               "org.apache.spark.sql.connect.service.SparkConnectServer", "--master", "local[2]",
               "--conf", f"spark.connect.grpc.binding.port={port}",
               "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
               "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.memory=1g",
               "spark-internal"]
    with _servers(work, [(command, port)]):
        yield f"sc://127.0.0.1:{port}"
