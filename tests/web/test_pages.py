"""Every page, signed in, shows what its people look for."""

from __future__ import annotations

import re
from pathlib import Path

from pipesteward.app import Steward
from tests.checks.lakes import build
from tests.incidents.team import fail
from tests.web.console import NOW, console, sign_in


def cell(html: str, day: str) -> str:
    found = re.search(rf'<td class="([^"]*)"\s+data-date="{day}" data-engineer="(\w*)"', html)
    assert found, day
    return found.group(2)


def test_now_shows_who_is_on_call_and_responds_with_reasons(project: Path) -> None:
    steward, client, _ = console(project)
    fail(steward, NOW)
    sign_in(client, "A")
    html = client.get("/").text
    assert re.search(r'data-testid="on-call">C<', html)
    assert "Week of 2026-12-07" in html and "America/New_York" in html
    assert "C is on call (week of 2026-12-07)" in html  # the reasons
    assert "profit.reconciliation on unit_profit (2026-12-24)" in html
    assert "No runs recorded yet" in html and "Dagster UI" not in html


def test_now_links_to_the_dagster_ui_when_there_is_one(project: Path) -> None:
    from fastapi.testclient import TestClient

    from pipesteward.web.app import create_app

    steward, _, clock = console(project)
    client = TestClient(create_app(steward, clock=clock, secret="s",
                                   dagster_url="http://127.0.0.1:3000"), follow_redirects=False)
    sign_in(client, "A")
    assert 'href="http://127.0.0.1:3000"' in client.get("/").text


def test_the_year_puts_christmas_in_a_week_with_the_burden_and_the_plan(project: Path) -> None:
    _, client, _ = console(project)
    sign_in(client, "B")
    html = client.get("/calendar/2026").text
    assert cell(html, "2026-12-25") == "A" and cell(html, "2026-12-07") == "C"
    holidays = html.split('id="holidays"')[1].split("</table>")[0]
    assert re.search(r"<td>2026-12-25</td><td>Christmas Day</td><td>1</td><td><strong>A",
                     holidays)
    burden = html.split('id="burden"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(\w)</td><td>(\d+)</td><td>(\d+)</td>", burden)
    assert [r[0] for r in rows] == ["A", "B", "C", "D"]
    assert sum(int(r[2]) for r in rows) == 11  # the US federal holidays of 2026
    assert "The planner's proposal" in html
    assert re.search(r"/ical/[\w-]+\.ics", html)


def test_the_month_marks_holidays_unavailability_swaps_and_overrides(project: Path) -> None:
    steward, client, _ = console(project)
    o = steward.oncall
    o.add_unavailable("A", *map(_d, ("2026-12-24", "2026-12-27")), "Christmas", NOW)
    swap = o.request_swap("D", _d("2026-12-14"), "B", _d("2027-01-25"), NOW)
    o.accept_swap(swap["id"], NOW, "B")
    from datetime import UTC, datetime

    o.add_override("C", datetime(2026, 12, 31, 17, tzinfo=UTC),
                   datetime(2027, 1, 1, 17, tzinfo=UTC), "New Year", NOW)
    sign_in(client, "A")
    html = client.get("/calendar/2026/12").text
    assert cell(html, "2026-12-15") == "B"  # swapped from D
    assert 'title="swapped"' in html and 'title="override"' in html
    assert "away: A" in html and "Christmas Day" in html
    year = client.get("/calendar/2026").text
    assert "A unavailable: B, C, D respond" in year  # holiday cover at Christmas


def test_pipelines_list_and_detail_with_runbook_checks_and_charts(project: Path) -> None:
    steward = Steward.from_path(project, env={})
    build(steward.paths.lake)
    _, client, _ = console(project)
    sign_in(client, "A")
    listing = client.get("/pipelines").text
    assert "Aggregate Profit Reported to Investors" in listing
    html = client.get("/pipelines/aggregate_profit").text
    assert "primary <strong>C</strong>, secondary <strong>D</strong>" in html
    assert "<h3>Data Inconsistencies</h3>" in html  # the runbook, rendered
    assert "profit.reconciliation" in html and "not run yet" in html
    charts = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html,
                       flags=re.S)
    assert charts and '"name": "revenue"' in charts.group(1)
    assert '<script src="/static-lib/plotly.min.js">' in html
    js = client.get("/static-lib/plotly.min.js")
    assert js.status_code == 200 and "plotly" in js.text[:2000].lower()
    for p in ("aggregate_growth", "aggregate_engagement", "daily_growth", "unit_profit"):
        assert 'id="chart-data"' in client.get(f"/pipelines/{p}").text, p
    assert client.get("/pipelines/nope").status_code == 404


def test_static_files_are_served_from_the_package(project: Path) -> None:
    _, client, _ = console(project)
    assert "htmx" in client.get("/static/htmx.min.js").text[:200]
    assert client.get("/static/console.css").status_code == 200
    html = client.get("/login").text
    assert "http://" not in html.replace('xmlns="http://', "") and "https://" not in html


def test_incidents_list_and_detail_with_the_delivery_log(project: Path) -> None:
    steward, client, _ = console(project)
    (incident_id,) = fail(steward, NOW)
    sign_in(client, "A")
    listing = client.get("/incidents?status=active").text
    assert f'href="/incidents/{incident_id}"' in listing
    html = client.get(f"/incidents/{incident_id}").text
    assert "Delivery log" in html and "Responder <strong>C</strong>" in html
    assert "unit-level and aggregate profit disagree" in html
    assert client.get("/incidents/999").status_code == 404


def test_review_shows_ownership_failure_points_fairness_and_runbooks(project: Path) -> None:
    _, client, _ = console(project)
    sign_in(client, "A")
    html = client.get("/review").text
    for part in ("Ownership load", "Single points of failure", "On-call fairness 2026",
                 "Runbooks due for review", "Balance score"):
        assert part in html


def _d(value: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(value)
