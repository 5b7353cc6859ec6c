"""Kept state: a shared relation's per-partition rows, so a daily run reads one day of a source.

The active user-days of the MAU window (30 days of events) are what a daily run needs of the
events. Each events partition P is turned once into its rows (`shared/active_user_day_parts.sql`)
under `<lake>/state/active_user_day_parts/date=P/part-0.parquet`, with what it was built from
in `_built.json` beside it: the partition's fingerprint (its files' names, sizes and mtimes),
the state SQL's version and the reporting timezone. A run uses a state partition only while all
three still match; one that does not (a new day, a re-delivered partition, other logic) is built
again from its own files, all such partitions in one query. So `steward run --date D` opens the
event files of D only, and a re-delivered old day is rebuilt into state the next time a run's
window covers it. The state is written under the lake lock the run holds; a crash between the
data file and `_built.json` leaves a partition that is simply built again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipesteward.metrics.models import SHARED, render, state_version
from pipesteward.metrics.quality import fingerprint
from pipesteward.metrics.sources import (
    CONTRACT,
    Relation,
    data_files,
    partition_dir,
    source_root,
)
from pipesteward.metrics.writer import DATA_FILE, write_partitions

BUILT = "_built.json"
# The columns of a state's rows as the shared relation reads them (the partition is `date`).
COLUMNS = {"active_user_day_parts": {"user_id": CONTRACT["events"]["user_id"], "day": "DATE",
                                     "platforms": "INTEGER"}}


def state_root(lake: Path, state: str) -> Path:
    return lake / "state" / state


@dataclass(frozen=True)
class KeptState:
    """The kept state of one shared relation (`Shared.state`) in one lake."""

    lake: Path
    shared: str
    reporting_timezone: str = "UTC"

    @property
    def name(self) -> str:
        state = SHARED[self.shared].state
        assert state is not None, f"{self.shared} has no kept state"
        return state

    @property
    def table(self) -> str:
        (table,) = SHARED[self.shared].sources  # a state is built from one source
        return table

    def _folder(self, day: date) -> Path:
        return state_root(self.lake, self.name) / f"date={day.isoformat()}"

    def _wanted(self, day: date) -> dict[str, str]:
        return {"fingerprint": fingerprint(partition_dir(self.lake, self.table, day)),
                "version": state_version(self.name, self.reporting_timezone),
                "timezone": self.reporting_timezone}

    def current(self, table: str, day: date) -> bool:
        """True when the state of the source partition is built from its files as they are."""
        if table != self.table:
            return False
        folder = self._folder(day)
        try:
            built = json.loads((folder / BUILT).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(built == self._wanted(day) and (folder / DATA_FILE).exists())

    def build(self, engine: Any, days: list[date]) -> None:
        """Build the state of these source partitions from their files, in one query."""
        if not days:
            return
        table = self.table
        # What the files are before they are read: a re-delivery during the query makes the
        # record differ from the files, so the partition is built again next time.
        wanted = {d.isoformat(): self._wanted(d) for d in days}
        files = tuple(f for d in days for f in data_files(partition_dir(self.lake, table, d)))
        source = Relation(table, files, CONTRACT[table], source_root(self.lake, table))
        sql = render(self.name, min(days), max(days), self.reporting_timezone, engine.dialect)
        rows = engine.query(sql, {table: source})
        root = state_root(self.lake, self.name)
        for written in write_partitions(root, "date", rows, [d.isoformat() for d in days]):
            built = wanted[written.key]
            tmp = written.path.parent / f".{BUILT}.tmp"
            tmp.write_text(json.dumps(built, sort_keys=True), encoding="utf-8")
            os.replace(tmp, written.path.parent / BUILT)

    def relation(self, days: list[date]) -> Relation:
        """The state of these source partitions as the relation the shared SQL reads."""
        files = tuple(self._folder(d) / DATA_FILE for d in days)
        return Relation(self.name, files, COLUMNS[self.name])
