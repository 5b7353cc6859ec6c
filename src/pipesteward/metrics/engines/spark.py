"""The Spark engine: the same model SQL, transpiled by SQLGlot, on a Spark session.

The only module that imports pyspark. The session's master comes from the spec
(`compute.spark_master`: `local[2]`, `spark://...`, `yarn`, or a Spark Connect `sc://...` URL).
Relations are temporary views over the same Parquet files the DuckDB engine reads, cast to the
same contract types; the result comes back as an Arrow table with the same schema DuckDB gives
(every column nullable), so the runner writes it through the same atomic writer and both
engines produce the same partitions.

Time: the session time zone is UTC. Source timestamps are naive UTC (`TIMESTAMP_NTZ`), and the
reporting day (`CAST(ts AS DATE)`, or `from_utc_timestamp(ts, tz)` for another reporting time
zone after transpilation) is then computed exactly as DuckDB computes it.
"""

from __future__ import annotations

import os
import re
import socket
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipesteward.errors import UserError
from pipesteward.metrics.engines import EngineSettings
from pipesteward.metrics.sources import Relation


def spark_type(sql_type: str) -> str:
    """A contract type (DuckDB spelling) in Spark's: naive TIMESTAMP is TIMESTAMP_NTZ (the
    sources' timestamps are naive UTC), the rest through SQLGlot (VARCHAR is STRING, ...)."""
    from sqlglot import exp

    if not sql_type:
        return "STRING"
    data_type = exp.DataType.build(sql_type, dialect="duckdb")
    if data_type.is_type(exp.DataType.Type.TIMESTAMP):
        return "TIMESTAMP_NTZ"
    return data_type.sql(dialect="spark")

CLUSTER_SHUFFLE_PARTITIONS = 16
LOG4J = Path(__file__).with_name("log4j2.properties")

# Spark reports the JVM's failures as text (Py4JJavaError, captured exceptions, Connect errors).
_RESOURCE = re.compile(
    r"OutOfMemoryError|SparkOutOfMemoryError|GC overhead limit|Container killed|"
    r"ExecutorLostFailure|exceeding memory limits", re.IGNORECASE)
_OUTAGE = re.compile(
    r"java\.io\.IOException|java\.net\.\w+Exception|Connection refused|connection reset|"
    r"StatusCode\.UNAVAILABLE|Py4JNetworkError|FetchFailed", re.IGNORECASE)

# What the JVM and Spark's shell support print at every start whatever the log level: the
# launcher's `--add-modules=jdk.incubator.vector` and the "default log level" notice.
_STARTUP_NOISE = re.compile(
    rb"^WARNING: Using incubator modules|^Setting default log level to|"
    rb"^To adjust logging level use sc\.setLogLevel|NativeCodeLoader")

# pyspark warns that it does not fully support pandas >= 3; the engine uses no pandas (Arrow).
_PANDAS_WARNING = ".*pandas.*"


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


def local_cores(master: str) -> int:
    """The worker threads of a local master: `local` 1, `local[4]` 4, `local[*]` every core."""
    m = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\s*\d+)?\])?", master.strip())
    if not m or m.group(1) is None:
        return 1
    return os.cpu_count() or 1 if m.group(1) == "*" else int(m.group(1))


CONNECT_SECONDS = 5.0  # how long to wait for a cluster's master or Connect server to answer
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def endpoints(master: str) -> list[tuple[str, int]]:
    """The (host, port) a `spark://` master (several for a standby list) or an `sc://` Connect
    URL names, with Spark's default ports; none for local, yarn or k8s (no single address)."""
    scheme, _, rest = master.partition("://")
    if scheme not in ("spark", "sc") or not rest:
        return []
    default = 7077 if scheme == "spark" else 15002
    hosts = rest.split("/")[0].split(";")[0]
    found = []
    for item in hosts.split(","):
        host, _, port = item.strip().rpartition(":") if ":" in item else (item.strip(), "", "")
        host = host.strip("[]")
        if host and (not port or port.isdigit()):
            found.append((host, int(port) if port else default))
    return found


def _driver_memory(limit: str | None) -> str | None:
    """`compute.memory_limit` ("4GB", "512MB", "8GiB") in Spark's spelling ("4g", "512m")."""
    m = re.fullmatch(r"\s*(\d+)\s*([kmgt])i?b?\s*", (limit or "").lower())
    return f"{m.group(1)}{m.group(2)}" if m else None


def session_conf(settings: EngineSettings) -> dict[str, str]:
    """The Spark configuration a session is built with (pure; for tests and the docs)."""
    conf = {
        # Timestamps are naive UTC; with a UTC session the reporting day is DuckDB's.
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
        # The CLI draws its own progress; no console bars, no web UI for a batch job.
        "spark.ui.showConsoleProgress": "false",
        "spark.ui.enabled": "false",
        # A range reads one file per day and table: list them on the driver, not in a job.
        "spark.sql.sources.parallelPartitionDiscovery.threshold": "100000",
    }
    master = settings.spark_master
    if is_local(master):
        # Small shuffles on one machine: one partition per thread, not the cluster's 200.
        conf["spark.sql.shuffle.partitions"] = str(local_cores(master))
    else:
        # A day is small next to a cluster: start from a modest shuffle, and let adaptive
        # execution merge its partitions up to the advisory size (64 MB) rather than keep one
        # task per core; a large range still splits by size.
        conf["spark.sql.adaptive.enabled"] = "true"
        conf["spark.sql.adaptive.coalescePartitions.enabled"] = "true"
        conf["spark.sql.adaptive.coalescePartitions.parallelismFirst"] = "false"
        conf["spark.sql.shuffle.partitions"] = str(CLUSTER_SHUFFLE_PARTITIONS)
    hosts = endpoints(master)
    if is_local(master) or (hosts and all(h in _LOOPBACK for h, _ in hosts)):
        # Executors on this machine: keep the driver off the outside address.
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        conf["spark.driver.host"] = "127.0.0.1"
    if is_local(master):
        memory = _driver_memory(settings.memory_limit)
        if memory:
            conf["spark.driver.memory"] = memory
        # Errors only: without a profile of its own Spark prints start-up warnings every run.
        conf["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={LOG4J.as_uri()}"
    return conf


class SparkEngine:
    name = "spark"
    dialect = "spark"

    def __init__(self, settings: EngineSettings):
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise UserError(
                "the spark engine needs pyspark: pip install pyspark (or use --engine duckdb)"
            ) from None
        self.settings = settings
        master = settings.spark_master
        if master.startswith("sc://"):
            _check_connect_client(master)
        _check_reachable(master)
        builder = SparkSession.builder.appName("pipesteward")
        builder = builder.remote(master) if master.startswith("sc://") else builder.master(master)
        for key, value in session_conf(settings).items():
            if master.startswith("sc://") and not key.startswith("spark.sql."):
                continue  # a Connect server owns its static configuration
            builder = builder.config(key, value)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
            if not master.startswith("sc://"):
                _quiet_jvm(master, session_conf(settings))
            self.spark = builder.getOrCreate()
        # An existing session (getOrCreate) keeps its static conf; the SQL ones apply anyway.
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        if not master.startswith("sc://"):
            self.spark.sparkContext.setLogLevel("ERROR")
        self._staged: dict[str, Any] = {}

    def _register(self, relation: Relation) -> None:
        cols = relation.columns
        if relation.files:
            # file: URLs, so a cluster whose default file system is HDFS (YARN, EMR) reads
            # the shared mount the driver sees, not HDFS paths of the same name.
            reader = self.spark.read
            if relation.base is not None:  # `date=...` folders become the `date` column
                reader = reader.option("basePath", f"file://{relation.base.absolute().as_posix()}")
            df = reader.parquet(*[f"file://{p.absolute().as_posix()}" for p in relation.files])
            if all(cols.values()):
                exprs = [f"CAST(`{c}` AS {spark_type(t)}) AS `{c}`" for c, t in cols.items()]
                if relation.base is not None:
                    exprs.append("CAST(`date` AS DATE) AS `_partition`")
                df = df.selectExpr(*exprs)
        else:
            # No partitions (e.g. an upstream model not yet built): an empty relation.
            select = ", ".join(
                f"CAST(NULL AS {spark_type(t)}) AS `{c}`" for c, t in cols.items()
            )
            df = self.spark.sql(f"SELECT {select} WHERE false")
        df.createOrReplaceTempView(relation.name)

    def query(self, sql: str, relations: Mapping[str, Relation]) -> Any:
        for relation in relations.values():
            self._register(relation)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
            table = self.spark.sql(sql).toArrow()
        return as_duckdb_schema(table)

    def stage(self, name: str, sql: str, relations: Mapping[str, Relation]) -> None:
        for relation in relations.values():
            self._register(relation)
        old = self._staged.pop(name, None)
        if old is not None:
            old.unpersist()
        # Cached: computed by the first query that reads it, then kept for the next ones.
        df = self.spark.sql(sql).cache()
        df.createOrReplaceTempView(name)
        self._staged[name] = df

    @staticmethod
    def failure_kind(exc: BaseException) -> str | None:
        """resource for the JVM running out of memory or losing an executor, outage for I/O
        and connection failures; None otherwise (then the error is in the SQL or the data)."""
        text = f"{type(exc).__name__}: {exc}"
        if _RESOURCE.search(text):
            return "resource"
        if _OUTAGE.search(text):
            return "outage"
        return None

    def close(self) -> None:
        # The session is shared by the process (one JVM; Spark stops it at exit); the cached
        # shared relations are this engine's.
        for df in self._staged.values():
            df.unpersist()
        self._staged.clear()


def _quiet_jvm(master: str, conf: Mapping[str, str]) -> None:
    """Start the driver's JVM (once per process) with its stderr through a filter that drops
    the start-up lines and passes everything else on, for as long as the JVM lives."""
    import logging
    import subprocess
    import threading

    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.logger import PySparkLogger

    # A failing query is raised and the runner reports it in one line; pyspark would also log
    # it, Java stack and all, as JSON on stderr.
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL + 1)
    if SparkContext._gateway is not None:
        return
    spark_conf = SparkConf().setMaster(master).setAppName("pipesteward").setAll(list(conf.items()))
    gateway = launch_gateway(spark_conf, popen_kwargs={"stderr": subprocess.PIPE})
    SparkContext._ensure_initialized(gateway=gateway)
    threading.Thread(target=_forward, args=(gateway.proc.stderr,), daemon=True,
                     name="spark-stderr").start()


def _forward(stream: Any) -> None:
    for line in iter(stream.readline, b""):
        if not _STARTUP_NOISE.search(line):
            os.write(2, line)


def _check_connect_client(master: str) -> None:
    """A Connect URL needs pyspark's Connect client (grpcio, grpcio-status, ...); pyspark names
    the missing package when it loads the client."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
            import pyspark.sql.connect.session  # noqa: F401
    except ImportError as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(
            f"compute.spark_master {master} is a Spark Connect URL but its client cannot load "
            f"({reason}); pip install 'pipesteward[spark]' (pyspark[connect]), or use a "
            "spark:// or local[N] master"
        ) from None


def _check_reachable(master: str, timeout: float = CONNECT_SECONDS) -> None:
    """A spark:// master or sc:// server that does not answer is a setting to fix, found in
    seconds: Spark itself retries registering with a master for a minute, and a Connect
    client for minutes, before it fails."""
    hosts = endpoints(master)
    reasons = []
    for host, port in hosts:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except OSError as e:
            reasons.append(f"{host}:{port}: {e.strerror or e}")
    if hosts:
        what = "Spark Connect server" if master.startswith("sc://") else "Spark master"
        raise UserError(
            f"compute.spark_master {master}: no {what} answers ({'; '.join(reasons)}); start "
            "it, or set compute.spark_master to a reachable URL (or local[2], or use "
            "--engine duckdb)"
        )


def as_duckdb_schema(table: Any) -> Any:
    """The Arrow table with the schema DuckDB gives the same query: every field nullable and
    plain (not large) strings, so the writer's Parquet files are the same on both engines."""
    import pyarrow as pa

    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_large_string(t) or pa.types.is_string_view(t):
            t = pa.string()
        elif pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
            t = pa.binary()
        fields.append(pa.field(f.name, t, nullable=True))
    schema = pa.schema(fields)
    return table if table.schema.equals(schema) else table.cast(schema)

