"""Incidents follow the checks: one per (check, pipeline, partition) while open, updated on
repeats, resolved when the check passes again; acknowledged and resolved by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipesteward.app import Steward
from pipesteward.checks.result import CheckResult, Severity
from pipesteward.errors import NotFound, UserError
from pipesteward.incidents.lifecycle import acknowledge, record_results, resolve

AT = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


def result(passed: bool, severity: Severity = Severity.ERROR,
           partition: str = "2026-03-05") -> CheckResult:
    return CheckResult("profit.reconciliation", "aggregate_profit", partition, passed, severity,
                       True, "ok" if passed else "unit-level and aggregate profit disagree",
                       {"revenue": {"difference": 1.0}})


def test_a_repeat_failure_updates_the_open_incident_and_a_pass_resolves_it(
        steward: Steward) -> None:
    first = record_results(steward.store, [result(False)], day="2026-03-05", at=AT)
    again = record_results(steward.store, [result(False)], day="2026-03-05",
                           at=AT + timedelta(hours=1))
    assert len(first.opened) == 1 and again.updated == first.opened and not again.opened
    (incident,) = steward.incidents()
    assert (incident["status"], incident["occurrences"], incident["key"]) == (
        "open", 2, "profit.reconciliation:aggregate_profit:2026-03-05")
    assert incident["opened_at"] == AT.isoformat()
    passed = record_results(steward.store, [result(True)], day="2026-03-05",
                            at=AT + timedelta(hours=2))
    assert passed.resolved == first.opened
    assert [i["status"] for i in steward.incidents()] == ["resolved"]
    reopened = record_results(steward.store, [result(False)], day="2026-03-05",
                              at=AT + timedelta(hours=3))
    assert reopened.opened and reopened.opened != first.opened  # a new incident


def test_other_partitions_and_warnings_are_separate(steward: Steward) -> None:
    record_results(steward.store, [result(False), result(False, partition="2026-03-04"),
                                   result(False, Severity.WARN, partition="2026-03-03")],
                   day="2026-03-05", at=AT)
    assert sorted(i["partition"] for i in steward.incidents("open")) == [
        "2026-03-04", "2026-03-05"]


def test_acknowledge_and_resolve_by_hand(steward: Steward) -> None:
    (opened,) = record_results(steward.store, [result(False)], day="2026-03-05", at=AT).opened
    acknowledge(steward.store, opened, by="C", at=AT)
    assert steward.incidents("active")[0]["status"] == "acknowledged"
    # still failing: the acknowledged incident is updated, not reopened
    assert record_results(steward.store, [result(False)], day="2026-03-05",
                          at=AT).updated == [opened]
    resolve(steward.store, opened, by="C", at=AT)
    with pytest.raises(UserError, match="already resolved"):
        acknowledge(steward.store, opened, by="C", at=AT)
    with pytest.raises(NotFound):
        resolve(steward.store, 999, by="C", at=AT)
    assert [e.action for e in steward.store.audit_log()][:2] == [
        "incident.resolved", "incident.acknowledged"]
