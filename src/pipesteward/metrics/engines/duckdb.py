"""The DuckDB engine: embedded, over the Parquet lake, within the spec's memory and threads.

`memory_limit` and `threads` come from the spec's `compute` section; with a spill directory
set, a day larger than memory spills to disk instead of dying.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from pipesteward.errors import UserError
from pipesteward.metrics.engines import EngineSettings
from pipesteward.metrics.sources import Relation


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def memory_limit_problem(value: str, con: Any = None) -> str | None:
    """Why DuckDB refuses `memory_limit` (None when it sets it), asked of DuckDB itself."""
    own = con is None
    con = con or duckdb.connect()
    try:
        con.execute(f"SET memory_limit = {_quote(value)}")
    except duckdb.Error as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return f"DuckDB does not accept '{value}' ({reason}); write a size such as 4GB or 80%"
    finally:
        if own:
            con.close()
    return None


class DuckDBEngine:
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, settings: EngineSettings):
        self.settings = settings
        self.con = duckdb.connect(config={"preserve_insertion_order": False})
        self.con.execute("SET enable_progress_bar = false")  # the CLI shows its own progress
        if settings.memory_limit:
            problem = memory_limit_problem(settings.memory_limit, self.con)
            if problem:
                self.con.close()
                raise UserError(f"compute.memory_limit: {problem}")
        if settings.threads:
            self.con.execute(f"SET threads = {int(settings.threads)}")
        if settings.spill_dir:
            settings.spill_dir.mkdir(parents=True, exist_ok=True)
            self.con.execute(f"SET temp_directory = {_quote(str(settings.spill_dir))}")

    def _register(self, relation: Relation) -> None:
        cols = relation.columns
        typed = all(cols.values())
        if relation.files:
            files = ", ".join(_quote(p.as_posix()) for p in relation.files)
            select = (
                ", ".join(f"CAST({_ident(c)} AS {t}) AS {_ident(c)}" for c, t in cols.items())
                if typed else "*"
            )
            hive = ""
            if relation.base is not None:
                select += ', CAST("date" AS DATE) AS "_partition"'
                hive = ", hive_partitioning = true"
            body = f"SELECT {select} FROM read_parquet([{files}], union_by_name = true{hive})"
        else:
            # No partitions (e.g. an upstream model not yet built): an empty relation.
            body = "SELECT " + ", ".join(
                f"CAST(NULL AS {t or 'VARCHAR'}) AS {_ident(c)}" for c, t in cols.items()
            ) + " WHERE false"
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {_ident(relation.name)} AS {body}")

    def query(self, sql: str, relations: Mapping[str, Relation]) -> Any:
        for relation in relations.values():
            self._register(relation)
        return self.con.sql(sql).to_arrow_table()

    def stage(self, name: str, sql: str, relations: Mapping[str, Relation]) -> None:
        for relation in relations.values():
            self._register(relation)
        # A temp table: computed once, spills to temp_directory when it outgrows memory_limit.
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_ident(name)} AS {sql}")

    def close(self) -> None:
        self.con.close()

    @staticmethod
    def failure_kind(exc: BaseException) -> str | None:
        """resource / outage for DuckDB's own exceptions; None when it is not one of them."""
        if isinstance(exc, duckdb.OutOfMemoryException):
            return "resource"
        if isinstance(exc, duckdb.IOException | duckdb.HTTPException):
            return "outage"
        return None
