"""The lake reader: model partitions (as pyarrow tables or plain rows) and what the source
partitions hold (landing times, `loaded_at`, duplicate keys), read only where asked.

The one reader of the lake for the checks, the exports, the CLI and tests; what a model run
reads goes through `sources.plan_reads` (it checks the source contract first).

Layout (DESIGN section 4): `<lake>/models/<model>/date=YYYY-MM-DD/*.parquet` (aggregate_growth:
`month=YYYY-MM/`), `<lake>/sources/<table>/date=YYYY-MM-DD/*.parquet` with `_SUCCESS`.
Names starting with `_` or `.` (markers, in-flight temporary files) are not data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pipesteward.days import days_between
from pipesteward.metrics.sources import (
    data_files,
    first_source_day,
    model_dir,
    model_partition_dir,
    mtime,
    partition_days,
    partition_dir,
)

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class SourcePartition:
    table: str
    day: date
    exists: bool
    landed_at: datetime | None  # mtime of _SUCCESS; None when absent
    newest_file_at: datetime | None  # newest data file mtime
    max_loaded_at: datetime | None  # newest loaded_at of its rows (from Parquet statistics)
    files: int = 0


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # lake timestamps are UTC


class Lake:
    """The lake under one root, read partition by partition."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._cache: dict[tuple[str, str], Rows | None] = {}

    # -------------------------------------------------------------- models
    def model_dir(self, model: str, key: str) -> Path:
        return model_partition_dir(self.root, model, key)

    def model_table(self, model: str, key: str) -> Any:
        """One model partition (`YYYY-MM-DD`, aggregate_growth `YYYY-MM`) as a pyarrow Table,
        or None when it has not been written."""
        files = data_files(self.model_dir(model, key))
        if not files:
            return None
        import pyarrow as pa
        import pyarrow.parquet as pq

        return pa.concat_tables([pq.ParquetFile(f).read() for f in files],
                                promote_options="default")

    def model_range(self, model: str, start: date, end: date) -> Any:
        """The rows of a daily model over [start, end] as one Table (missing days skipped),
        or None when none is there."""
        import pyarrow as pa

        tables = [t for d in days_between(start, end)
                  if (t := self.model_table(model, d.isoformat())) is not None]
        return pa.concat_tables(tables) if tables else None

    def model_all(self, model: str) -> Any:
        """Every partition of a model, in partition order, as one Table (None when none is
        there): what the console charts."""
        import pyarrow as pa

        root = model_dir(self.root, model)
        keys = sorted(p.name.split("=", 1)[1] for p in root.iterdir()
                      if p.is_dir() and "=" in p.name) if root.is_dir() else []
        tables = [t for k in keys if (t := self.model_table(model, k)) is not None]
        return pa.concat_tables(tables, promote_options="default") if tables else None

    def model_partition(self, model: str, key: str) -> Rows | None:
        """The rows of one model partition, or None when the partition is missing.

        Rows are plain dicts (NULL stays None, never NaN as in pandas), read once per Lake.
        """
        cache_key = (model, key)
        if cache_key not in self._cache:
            table = self.model_table(model, key)
            self._cache[cache_key] = None if table is None else table.to_pylist()
        return self._cache[cache_key]

    def model_day(self, model: str, day: date) -> Rows | None:
        return self.model_partition(model, day.isoformat())

    def model_days(self, model: str, start: date, end: date) -> dict[date, Rows]:
        """The present partitions of a daily model in [start, end], by day."""
        return {d: rows for d in days_between(start, end)
                if (rows := self.model_day(model, d)) is not None}

    def computed_at(self, model: str, key: str) -> datetime | None:
        """When the partition was written: the oldest mtime of its data files."""
        files = data_files(self.model_dir(model, key))
        return min((mtime(f) for f in files), default=None)

    # -------------------------------------------------------------- sources
    def source_dir(self, table: str, day: date) -> Path:
        return partition_dir(self.root, table, day)

    def source_partition(self, table: str, day: date) -> SourcePartition:
        folder = self.source_dir(table, day)
        files = data_files(folder)
        success = folder / "_SUCCESS"
        return SourcePartition(
            table=table,
            day=day,
            exists=folder.is_dir(),
            landed_at=mtime(success) if success.exists() else None,
            newest_file_at=max((mtime(f) for f in files), default=None),
            max_loaded_at=max(
                (t for t in (_max_loaded_at(f) for f in files) if t is not None), default=None
            ),
            files=len(files),
        )

    def source_days(self, table: str) -> list[date]:
        return partition_days(self.root, table)

    def history_start(self) -> date | None:
        """The first day the lake has data for (its earliest events or orders partition)."""
        return first_source_day(self.root)


def _max_loaded_at(path: Path) -> datetime | None:
    """The newest `loaded_at` in a Parquet file, from its footer statistics when present."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    if "loaded_at" not in names:
        return None
    col = names.index("loaded_at")
    best = None
    meta = pf.metadata
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(col).statistics
        if stats is None or not stats.has_min_max:
            best = None
            break
        value = _aware(stats.max)
        best = value if best is None or (value and value > best) else best
    else:
        return best
    values = pf.read(columns=["loaded_at"]).column(0)
    return _aware(pc.max(values).as_py())
