"""Engines run a model's SQL over named relations and hand back an Arrow table.

One small interface, two implementations: DuckDB (default, embedded; `duckdb.py`) and Spark
(`spark.py`, the only module that imports pyspark). `open_engine` is the one wiring point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pipesteward.metrics.sources import Relation

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineSettings:
    """From the spec's `compute` section, plus where an engine may spill."""

    memory_limit: str | None = None
    threads: int | None = None
    spill_dir: Path | None = None
    spark_master: str = "local[2]"


class Engine(Protocol):
    name: str
    dialect: str  # the SQLGlot dialect the engine runs

    def query(self, sql: str, relations: Mapping[str, Relation]) -> Any:
        """Register the relations under their names, run `sql`, return a pyarrow Table."""
        ...

    def stage(self, name: str, sql: str, relations: Mapping[str, Relation]) -> None:
        """Register the relations, then keep the result of `sql` as the relation `name` for
        the next queries (a shared relation: built once, read by several models)."""
        ...

    def failure_kind(self, exc: BaseException) -> str | None:
        """"resource" or "outage" when `exc` is one of the engine's own; None otherwise."""
        ...

    def close(self) -> None: ...


def open_engine(name: str, settings: EngineSettings) -> Engine:
    if name == "duckdb":
        from pipesteward.metrics.engines.duckdb import DuckDBEngine

        return DuckDBEngine(settings)
    if name == "spark":
        from pipesteward.metrics.engines.spark import SparkEngine

        return SparkEngine(settings)
    from pipesteward.errors import UserError

    raise UserError(f"unknown engine '{name}'; choose one of {', '.join(ENGINES)}")
