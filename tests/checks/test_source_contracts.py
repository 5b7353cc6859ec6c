"""Issue 12: each careless delivery, injected into a generated lake, fails its own source
check with a message naming the file, the column and what to do; the day is quarantined (not
computed, not exported) while earlier exports stay as they were; one incident per source
partition pages each distinct responder of the pipelines reading it once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pipesteward.errors import RunFailed
from pipesteward.oncall.team import answers
from tests.checks.generated import END, START, Project, generated, morning_after, run_models

AT = morning_after(END, 12)
DAY_BEFORE = END - timedelta(days=1)

# inject mode -> (check id, source, what the message says about the column)
CARELESS = {
    "null_revenue": ("source.contract", "orders", "column revenue must not be NULL (5 of"),
    "upper_status": ("source.contract", "orders", "column status must be one of 'completed', "
                     "'cancelled' (exact case)"),
    "empty_orders": ("source.volume", "orders", "is empty (0 rows, with a _SUCCESS marker)"),
    "redelivered_orders": ("source.contract", "orders",
                           "column ordered_at must fall on the partition's day"),
    "null_user_id": ("source.contract", "orders", "column user_id must not be NULL"),
    "null_ordered_at": ("source.contract", "orders", "column ordered_at must not be NULL"),
    "null_status": ("source.contract", "orders", "column status must not be NULL"),
    "null_order_id": ("source.contract", "orders", "column order_id must not be NULL"),
    "null_is_test": ("source.contract", "users", "column is_test must not be NULL"),
}


def exported(project: Project) -> dict[str, bytes]:
    root = project.steward.spec.base_dir / "exports"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("mode", list(CARELESS))
def test_a_careless_delivery_fails_its_check_and_blocks_only_its_day(
        mode: str, tmp_path: Path) -> None:
    check_id, table, says = CARELESS[mode]
    project = generated(tmp_path / "team", mode)
    # The day before was exported while it was clean.
    project.steward.export(DAY_BEFORE, at=morning_after(DAY_BEFORE, 12), sleep=lambda s: None)
    before = exported(project)

    failures = project.failures(END, AT)
    assert set(failures) == {(check_id, table)}, {k: v.message for k, v in failures.items()}
    message = failures[(check_id, table)].message
    assert f"sources/{table}/date={END}" in message and says in message, message
    assert "part-0.parquet" in message or "no data file" in message
    assert f"steward data accept {table} {END}" in message
    # quarantined: the day's models did not read it
    assert project.steward.read_model("aggregate_profit", END.isoformat()) is None or \
        table == "users"
    assert project.steward.read_model("daily_growth", END.isoformat()) is None

    with pytest.raises(RunFailed, match=check_id):
        project.steward.export(END, at=AT, sleep=lambda s: None)
    assert exported(project) == before
    assert not any(str(END) in name for name in before)


def test_the_incident_names_the_partition_and_pages_each_responder_once(
        tmp_path: Path) -> None:
    project = generated(tmp_path / "team", "null_revenue")
    project.check(END, AT)
    project.check(END, AT + timedelta(hours=1))  # a repeat updates it, pages nobody again
    incidents = [i for i in project.steward.incidents() if i["check"].startswith("source.")]
    assert len(incidents) == 1
    incident = incidents[0]
    assert (incident["pipeline"], incident["partition"]) == ("orders", END.isoformat())
    assert "column revenue" in incident["message"] and incident["occurrences"] == 2
    spec = project.steward.spec
    rota = project.steward.oncall.rota()
    readers = ("unit_profit", "aggregate_profit", "daily_growth")
    responders = list(dict.fromkeys(answers(spec, rota, AT, p)[0][1][0].engineer
                                    for p in readers))
    assert incident["handlers"] == responders
    assert incident["level"] == len(responders)


def test_a_quarantined_users_day_holds_back_every_later_day(tmp_path: Path) -> None:
    from pipesteward.metrics.generator import Injection, generate
    from tests.checks.generated import new_project

    steward = new_project(tmp_path / "team")
    bad = END - timedelta(days=3)
    generate(steward.paths.lake, START, (END - START).days + 1, 300, seed=1,
             inject=[Injection("null_is_test", bad)])
    assert not run_models(steward, START, bad - timedelta(days=1), morning_after(bad, 7))
    day = bad
    while day <= END:
        assert run_models(steward, day, day, morning_after(day, 7)) == {
            "unit_profit", "aggregate_profit", "daily_growth", "aggregate_engagement",
            "aggregate_growth"}
        day += timedelta(days=1)
    project = Project(steward)
    failures = project.failures(END, AT)
    # reported once, on the partition itself, by the check of a later day
    assert {(k, v.partition) for k, v in failures.items()} == {
        (("source.contract", "users"), bad.isoformat())}
    assert "and every later day" in failures[("source.contract", "users")].message

    # released knowingly: the days compute again; the acceptance is in the audit log
    steward.accept_source("users", bad, reason="five test accounts, known", by="C", at=AT)
    assert not run_models(steward, START, END, morning_after(END, 8))
    assert project.failures(END, AT) == {}
    assert any(e.action == "source.accepted" for e in steward.store.audit_log())


def test_accepting_null_revenue_still_stops_wrong_profit_at_the_invariants(
        tmp_path: Path) -> None:
    project = generated(tmp_path / "team", "null_revenue")
    project.steward.accept_source("orders", END, reason="looking", by="C", at=AT)
    assert not run_models(project.steward, END, END, morning_after(END, 8))
    failures = project.failures(END, AT)
    assert ("output.invariants", "aggregate_profit") in failures
    assert "is not revenue - cost" in failures[("output.invariants", "aggregate_profit")].message


def test_a_missing_users_partition_on_a_day_without_signups_breaks_nothing(
        tmp_path: Path) -> None:
    import shutil

    project = generated(tmp_path / "team")
    day = END - timedelta(days=2)
    shutil.rmtree(project.lake / "sources/users" / f"date={day}")
    assert not run_models(project.steward, day, END, morning_after(END, 8))
    assert project.failures(END, AT) == {}
