"""Where exports go: a folder of files, or a SQL table. Each writes a unit atomically and
reads it back; `ReadBack` is what the target holds now."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipesteward.exports.publish import Slot, publish, staged
from pipesteward.exports.rows import COLUMNS, Unit, canonical_csv, sha256

CSV_NAME = "investor_metrics.csv"
PARQUET_NAME = "investor_metrics.parquet"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ReadBack:
    rows: int | None
    checksum: str | None
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    problem: str = ""  # why it does not match, if the target itself can tell


class Target(Protocol):
    name: str
    kind: str

    def write(self, unit: Unit) -> dict[str, str]:
        """Replace the unit's period atomically; return the sha256 of each file written."""

    def read_back(self, grain: str, period: str) -> ReadBack: ...


# ------------------------------------------------------------------ files
class FilesTarget:
    """`<path>/day/date=YYYY-MM-DD/` and `<path>/month/month=YYYY-MM/`: CSV, Parquet, manifest;
    each a symlink to its version under `<path>/.versions/` (`publish.py`)."""

    kind = "files"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.name = f"files:{self.path}"

    def folder(self, grain: str, period: str) -> Path:
        return self.path / grain / f"{'date' if grain == 'day' else 'month'}={period}"

    def write(self, unit: Unit) -> dict[str, str]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        final = self.folder(unit.grain, unit.period)
        slot = Slot(self.path, unit.grain, final.name)
        with staged(slot) as folder:
            (folder / CSV_NAME).write_bytes(unit.csv)
            columns = list(zip(*unit.rows, strict=True)) if unit.rows else [()] * len(COLUMNS)
            table = pa.table({
                name: pa.array(list(values), type=pa.float64() if name == "value"
                               else pa.string())
                for name, values in zip(COLUMNS, columns, strict=True)
            })
            pq.write_table(table, folder / PARQUET_NAME)
            files = {n: sha256((folder / n).read_bytes()) for n in (CSV_NAME, PARQUET_NAME)}
            manifest = {"grain": unit.grain, "period": unit.period, "rows": len(unit.rows),
                        "checksum": unit.checksum,
                        "files": {n: {"sha256": h, "bytes": (folder / n).stat().st_size}
                                  for n, h in files.items()}}
            (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            for f in folder.iterdir():
                with open(f, "rb") as handle:
                    os.fsync(handle.fileno())
            version = publish(slot, folder)
        files[MANIFEST] = sha256((version / MANIFEST).read_bytes())
        return files

    def read_back(self, grain: str, period: str) -> ReadBack:
        import pyarrow.parquet as pq

        folder = self.folder(grain, period)
        if not folder.is_dir():
            return ReadBack(None, None, problem=f"{folder} is missing")
        files = {f.name: sha256(f.read_bytes()) for f in sorted(folder.iterdir()) if f.is_file()}
        csv_bytes = (folder / CSV_NAME).read_bytes() if CSV_NAME in files else b""
        rows = max(csv_bytes.count(b"\n") - 1, 0) if csv_bytes else None
        checksum = sha256(csv_bytes) if csv_bytes else None
        problem = ""
        if PARQUET_NAME in files:
            table = pq.ParquetFile(folder / PARQUET_NAME).read()
            parquet_sum = sha256(canonical_csv(zip(*(table.column(c).to_pylist()
                                                     for c in COLUMNS), strict=True)))
            if parquet_sum != checksum:
                problem = f"{PARQUET_NAME} and {CSV_NAME} hold different rows"
        else:
            problem = f"{PARQUET_NAME} is missing"
        return ReadBack(rows, checksum, files, problem)


# ------------------------------------------------------------------ sql
def url_problem(url: str) -> str | None:
    """Why SQLAlchemy cannot use a database URL (None when it can); never prints the URL,
    which may carry a password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return ("is not a database URL; write one such as sqlite:///metrics.db or "
                "postgresql+psycopg://user:password@host/db")
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        return (f"names the driver '{parsed.drivername}', which is not installed; use "
                "sqlite or postgresql+psycopg")
    except ImportError as e:
        return f"needs the Python package {e.name or 'of its driver'}; install it"
    return None


class SqlTarget:
    """A table through SQLAlchemy (SQLite or PostgreSQL); a period is replaced in one
    transaction (delete its rows, insert the new ones)."""

    kind = "sql"

    def __init__(self, url: str, table: str):
        from sqlalchemy.engine import make_url

        from pipesteward.errors import UserError

        problem = url_problem(url)
        if problem:
            raise UserError(f"the SQL target's URL {problem}")
        self.url = url
        self.table_name = table
        self.name = f"sql:{make_url(url).render_as_string(hide_password=True)}#{table}"
        self._engine = None

    def _table(self):  # type: ignore[no-untyped-def]
        from sqlalchemy import Column, Float, MetaData, String, Table, create_engine

        if self._engine is None:
            self._engine = create_engine(self.url)
        meta = MetaData()
        table = Table(
            self.table_name, meta,
            Column("grain", String(8), nullable=False),
            Column("period", String(10), nullable=False, index=True),
            Column("pipeline", String(64), nullable=False),
            Column("metric", String(64), nullable=False),
            Column("value", Float),
            Column("logic_version", String(128)),
        )
        return self._engine, meta, table

    def write(self, unit: Unit) -> dict[str, str]:
        from sqlalchemy import delete, insert

        engine, meta, table = self._table()
        meta.create_all(engine, checkfirst=True)
        with engine.begin() as conn:
            conn.execute(delete(table).where(table.c.grain == unit.grain,
                                             table.c.period == unit.period))
            if unit.rows:
                conn.execute(insert(table), [dict(zip(COLUMNS, r, strict=True))
                                             for r in unit.rows])
        return {}

    def read_back(self, grain: str, period: str) -> ReadBack:
        from sqlalchemy import inspect, select

        engine, _meta, table = self._table()
        if not inspect(engine).has_table(self.table_name):
            return ReadBack(None, None, problem=f"table {self.table_name} is missing")
        with engine.connect() as conn:
            rows = conn.execute(
                select(*(table.c[c] for c in COLUMNS))
                .where(table.c.grain == grain, table.c.period == period)
            ).all()
        return ReadBack(len(rows), sha256(canonical_csv(rows)) if rows else None)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
