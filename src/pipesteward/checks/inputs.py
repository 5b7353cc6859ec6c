"""Everything a check looks at, passed in: the day, the instant, the lake, the run records.

Checks never read the clock, the lake's files or the ops store themselves; the check service
builds these inputs, tests build them by hand. The lake comes as a `LakeReader`
(`metrics.lake.Lake` is the one implementation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

Rows = list[dict[str, Any]]


class SourceLanding(Protocol):
    """What a source partition holds and when it landed."""

    @property
    def exists(self) -> bool: ...
    @property
    def landed_at(self) -> datetime | None: ...  # mtime of _SUCCESS
    @property
    def newest_file_at(self) -> datetime | None: ...
    @property
    def max_loaded_at(self) -> datetime | None: ...
    @property
    def files(self) -> int: ...


class LakeReader(Protocol):
    """What the checks read of the lake: model partitions as rows, source partitions' landing."""

    def model_partition(self, model: str, key: str) -> Rows | None: ...
    def model_day(self, model: str, day: date) -> Rows | None: ...
    def model_days(self, model: str, start: date, end: date) -> dict[date, Rows]: ...
    def computed_at(self, model: str, key: str) -> datetime | None: ...
    def source_partition(self, table: str, day: date) -> SourceLanding: ...
    def history_start(self) -> date | None: ...


class SourceQuality(Protocol):
    """What the source checks read: each partition's profile against its contract (rows,
    files, violations with samples), its volume verdict, acceptances, the quarantine
    (`metrics.quality.Quality` is the one implementation)."""

    def profile(self, table: str, day: date) -> Any: ...
    def volume(self, table: str, day: date) -> Any: ...
    def acceptance(self, table: str, day: date) -> Any: ...
    def held_back(self, table: str, first: date, last: date) -> dict[date, str]: ...


@dataclass(frozen=True)
class RunInfo:
    """One pipeline run as the checks see it (adapted from the ops store's run records)."""

    pipelines: tuple[str, ...]
    start: date
    end: date
    status: str  # "succeeded" | "failed" | "running"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    id: Any = None
    # The runner's own classification: source, resource, outage, logic (store/runs.py).
    error_kind: str | None = None

    def covers(self, pipeline: str, day: date) -> bool:
        return pipeline in self.pipelines and self.start <= day <= self.end


@dataclass(frozen=True)
class ExportVerification:
    """The read-back of one exported unit (a day or a month) at one target."""

    target: str
    grain: str  # "day" | "month"
    period: str
    status: str  # "verified" | "mismatch" | "failed" (the export itself failed)
    expected_rows: int | None = None
    expected_checksum: str | None = None
    observed_rows: int | None = None
    observed_checksum: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class CheckInputs:
    day: date
    as_of: datetime
    deadline: datetime  # by when the day's sources and run must be in (aware)
    lake: LakeReader
    runs: Sequence[RunInfo] = ()
    # Current logic_version of each model (from the canonical definitions); empty when unknown,
    # and then partitions are only compared with one another.
    versions: Mapping[str, str] = field(default_factory=dict)
    # The canonical definitions each model's current SQL calls, with their fingerprints.
    definitions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    verify_exports: Callable[[date], Sequence[ExportVerification]] | None = None
    quality: SourceQuality | None = None
