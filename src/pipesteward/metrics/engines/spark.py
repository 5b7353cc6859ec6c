"""The Spark engine: the same model SQL, transpiled by SQLGlot, on a Spark session.

The only module that imports pyspark. The session's master comes from the spec
(`compute.spark_master`: `local[2]`, `spark://...`, or a Spark Connect `sc://...` URL).
Relations are temporary views over the same Parquet files the DuckDB engine reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipesteward.errors import UserError
from pipesteward.metrics.engines import EngineSettings
from pipesteward.metrics.sources import Relation

_SPARK_TYPES = {"BIGINT": "BIGINT", "TIMESTAMP": "TIMESTAMP_NTZ", "VARCHAR": "STRING",
                "BOOLEAN": "BOOLEAN", "DECIMAL(18,2)": "DECIMAL(18,2)"}


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
        builder = SparkSession.builder.appName("pipesteward")
        master = settings.spark_master
        if master.startswith("sc://"):
            builder = builder.remote(master)
        else:
            builder = builder.master(master)
        self.spark = builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()

    def _register(self, relation: Relation) -> None:
        cols = relation.columns
        if relation.files:
            df = self.spark.read.parquet(*[p.as_posix() for p in relation.files])
            if all(cols.values()):
                df = df.selectExpr(
                    *[f"CAST(`{c}` AS {_SPARK_TYPES[t]}) AS `{c}`" for c, t in cols.items()]
                )
        else:
            select = ", ".join(
                f"CAST(NULL AS {_SPARK_TYPES.get(t, 'STRING')}) AS `{c}`" for c, t in cols.items()
            )
            df = self.spark.sql(f"SELECT {select} WHERE false")
        df.createOrReplaceTempView(relation.name)

    def query(self, sql: str, relations: Mapping[str, Relation]) -> Any:
        for relation in relations.values():
            self._register(relation)
        df = self.spark.sql(sql)
        if hasattr(df, "toArrow"):  # Spark 4
            return df.toArrow()
        import pyarrow as pa

        return pa.Table.from_pandas(df.toPandas(), preserve_index=False)

    def close(self) -> None:
        pass  # the session is shared by the process; Spark stops it at exit
