"""The source contract (DESIGN section 4) and what a model run reads from the lake.

`plan_reads` resolves, for one model and date range, the Parquet files of every relation the
model's SQL names, and refuses bad input before any SQL runs: a day without a partition, a
partition without `_SUCCESS`, a file that cannot be read, a missing or mistyped column. Each
error names the source, the partition and the column, and nothing is written.

This is the lake-reading edge of the metrics package (it lists folders and reads Parquet
footers); the model logic stays in the SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipesteward.days import days_between, month_end, month_start, shift_month
from pipesteward.errors import RunFailed
from pipesteward.metrics.contract import CONTRACTS, MONEY
from pipesteward.metrics.models import ALL_HISTORY, Model

# table -> column -> SQL type (DuckDB spelling); the engines cast to exactly these.
CONTRACT: dict[str, dict[str, str]] = {t: c.columns for t, c in CONTRACTS.items()}


class SourceError(RunFailed):
    """Source data a run cannot use: names the source, partition and column."""

    kind = "source"

    def __init__(
        self, table: str, partition: str, problem: str, column: str | None = None,
        file: Path | None = None,
    ):
        self.table, self.partition, self.column, self.file = table, partition, column, file
        where = f"source {table}, partition {partition}"
        if column:
            where += f", column {column}"
        text = f"{where}: {problem}"
        if file is not None:
            text += f" ({file})"
        super().__init__(text)


@dataclass(frozen=True)
class Relation:
    """A named relation for the engine: Parquet files and the columns to expose, typed.

    With `base` (the table's folder of `date=...` partitions) the engine also exposes each
    row's partition day as the DATE column `_partition` (the contract checks use it)."""

    name: str
    files: tuple[Path, ...]
    columns: dict[str, str]
    base: Path | None = None


@dataclass
class SourceRead:
    """What a run read of one table, for its run record (source freshness checks)."""

    table: str
    first: date | None = None
    last: date | None = None
    partitions: int = 0
    files: int = 0
    newest_file_at: datetime | None = None
    latest_success_at: datetime | None = None
    # the partitions whose files the run opens (the others are read from kept state)
    scanned: list[date] = field(default_factory=list)
    days: list[date] = field(default_factory=list)  # every partition with data in the window

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "partitions": self.partitions,
            "files": self.files,
            "newest_file_at": self.newest_file_at.isoformat() if self.newest_file_at else None,
            "latest_success_at": (
                self.latest_success_at.isoformat() if self.latest_success_at else None
            ),
            "scanned": {"partitions": len(self.scanned),
                        "first": self.scanned[0].isoformat() if self.scanned else None,
                        "last": self.scanned[-1].isoformat() if self.scanned else None},
        }


@dataclass
class ReadPlan:
    relations: dict[str, Relation] = field(default_factory=dict)
    reads: list[SourceRead] = field(default_factory=list)


# ---------------------------------------------------------------------------- layout
def source_root(lake: Path, table: str) -> Path:
    return lake / "sources" / table


def partition_dir(lake: Path, table: str, day: date) -> Path:
    return source_root(lake, table) / f"date={day.isoformat()}"


def data_files(folder: Path) -> list[Path]:
    """The Parquet data files of a partition (names starting with `_` or `.` are not data)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.name.endswith(".parquet") and not p.name.startswith(("_", "."))
    )


def partition_days(lake: Path, table: str) -> list[date]:
    root = source_root(lake, table)
    if not root.is_dir():
        return []
    days = []
    for p in root.iterdir():
        if p.is_dir() and p.name.startswith("date="):
            try:
                days.append(date.fromisoformat(p.name[5:]))
            except ValueError:
                continue
    return sorted(days)


def mtime(path: Path) -> datetime:
    """When a file last changed, in UTC (a `_SUCCESS` file's landing time)."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


# ---------------------------------------------------------------------------- typing
def _type_ok(arrow_type: Any, sql_type: str) -> bool:
    import pyarrow as pa

    t = arrow_type
    if pa.types.is_dictionary(t):
        t = t.value_type
    if sql_type == "BIGINT":
        return bool(pa.types.is_integer(t))
    if sql_type == "TIMESTAMP":
        return bool(pa.types.is_timestamp(t))
    if sql_type == "VARCHAR":
        return bool(pa.types.is_string(t) or pa.types.is_large_string(t)
                    or pa.types.is_string_view(t))
    if sql_type == "BOOLEAN":
        return bool(pa.types.is_boolean(t))
    if sql_type == MONEY:
        return bool(pa.types.is_decimal(t) and t.scale == 2 and t.precision <= 18)
    raise ValueError(sql_type)


# Footers already found good in this process, by (path, size, mtime): every model of a run
# reads the users partitions, and a file that changes gets a new key.
_CHECKED: set[tuple[str, int, int, tuple[tuple[str, str], ...]]] = set()


def schema_problem(path: Path, columns: dict[str, str]) -> tuple[str | None, str] | None:
    """(column, problem) of the first way the file's footer breaks the contract; None if none."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as e:  # pyarrow raises ArrowInvalid, OSError, ... for unreadable files
        return None, f"cannot read the file: {e}"
    for column, sql_type in columns.items():
        idx = schema.get_field_index(column)
        if idx < 0:
            return column, (f"the column is missing (expected {sql_type}; the file has "
                            f"{', '.join(schema.names)})")
        if not _type_ok(schema.field(idx).type, sql_type):
            return column, f"the column is {schema.field(idx).type}, expected {sql_type}"
    return None


def check_file(table: str, partition: str, path: Path, columns: dict[str, str]) -> None:
    """Read the file's footer and compare its schema with the contract."""
    try:
        st = path.stat()
    except OSError as e:
        raise SourceError(table, partition, f"cannot read the file: {e}", file=path) from None
    key = (str(path), st.st_size, st.st_mtime_ns, tuple(columns.items()))
    if key in _CHECKED:
        return
    problem = schema_problem(path, columns)
    if problem is not None:
        raise SourceError(table, partition, problem[1], column=problem[0], file=path)
    _CHECKED.add(key)


# ---------------------------------------------------------------------------- planning
def margin_days(reporting_timezone: str) -> int:
    # Partitions are UTC dates; a reporting day elsewhere straddles two of them.
    return 0 if reporting_timezone == "UTC" else 1


def _window(present: list[date], lookback: int, start: date, end: date,
            margin: int) -> list[tuple[date, bool]]:
    """The partitions a read of [start, end] covers, each with whether it must be there."""
    first_present = present[0] if present else None
    if lookback == ALL_HISTORY:
        first = min(first_present or start, start - timedelta(days=margin))
    else:
        first = start - timedelta(days=lookback + margin)
    # Days before the lake's history are not missing: the window just starts later.
    return [(day, start <= day <= end or (first_present is not None and day >= first_present))
            for day in days_between(first, end + timedelta(days=margin))]


Settled = Callable[[str, date], bool]  # (table, day): read from kept state, files not opened


def _plan_table(
    lake: Path, table: str, lookback: int, start: date, end: date, margin: int,
    settled: Settled | None = None,
) -> tuple[Relation, SourceRead]:
    present = partition_days(lake, table)
    files: list[Path] = []
    read = SourceRead(table)
    have = set(present)
    for day, required in _window(present, lookback, start, end, margin):
        folder = partition_dir(lake, table, day)
        key = f"date={day.isoformat()}"
        if day not in have:
            # A day without signups may have no users partition at all (DESIGN section 5).
            if required and not CONTRACTS[table].empty_days:
                raise SourceError(
                    table, key, "no partition: there is no source data for the day "
                    f"(expected {folder})"
                )
            continue
        success = folder / "_SUCCESS"
        if not success.exists():
            raise SourceError(
                table, key, "the partition is not complete: it has no _SUCCESS marker yet "
                "(the source is delayed; rerun when it lands)"
            )
        day_files = data_files(folder)
        if not day_files and CONTRACTS[table].empty_days:
            continue
        if not day_files:
            raise SourceError(table, key, f"the partition has no Parquet files ({folder})")
        read.days.append(day)
        if settled is None or not settled(table, day):
            for f in day_files:
                check_file(table, key, f, CONTRACT[table])
            files += day_files
            read.scanned.append(day)
        read.first = read.first or day
        read.last = day
        read.partitions += 1
        read.files += len(day_files)
        newest = max(mtime(f) for f in day_files)
        landed = mtime(success)
        read.newest_file_at = max(filter(None, (read.newest_file_at, newest)))
        read.latest_success_at = max(filter(None, (read.latest_success_at, landed)))
    return Relation(table, tuple(files), CONTRACT[table]), read


def model_dir(lake: Path, model: str) -> Path:
    return lake / "models" / model


def model_partition_dir(lake: Path, model: str, key: str) -> Path:
    name = "month" if len(key) == 7 else "date"
    return model_dir(lake, model) / f"{name}={key}"


def _plan_upstream(lake: Path, upstream: str, start: date, end: date) -> Relation:
    """The upstream model's partitions that exist, from 12 months before start to end."""
    from pipesteward.metrics.models import model as get_model

    first = shift_month(start, -12)
    files: list[Path] = []
    for day in days_between(first, end):
        files += data_files(model_partition_dir(lake, upstream, day.isoformat()))
    up = get_model(upstream)
    columns = {c: up.types.get(c, "") for c in up.columns}  # as written by this package
    return Relation(upstream, tuple(files), columns)


def plan_reads(
    lake: Path, m: Model, start: date, end: date, reporting_timezone: str = "UTC",
    settled: Settled | None = None,
) -> ReadPlan:
    """Every source the model reads for [start, end] (its own and its shared relations'),
    and its upstream models, checked against the contract. A partition `settled` says is read
    from kept state is listed (it must be there and complete) but its files are not opened."""
    if end < start:
        raise SourceError("-", f"{start}..{end}", "the range ends before it starts")
    plan = ReadPlan()
    margin = margin_days(reporting_timezone)
    for table, lookback in m.reads.items():
        relation, read = _plan_table(lake, table, lookback, start, end, margin, settled)
        plan.relations[table] = relation
        plan.reads.append(read)
    for upstream in m.upstream:
        if m.grain == "month":
            rel = _plan_upstream(lake, upstream, month_start(start), month_end(end))
        else:
            rel = _plan_upstream(lake, upstream, start, end)
        plan.relations[upstream] = rel
    return plan


# ---------------------------------------------------------------------------- readiness
READ_BY_MODELS = ("users", "orders", "events")


def missing_markers(lake: Path, day: date, tables: tuple[str, ...] = READ_BY_MODELS) -> list[str]:
    """The source partitions of the day that have not landed (no `_SUCCESS` yet)."""
    return [
        f"{t}/date={day.isoformat()}" for t in tables
        if not (partition_dir(lake, t, day) / "_SUCCESS").exists()
    ]


def unlanded(lake: Path, day: date, models: list[Model], reporting_timezone: str = "UTC",
             ) -> list[str]:
    """The source partitions the models' run of `day` reads that have not landed (no
    `_SUCCESS`): exactly those `plan_reads` requires, e.g. the UTC partition of the next day
    when the reporting day is in America/New_York."""
    margin = margin_days(reporting_timezone)
    lookbacks: dict[str, int] = {}
    for m in models:
        for table, lookback in m.reads.items():
            old = lookbacks.get(table, 0)
            lookbacks[table] = ALL_HISTORY if ALL_HISTORY in (old, lookback) else max(old,
                                                                                      lookback)
    out = []
    for table, lookback in lookbacks.items():
        for d, required in _window(partition_days(lake, table), lookback, day, day, margin):
            if required and not (partition_dir(lake, table, d) / "_SUCCESS").exists():
                out.append(f"{table}/date={d.isoformat()}")
    return out


def first_source_day(lake: Path) -> date | None:
    """The first day the lake has orders or events for."""
    firsts = [days[0] for t in ("orders", "events") if (days := partition_days(lake, t))]
    return min(firsts, default=None)
