"""How a failed query is classified per engine: resource, outage or logic (the runbook's causes).

DuckDB's failures are provoked for real; Spark's JVM failures (out of memory, a lost executor,
a refused connection) cannot be provoked on a CI machine in reasonable time, so their
classification is checked on the texts Spark reports them with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipesteward.metrics.engines import EngineSettings
from pipesteward.metrics.engines.duckdb import DuckDBEngine
from pipesteward.metrics.engines.spark import SparkEngine
from pipesteward.metrics.runner import classify
from pipesteward.metrics.sources import CONTRACT, Relation


def test_duckdb_a_file_gone_between_plan_and_query_is_an_outage(tmp_path: Path) -> None:
    engine = DuckDBEngine(EngineSettings())
    gone = Relation("orders", (tmp_path / "part-0.parquet",), CONTRACT["orders"])
    try:
        with pytest.raises(Exception) as info:
            engine.query("SELECT count(*) FROM orders", {"orders": gone})
        assert classify(info.value, engine) == "outage"
    finally:
        engine.close()


def test_duckdb_out_of_memory_is_a_resource_limit() -> None:
    engine = DuckDBEngine(EngineSettings(memory_limit="20MB", threads=1))
    try:
        with pytest.raises(Exception) as info:
            engine.query("SELECT list(range) FROM range(50000000)", {})
        assert classify(info.value, engine) == "resource"
    finally:
        engine.close()


def test_duckdb_a_bad_column_is_a_logic_error() -> None:
    engine = DuckDBEngine(EngineSettings())
    try:
        with pytest.raises(Exception) as info:
            engine.query("SELECT no_such_column FROM range(3)", {})
        assert classify(info.value, engine) == "logic"
    finally:
        engine.close()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("An error occurred while calling o123.toArrow.\n: java.lang.OutOfMemoryError: "
         "Java heap space", "resource"),
        ("Job aborted due to stage failure: ExecutorLostFailure (executor 1 exited caused by "
         "one of the running tasks) Reason: Container killed by YARN for exceeding memory "
         "limits", "resource"),
        ("[UNABLE_TO_ACQUIRE_MEMORY] SparkOutOfMemoryError: Unable to acquire 65536 bytes",
         "resource"),
        ("java.io.IOException: Input/output error reading part-0.parquet", "outage"),
        ("java.net.ConnectException: Connection refused (spark://cluster:7077)", "outage"),
        ("<_MultiThreadedRendezvous: StatusCode.UNAVAILABLE, failed to connect to all "
         "addresses>", "outage"),
        ("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column `revenu` cannot be resolved", "logic"),
    ],
)
def test_spark_failures_are_classified_from_their_text(text: str, kind: str) -> None:
    class Py4JJavaError(Exception):  # the class name pyspark raises; only the text matters
        pass

    assert classify(Py4JJavaError(text), SparkEngine.__new__(SparkEngine)) == kind
