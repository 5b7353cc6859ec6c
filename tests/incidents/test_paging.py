"""Paging (DESIGN section 8) against real local receivers: routing to the responder, the
message, deliveries recorded before sending, retries, escalation until acknowledged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.incidents.receivers import free_port, http_inbox, smtp_inbox
from tests.incidents.team import fail, team

from pipesteward.app import Steward
from pipesteward.incidents.lifecycle import acknowledge

XMAS = datetime(2026, 12, 25, 17, 0, tzinfo=UTC)  # A on call, and away 24-27 December
A_AWAY = "[{engineer: A, from: 2026-12-24, to: 2026-12-27, reason: Christmas}]"
MARCH = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


def assert_page(text: str, incident_id: int) -> None:
    """A page says what failed, shows the figures and the runbook section, and how to ack."""
    for part in ("Pipeline: unit_profit", "Check: profit.reconciliation",
                 "Partition: 2026-12-24", "unit-level and aggregate profit disagree",
                 '"difference": 100.0', "### Data Inconsistencies",
                 "**Check:** `profit.reconciliation`", "**Fix:**",
                 f"steward incidents ack {incident_id}"):
        assert part in text, part
    assert "### Pipeline Failures" not in text  # only the check's own section


def test_christmas_pages_the_secondary_then_escalates_until_acknowledged(
        project: Path) -> None:
    with http_inbox() as inbox:
        steward = team(project, {e: [inbox.url(e)] for e in "ABCD"}, unavailable=A_AWAY)
        (opened,) = fail(steward, XMAS)
        (incident,) = steward.incidents()
        assert incident["responder"] == "B"  # A is primary of unit_profit: its secondary
        assert [s["engineer"] for s in incident["escalation"]] == ["B", "C", "D"]
        assert [(d["engineer"], d["status"]) for d in incident["deliveries"]] == [("B", "sent")]
        (page,) = inbox.pages("B")
        assert page["title"].startswith("[steward] profit.reconciliation failed on unit_profit")
        assert_page(page["message"], opened)

        # a repeat failure updates the open incident and does not page again
        assert fail(steward, XMAS + timedelta(minutes=5)) == []
        assert steward.incidents()[0]["occurrences"] == 2 and len(inbox.pages("B")) == 1

        assert steward.escalate_incidents(XMAS + timedelta(minutes=14)) == []
        assert steward.escalate_incidents(XMAS + timedelta(minutes=15)) == [opened]
        assert len(inbox.pages("C")) == 1 and "level 2 of B -> C -> D" in \
            inbox.pages("C")[0]["message"]
        assert steward.escalate_incidents(XMAS + timedelta(minutes=20)) == []  # C's 15 minutes

        acknowledge(steward.store, opened, by="C", at=XMAS + timedelta(minutes=21))
        assert steward.escalate_incidents(XMAS + timedelta(hours=2)) == []
        assert not inbox.pages("D") and not inbox.pages("A")  # A is away: never paged
        assert [d["engineer"] for d in steward.incidents()[0]["deliveries"]] == ["B", "C"]


def test_a_page_by_email_reaches_a_local_smtp_server(project: Path) -> None:
    with smtp_inbox() as smtp:
        steward = team(project, {"B": [smtp.url("engineer-b@example.com")]}, A_AWAY)
        (opened,) = fail(steward, XMAS)
        (text,) = smtp.texts()
        assert_page(text, opened)
        assert smtp.messages[0]["To"] == "engineer-b@example.com"
        (delivery,) = steward.incidents()[0]["deliveries"]
        assert (delivery["status"], delivery["channel"]) == (
            "sent", f"mailto://127.0.0.1:{smtp.port}/***")


def test_a_dead_channel_is_retried_then_failed_and_the_incident_is_undelivered(
        project: Path) -> None:
    sleeps: list[float] = []
    dead = f"json://127.0.0.1:{free_port()}/hook-secret-token"
    with http_inbox() as inbox:
        steward = team(project, {"B": [dead, inbox.url("B")]}, A_AWAY, sleeps=sleeps)
        fail(steward, XMAS)
        (incident,) = steward.incidents()
        assert [(d["status"], d["attempts"]) for d in incident["deliveries"]] == [
            ("failed", 3), ("sent", 1)]
        assert sleeps == [0.5, 2.0]  # backoff, injected: the test does not wait
        assert incident["delivered"]  # one channel reached B


def test_when_every_channel_fails_the_incident_stays_undelivered(project: Path) -> None:
    dead = f"json://127.0.0.1:{free_port()}/hook-secret-token"
    steward = team(project, {"B": [dead]}, A_AWAY)
    fail(steward, XMAS)
    newest = steward.incidents()[0]
    assert [d["status"] for d in newest["deliveries"]] == ["failed"]
    assert newest["delivered"] is False
    assert "hook-secret-token" not in str(newest) and "***" in newest["deliveries"][0]["channel"]
    assert "hook-secret-token" not in str([e.detail for e in steward.store.audit_log()])


def test_no_notify_urls_leaves_the_incident_visible_as_undelivered(steward: Steward) -> None:
    fail(steward, MARCH)
    (incident,) = steward.incidents()
    assert incident["responder"] is not None and incident["deliveries"] == []
    assert incident["delivered"] is False
    paged = [e for e in steward.store.audit_log() if e.action == "incident.paged"]
    assert paged[0].detail["undelivered"] == "no notify URLs"


class Died(BaseException):
    """The process dying mid-send (not an error a channel reports)."""


class DiesWhileSending:
    def send(self, url: str, title: str, body: str) -> str | None:
        raise Died


class Raises:
    def send(self, url: str, title: str, body: str) -> str | None:
        raise ConnectionError(f"cannot reach {url}")


def test_deliveries_are_recorded_before_anything_is_sent(project: Path) -> None:
    with http_inbox() as inbox:
        steward = team(project, {"B": [inbox.url("B")]}, A_AWAY, notifier=DiesWhileSending())
        with pytest.raises(Died):
            fail(steward, XMAS)
        (incident,) = steward.incidents()
        assert [(d["status"], d["engineer"]) for d in incident["deliveries"]] == [
            ("pending", "B")]
        assert not inbox.pages("B")
        # what a process that died left pending is sent by the next: test_claims.py


def test_a_notifier_that_raises_fails_its_delivery_with_the_url_masked(project: Path) -> None:
    url = "json://hooks.example.com/secret-path-token"
    steward = team(project, {"B": [url]}, A_AWAY, notifier=Raises())
    fail(steward, XMAS)
    (delivery,) = steward.incidents()[0]["deliveries"]
    assert (delivery["status"], delivery["attempts"]) == ("failed", 3)
    assert delivery["channel"] == "json://hooks.example.com/***"
    assert "secret-path-token" not in delivery["error"] and "ConnectionError" in delivery["error"]
