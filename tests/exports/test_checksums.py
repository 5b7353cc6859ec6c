"""Property: whatever the values, every target reads back the checksum that was exported
(floats survive SQLite REAL and Parquet float64 exactly; NULL stays NULL)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipesteward.exports.delivery import deliver
from pipesteward.exports.rows import Unit
from pipesteward.exports.targets import FilesTarget, SqlTarget

values = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False),
                   st.integers(-(2**53), 2**53).map(float))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(values, min_size=1, max_size=12))
def test_every_target_reads_back_the_exported_checksum(tmp_path: Path, data: list) -> None:  # type: ignore[type-arg]
    rows = tuple(("day", "2026-03-02", "aggregate_profit", f"m{i:02d}", v, "v1")
                 for i, v in enumerate(data))
    unit = Unit("day", "2026-03-02", rows)
    for target in (FilesTarget(tmp_path / "files"),
                   SqlTarget(f"sqlite:///{tmp_path / 'reporting.db'}", "investor_metrics")):
        done = deliver(unit, target, sleep=lambda s: None, backoff=())
        assert done.status == "verified", done.error
        assert target.read_back("day", "2026-03-02").checksum == unit.checksum
