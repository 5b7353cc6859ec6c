"""Acting in the console: an engineer acts for themself, the team lead for anyone."""

from __future__ import annotations

import re
from pathlib import Path

from tests.incidents.team import fail
from tests.web.console import NOW, console, post, sign_in, with_lead

SWAP = {"engineer": "A", "week": "2026-12-21", "with": "B", "their_week": "2027-01-25"}


def actions(steward, action: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.actor for e in reversed(steward.store.audit_log()) if e.action == action]


def test_a_swap_requested_by_a_and_accepted_by_b_changes_the_calendar(project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "A")
    assert post(client, "/swaps", **SWAP).status_code == 303
    (swap,) = steward.oncall.swaps()["swaps"]
    assert swap["status"] == "requested" and 'data-swap="1"' in client.get("/oncall").text
    assert post(client, f"/swaps/{swap['id']}/accept").status_code == 403  # A cannot accept
    assert re.search(r'data-date="2026-12-25" data-engineer="A"',
                     client.get("/calendar/2026/12").text)
    sign_in(client, "B")
    assert post(client, f"/swaps/{swap['id']}/accept").status_code == 303
    html = client.get("/calendar/2026/12").text
    assert re.search(r'data-date="2026-12-25" data-engineer="B"', html)
    assert actions(steward, "oncall.swap_requested") == ["A"]
    assert actions(steward, "oncall.swap_accepted") == ["B"]


def test_b_cannot_swap_for_a(project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "B")
    answer = post(client, "/swaps", **SWAP)
    assert answer.status_code == 403 and "B cannot act for A" in answer.text
    assert steward.oncall.swaps()["swaps"] == []


def test_the_lead_swaps_accepts_and_removes_for_anyone(project: Path) -> None:
    with_lead(project, "D")
    steward, client, _ = console(project)
    sign_in(client, "D")
    assert post(client, "/swaps", **SWAP).status_code == 303
    assert post(client, "/swaps/1/accept").status_code == 303
    assert steward.oncall.who(NOW.replace(day=25, hour=17))["on_call"] == "B"
    assert post(client, "/unavailable", engineer="A", **{"from": "2026-12-24"},
                to="2026-12-27").status_code == 303
    assert post(client, "/unavailable/1/remove").status_code == 303
    assert actions(steward, "oncall.unavailable_removed") == ["D"]


def test_decline_and_cancel_belong_to_the_two_engineers(project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "A")
    post(client, "/swaps", **SWAP)
    post(client, "/swaps", **{**SWAP, "their_week": "2027-02-22"})
    assert post(client, "/swaps/1/decline").status_code == 403  # only B declines
    assert post(client, "/swaps/1/cancel").status_code == 303
    sign_in(client, "B")
    assert post(client, "/swaps/2/cancel").status_code == 403  # only A cancels
    assert post(client, "/swaps/2/decline").status_code == 303
    assert post(client, "/swaps/2/accept").status_code == 400  # already declined
    assert steward.oncall.swaps()["swaps"] == []
    assert actions(steward, "oncall.swap_cancelled") == ["A"]
    assert actions(steward, "oncall.swap_declined") == ["B"]


def test_unavailability_and_overrides_are_added_and_removed_by_their_engineer(
        project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "A")
    assert post(client, "/unavailable", engineer="B", **{"from": "2026-12-24"},
                to="2026-12-27").status_code == 403
    assert post(client, "/unavailable", engineer="A", **{"from": "2026-12-24"},
                to="2026-12-27", reason="Christmas").status_code == 303
    assert post(client, "/overrides", engineer="A", **{"from": "2026-12-31T18:00"},
                to="2027-01-01T10:00").status_code == 303
    assert post(client, "/overrides", engineer="A", **{"from": "soon"},
                to="later").status_code == 400
    (o,) = steward.oncall.overrides()["overrides"]
    assert o["from"] == "2026-12-31T18:00:00-05:00"
    sign_in(client, "B")
    assert post(client, "/unavailable/1/remove").status_code == 403
    assert post(client, "/overrides/1/remove").status_code == 403
    sign_in(client, "A")
    assert post(client, "/unavailable/1/remove").status_code == 303
    assert post(client, "/overrides/1/remove").status_code == 303
    assert post(client, "/overrides/1/remove").status_code == 404
    assert steward.oncall.unavailable()["unavailable"] == []
    assert steward.oncall.overrides()["overrides"] == []


def test_b_cannot_acknowledge_for_c_but_c_and_the_lead_can(project: Path) -> None:
    with_lead(project, "D")
    steward, client, _ = console(project)
    (first, second) = fail(steward, NOW) + fail(steward, NOW, _failing("growth.completeness"))
    sign_in(client, "B")
    answer = post(client, f"/incidents/{first}/ack")
    assert answer.status_code == 403 and "B cannot act on incident" in answer.text
    assert post(client, f"/incidents/{first}/resolve").status_code == 403
    assert steward.incident(first)["status"] == "open"
    sign_in(client, "C")  # on call: the responder
    assert post(client, f"/incidents/{first}/ack").status_code == 303
    assert steward.incident(first)["acknowledged_by"] == "C"
    sign_in(client, "D")  # the lead
    assert post(client, f"/incidents/{second}/resolve").status_code == 303
    assert steward.incident(second)["status"] == "resolved"
    assert actions(steward, "incident.acknowledged") == ["C"]
    assert actions(steward, "incident.resolved") == ["D"]


def test_notes_are_kept_with_who_and_when(project: Path) -> None:
    steward, client, clock = console(project)
    (incident_id,) = fail(steward, NOW)
    sign_in(client, "B")
    assert post(client, f"/incidents/{incident_id}/notes", text="late orders").status_code == 303
    assert post(client, f"/incidents/{incident_id}/notes", text="  ").status_code == 400
    (note,) = steward.incident(incident_id)["notes"]
    assert note == {"at": NOW.isoformat(), "by": "B", "text": "late orders"}
    assert "late orders" in client.get(f"/incidents/{incident_id}").text


def test_the_private_ical_feed_needs_no_session_and_can_be_revoked(project: Path) -> None:
    _, client, _ = console(project)
    sign_in(client, "A")
    url = re.search(r"http://testserver(/ical/[\w-]+\.ics)", client.get("/calendar/2026").text)
    assert url
    anonymous = console(project)[1]
    feed = anonymous.get(url.group(1))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in feed.content and b"On call: A" in feed.content
    assert post(client, "/calendar-feed").status_code == 303
    assert anonymous.get(url.group(1)).status_code == 404
    assert anonymous.get("/ical/guessed.ics").status_code == 404


def test_only_the_lead_applies_the_holiday_plan(project: Path) -> None:
    _, client, _ = console(project)
    sign_in(client, "A")
    assert post(client, "/calendar/2027/plan").status_code == 403


def _failing(check: str):  # type: ignore[no-untyped-def]
    from tests.incidents.team import failing

    return failing(check=check, pipeline="aggregate_growth", partition="2026-12")
