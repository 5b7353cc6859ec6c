"""Investor exports: verified by reading back, idempotent per period, refused on a failed
blocking check, retried with backoff, and nothing half-written when a target is unwritable."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipesteward.app import Steward
from pipesteward.errors import RunFailed
from pipesteward.exports.delivery import deliver
from pipesteward.exports.rows import Unit
from pipesteward.exports.targets import FilesTarget, ReadBack, SqlTarget
from tests.checks.lakes import VERSIONS, HandLake, build

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def team(steward: Steward, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The example team with a hand-built lake; checks compare with the lake's versions."""
    monkeypatch.setattr("pipesteward.checks.service.current_versions", lambda s: dict(VERSIONS))
    monkeypatch.setattr("pipesteward.checks.service.run_records", lambda s, d: [])
    build(steward.paths.lake)
    return steward


def exports_dir(steward: Steward) -> Path:
    return steward.spec.base_dir / "exports"


def sql_rows(steward: Steward, period: str) -> int:
    engine = create_engine(steward.paths.database_url)
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM investor_metrics WHERE period = :p"),
                            {"p": period}).scalar_one()


def no_sleep(seconds: float) -> None:
    pass


def test_a_good_export_is_verified_on_every_target(team: Steward) -> None:
    report = team.export(DAY, at=AT, sleep=no_sleep)
    assert {(d.target.split(":")[0], d.grain, d.status) for d in report.deliveries} == {
        ("files", "day", "verified"), ("files", "month", "verified"),
        ("sql", "day", "verified"), ("sql", "month", "verified")}
    folder = exports_dir(team) / "day" / "date=2026-03-02"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["rows"] == 15 and manifest["checksum"] == report.deliveries[0].checksum
    csv = (folder / "investor_metrics.csv").read_text().splitlines()
    assert csv[0] == "grain,period,pipeline,metric,value,logic_version"
    assert "day,2026-03-02,aggregate_profit,revenue,40.75,lv-aggregate_profit-1" in csv
    assert sql_rows(team, "2026-03-02") == 15 and sql_rows(team, "2026-03") == 11
    # and the check that reads exports back agrees
    export_check = next(r for r in team.check(DAY, as_of=AT) if r.id == "engagement.export")
    assert export_check.passed and len(export_check.figures["exports"]) == 4


def test_exporting_a_period_again_replaces_it(team: Steward) -> None:
    team.export(DAY, at=AT, sleep=no_sleep)
    csv = exports_dir(team) / "day" / "date=2026-03-02" / "investor_metrics.csv"
    first = csv.read_bytes()
    team.export(DAY, at=AT, sleep=no_sleep)
    team.export(date(2026, 3, 3), at=AT, sleep=no_sleep)  # rewrites the month to date
    assert csv.read_bytes() == first
    assert sql_rows(team, "2026-03-02") == 15 and sql_rows(team, "2026-03") == 11
    assert [p.name for p in (exports_dir(team) / "day").iterdir()] != []
    assert not [p for p in (exports_dir(team) / "day").iterdir() if p.name.startswith(".")]
    # the month's newest export is the one verified for either day
    assert next(r for r in team.check(DAY, as_of=AT) if r.id == "engagement.export").passed


def test_a_failed_reconciliation_blocks_the_export(team: Steward) -> None:
    lake = HandLake(team.paths.lake, [])
    lake.rewrite("aggregate_profit", DAY.isoformat(), orders=999)
    with pytest.raises(RunFailed, match="export of 2026-03-02 refused") as refused:
        team.export(DAY, at=AT, sleep=no_sleep)
    assert "profit.reconciliation on aggregate_profit" in str(refused.value)
    assert "steward export --date 2026-03-02" in str(refused.value)
    assert not exports_dir(team).exists()
    assert {(i["check"], i["pipeline"]) for i in team.incidents("open")} == {
        ("profit.reconciliation", "aggregate_profit"), ("profit.reconciliation", "unit_profit")}


def test_a_file_changed_after_export_fails_the_export_check(team: Steward) -> None:
    team.export(DAY, at=AT, sleep=no_sleep)
    csv = exports_dir(team) / "day" / "date=2026-03-02" / "investor_metrics.csv"
    csv.write_text(csv.read_text().replace("40.75", "4075.0"))
    failed = [r for r in team.check(DAY, as_of=AT) if not r.passed]
    assert [(r.id, r.pipeline) for r in failed] == [("engagement.export", "aggregate_engagement")]
    assert "steward export --date 2026-03-02" in failed[0].message
    assert "changed" in failed[0].message or "checksum" in failed[0].message
    # re-exporting repairs it and the incident resolves itself
    team.export(DAY, at=AT, sleep=no_sleep)
    assert team.incidents("active") == []


def test_an_unwritable_target_fails_clearly_with_nothing_half_written(team: Steward) -> None:
    blocker = team.spec.base_dir / "exports"
    blocker.write_text("a file where the export folder should be")
    slept: list[float] = []
    with pytest.raises(RunFailed) as failed:
        team.export(DAY, at=AT, sleep=slept.append)
    message = str(failed.value)
    assert "export of 2026-03-02 failed" in message and "after 4 attempts" in message
    assert "steward export --date 2026-03-02" in message
    assert slept == [0.5, 2.0, 8.0]  # retried with backoff; the month is not tried again
    assert blocker.read_text().startswith("a file")
    incidents = team.incidents("open")
    assert [(i["check"], i["partition"]) for i in incidents] == [
        ("engagement.export", "2026-03-02")]
    # the check of the day now reports the failed export
    export_check = next(r for r in team.check(DAY, as_of=AT) if r.id == "engagement.export")
    assert not export_check.passed and "export failed" in export_check.message
    assert len(team.incidents("open")) == 1  # deduplicated, not a second incident


class Flaky:
    """A target that fails its first `n` writes (an outage), then works."""

    def __init__(self, inner: FilesTarget, n: int):
        self.inner, self.n = inner, n
        self.name, self.kind = inner.name, inner.kind

    def write(self, unit: Unit) -> dict[str, str]:
        if self.n:
            self.n -= 1
            raise ConnectionError("target unreachable")
        return self.inner.write(unit)

    def read_back(self, grain: str, period: str) -> ReadBack:
        return self.inner.read_back(grain, period)


def unit() -> Unit:
    return Unit("day", "2026-03-02", (("day", "2026-03-02", "aggregate_profit", "revenue",
                                       36.75, "v1"),))


def test_a_flaky_target_is_retried_with_backoff(tmp_path: Path) -> None:
    slept: list[float] = []
    done = deliver(unit(), Flaky(FilesTarget(tmp_path), 2), sleep=slept.append)
    assert (done.status, done.attempts, slept) == ("verified", 3, [0.5, 2.0])


def test_a_sql_target_on_sqlite_reads_back_what_it_wrote(tmp_path: Path) -> None:
    target = SqlTarget(f"sqlite:///{tmp_path / 'reporting.db'}", "investor_metrics")
    done = deliver(unit(), target, sleep=no_sleep)
    assert done.status == "verified"
    got = target.read_back("day", "2026-03-02")
    assert (got.rows, got.checksum) == (1, unit().checksum)


@pytest.mark.postgres
def test_a_sql_target_on_postgresql(pg_url: str) -> None:
    target = SqlTarget(pg_url, "investor_metrics_test")
    assert deliver(unit(), target, sleep=no_sleep).status == "verified"
    assert deliver(unit(), target, sleep=no_sleep).status == "verified"  # idempotent
    assert target.read_back("day", "2026-03-02").rows == 1


@pytest.mark.postgres
def test_checks_exports_and_incidents_with_the_ops_store_on_postgresql(
    project: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipesteward.checks.service.current_versions", lambda s: dict(VERSIONS))
    monkeypatch.setattr("pipesteward.checks.service.run_records", lambda s, d: [])
    team = Steward.from_path(project, env={"STEWARD_DATABASE_URL": pg_url})
    build(team.paths.lake)
    report = team.export(DAY, at=AT, sleep=no_sleep)  # sql target: the ops store's database
    assert {(d.kind, d.status) for d in report.deliveries} == {("files", "verified"),
                                                               ("sql", "verified")}
    export_check = next(r for r in team.check(DAY, as_of=AT) if r.id == "engagement.export")
    assert export_check.passed


def test_a_sql_write_that_fails_midway_keeps_the_previous_export(tmp_path: Path) -> None:
    target = SqlTarget(f"sqlite:///{tmp_path / 'reporting.db'}", "investor_metrics")
    assert deliver(unit(), target, sleep=no_sleep).status == "verified"
    bad = Unit("day", "2026-03-02", (unit().rows[0], ("day", "2026-03-02", None, "profit",
                                                       1.0, "v1")))  # type: ignore[arg-type]
    failed = deliver(bad, target, sleep=no_sleep, backoff=(0.0,))
    assert failed.status == "failed" and "NOT NULL" in (failed.error or "")
    got = target.read_back("day", "2026-03-02")
    assert (got.rows, got.checksum) == (1, unit().checksum)  # the delete was rolled back


def test_an_unreachable_sql_target_fails_clearly(tmp_path: Path) -> None:
    target = SqlTarget(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}", "investor_metrics")
    failed = deliver(unit(), target, sleep=no_sleep, backoff=(0.0, 0.0))
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert "unable to open database file" in (failed.error or "")
