"""The lake writer: atomic, idempotent replacement of model partitions.

A partition is one folder holding one file, `part-0.parquet`. Each is written beside its final
name (a dot-file, which readers skip, tagged with the writer's `pid@host`), flushed to disk,
then renamed over the old file:
`rename` is atomic, so at every instant a reader (or a run killed with SIGKILL) sees the
previous partition or the new one, never half of one. Re-running the same computation writes
the same bytes: rows arrive sorted, the Parquet writer's options are fixed, and no timestamp
goes into the file. A writer removes the temp files of writers that are gone (same host, pid
not running), never those of a live one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipesteward import processes

DATA_FILE = "part-0.parquet"
WRITE_OPTIONS = {"compression": "zstd", "compression_level": 3, "use_dictionary": True,
                 "write_statistics": True, "row_group_size": 1 << 20}


@dataclass(frozen=True)
class Written:
    key: str
    path: Path
    rows: int


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_partition(folder: Path, table: Any) -> Path:
    """Replace the partition in `folder` with `table`, atomically."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    final = folder / DATA_FILE
    tmp = folder / f".{DATA_FILE}.{processes.tag()}.{uuid.uuid4().hex}.inprogress"
    try:
        pq.write_table(table, tmp, **WRITE_OPTIONS)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_dir(folder)
    return final


def writer_of(temp: Path) -> tuple[int, str] | None:
    """The `pid@host` in a temp file's name (None for a name without one)."""
    parts = temp.name.split(".")
    return processes.parse(parts[-3]) if len(parts) >= 4 else None


def clean_leftovers(folder: Path) -> None:
    """Remove the in-progress files that writers which are gone left behind (they are never
    data). Another process's live temp file is left alone: deleting it would fail its rename.
    A name without a writer's tag was left by a version before tags, and is removed."""
    if not folder.is_dir():
        return
    for p in folder.glob("*/.*.inprogress"):
        writer = writer_of(p)
        if writer is None or processes.ended(*writer):
            p.unlink(missing_ok=True)


def string_scalar(value: str) -> Any:
    """An Arrow string scalar, built from buffers: converting a Python object (`pa.scalar`,
    `pa.array`, a str argument to a compute function) imports pandas, 0.3 s per command."""
    import struct

    import pyarrow as pa

    data = value.encode()
    offsets = pa.py_buffer(struct.pack("<2i", 0, len(data)))
    return pa.StringArray.from_buffers(1, offsets, pa.py_buffer(data))[0]


def split(table: Any, column: str, keys: Sequence[str]) -> dict[str, Any]:
    """Rows of `table` by the value of `column` (rendered as the partition key), for every key;
    a key without rows gets an empty table of the same schema."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = table.column(column)
    if pa.types.is_date32(col.type):
        # Dates: sorted (stable, so rows keep their order within a day), each day is one slice.
        table = table.sort_by([(column, "ascending")])
        offsets, at = {}, 0
        for run in pc.value_counts(table.column(column)).to_pylist():
            offsets[run["values"].isoformat() if run["values"] else None] = (at, run["counts"])
            at += run["counts"]
        return {key: table.slice(*offsets.get(key, (0, 0))) for key in keys}
    values = pc.cast(col, pa.string())
    return {key: table.filter(pc.equal(values, string_scalar(key))) for key in keys}


def write_partitions(
    model_root: Path, key_name: str, table: Any, keys: Sequence[str]
) -> list[Written]:
    """Write one partition per key (`<model_root>/<key_name>=<key>/`), each atomically."""
    clean_leftovers(model_root)
    written = []
    for key, part in split(table, key_name, keys).items():
        path = write_partition(model_root / f"{key_name}={key}", part)
        written.append(Written(key, path, part.num_rows))
    return written
