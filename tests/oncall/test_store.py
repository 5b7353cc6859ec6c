"""Run-time on-call records in the ops store (SQLite and PostgreSQL), with the audit log; the
quick reader used by `oncall who` sees exactly what the SQLAlchemy store sees."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from pipesteward.app import Steward
from pipesteward.oncall.quickread import read_layers
from pipesteward.oncall.records import Absence, OverrideRecord, SwapRecord
from pipesteward.store import Store
from pipesteward.store.oncall import OnCallStore

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
T1 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def fill(records: OnCallStore) -> None:
    s = records.request_swap(SwapRecord("A", date(2026, 12, 21), "B", date(2027, 1, 25)), "A", T0)
    records.accept_swap(s.id, "B", T1)  # type: ignore[arg-type]
    records.request_swap(SwapRecord("C", date(2027, 1, 4), "D", date(2027, 1, 11)), "C", T1)
    records.add_absence(Absence("A", date(2026, 12, 24), date(2026, 12, 27), "Christmas"), "A", T0)
    records.add_override(OverrideRecord("C", datetime(2026, 7, 3, 4, tzinfo=UTC),
                                        datetime(2026, 7, 6, 4, tzinfo=UTC), "July 4th"), "C", T0)
    records.close_year(2025, {"A": 1, "B": 0, "C": 2, "D": 0}, "A", T0)
    records.close_year(2025, {"A": 1, "B": 1, "C": 2, "D": 0}, "A", T1)  # closing again rewrites


def check(records: OnCallStore, url: str) -> None:
    layers = records.layers()
    [accepted] = layers.swaps
    assert (accepted.engineer, accepted.with_, accepted.status, accepted.accepted_by) == (
        "A", "B", "accepted", "B")
    assert accepted.accepted_at == T1
    [pending] = layers.pending
    assert (pending.engineer, pending.status) == ("C", "requested")
    [absence] = layers.absences
    assert (absence.start, absence.end, absence.reason) == (date(2026, 12, 24),
                                                            date(2026, 12, 27), "Christmas")
    [o] = layers.overrides
    assert o.start == datetime(2026, 7, 3, 4, tzinfo=UTC) and o.recorded_by == "C"
    assert records.ledger() == {2025: {"A": 1, "B": 1, "C": 2, "D": 0}}
    if url.startswith("sqlite:///"):  # the quick reader's SQL reads the store's tables
        assert read_layers(url) == layers
    else:  # another database is read through the store
        assert read_layers(url) is None
    actions = [e.action for e in records.store.audit_log()]
    assert actions.count("oncall.swap_requested") == 2
    assert {"oncall.swap_accepted", "oncall.unavailable_added", "oncall.override_added",
            "oncall.year_closed"} <= set(actions)


def test_sqlite_store_keeps_on_call_records_and_audits_them(steward: Steward) -> None:
    records = OnCallStore(steward.store)
    fill(records)
    check(records, steward.paths.database_url)


def test_quick_reader_without_a_database_file_sees_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    layers = read_layers(f"sqlite:///{tmp_path / 'none.db'}")
    assert layers.swaps == () and layers.absences == () and layers.overrides == ()
    assert not (tmp_path / "none.db").exists()


@pytest.mark.postgres
def test_postgresql_store_keeps_on_call_records(pg_url: str) -> None:
    sep = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{sep}options=-csearch_path%3Doncall_test"  # a schema of its own
    store = Store(url)
    with store.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS oncall_test CASCADE; CREATE SCHEMA oncall_test"))
    store.upgrade()
    try:
        records = OnCallStore(store)
        fill(records)
        check(records, url)
    finally:
        store.dispose()


def test_the_quick_reader_selects_every_column_of_the_store_tables() -> None:
    # One schema, two readers: a column added to an on-call table must be read by the quick
    # reader too (a `removed_at`, say, that it ignored would show removed records in `who`).
    from pipesteward.oncall import quickread
    from pipesteward.store.oncall import OverrideRow, SwapRow, UnavailableRow

    for query, table in ((quickread.SWAPS, SwapRow), (quickread.ABSENCES, UnavailableRow),
                         (quickread.OVERRIDES, OverrideRow)):
        selected, name = re.fullmatch(r"SELECT (.+) FROM (\w+) ORDER BY .+", query).groups()  # type: ignore[union-attr]
        assert name == table.__tablename__
        assert [c.strip() for c in selected.split(",")] == [c.name for c in table.__table__.columns]
