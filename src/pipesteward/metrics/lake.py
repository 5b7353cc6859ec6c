"""Reading model outputs back from the lake (for the CLI, the demo, checks and tests)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pipesteward.metrics.sources import data_files, model_dir, model_partition_dir


def read_partition(lake: Path, model: str, key: str) -> Any:
    """One partition as a pyarrow Table, or None when it has not been written."""
    import pyarrow.parquet as pq

    files = data_files(model_partition_dir(lake, model, key))
    if not files:
        return None
    import pyarrow as pa

    return pa.concat_tables([pq.read_table(f) for f in files])


def partition_keys(lake: Path, model: str) -> list[str]:
    """The partition keys a model has in the lake, in order."""
    root = model_dir(lake, model)
    if not root.is_dir():
        return []
    return sorted(p.name.split("=", 1)[1] for p in root.iterdir()
                  if p.is_dir() and "=" in p.name and data_files(p))


def read_range(lake: Path, model: str, start: date, end: date) -> Any:
    """The rows of a daily model over [start, end] (missing partitions skipped)."""
    import pyarrow as pa

    tables = [t for k in partition_keys(lake, model)
              if start.isoformat() <= k <= end.isoformat()
              and (t := read_partition(lake, model, k)) is not None]
    return pa.concat_tables(tables) if tables else None
