"""The console in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against
`steward serve` running as a real process: sign in, see who is on call, swap a week, watch the
calendar change, acknowledge an incident; every page fits 375 px and 1280 px without
horizontal scrolling. Screenshots of each page are kept under tests/artifacts/console/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pipesteward.app import Steward
from tests.checks.lakes import build
from tests.conftest import require
from tests.incidents.team import fail
from tests.web.server import serving

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("STEWARD_TEST_ARTIFACTS",
                                Path(__file__).resolve().parents[1] / "artifacts")) / "console"
WIDTHS = (375, 1280)
PASSWORD = "a long enough password"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    require(CHROMIUM.exists(), "Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield b
        b.close()


def set_passwords(project: Path) -> None:
    steward = Path(sys.executable).with_name("steward")
    for e in "ABCD":
        subprocess.run([str(steward), "users", "set-password", e, "--spec", str(project)],
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)


def sign_in(browser, url: str, engineer: str, width: int = 1280):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{url}/login")
    page.select_option("select[name=engineer]", engineer)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def upcoming(steward: Steward, engineer: str, after: datetime) -> list[str]:
    today = after.astimezone(steward.spec.team.tz).date()
    shifts = steward.oncall.schedule(today, today + timedelta(weeks=12), engineer)["shifts"]
    return [s["week"] for s in shifts if datetime.fromisoformat(s["start"]) > after
            and s["changed_by"] is None]


def test_sign_in_swap_a_week_and_acknowledge_an_incident(browser, project: Path,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path) -> None:
    set_passwords(project)
    steward = Steward.from_path(project, env={})
    build(steward.paths.lake)  # a few days of model output for the charts
    now = datetime.now(UTC)
    (incident_id,) = fail(steward, now)
    responder = steward.incident(incident_id)["responder"]
    on_call = steward.oncall.who(now)["on_call"]
    week = upcoming(steward, "A", now + timedelta(days=1))[0]
    their_week = next(w for w in upcoming(steward, "B", now) if w > week)
    year, month = int(week[:4]), int(week[5:7])
    tuesday = (datetime.fromisoformat(week) + timedelta(days=1)).date().isoformat()
    cell = f'td[data-date="{tuesday}"]'

    with serving(project, tmp_path / "serve.log") as url:
        a = sign_in(browser, url, "A")
        assert a.inner_text("[data-testid=on-call]") == on_call
        shoot(a, "now-1280")
        a.goto(f"{url}/calendar/{year}/{month}")
        assert a.get_attribute(cell, "data-engineer") == "A"

        a.goto(f"{url}/oncall")
        a.select_option("select[name=week]", week)
        a.select_option("select[name=with]", "B")
        a.select_option("select[name=their_week]", their_week)
        a.click("text=Request swap")
        a.wait_for_selector("text=Swap 1 requested")
        shoot(a, "oncall-requested-1280")

        b = sign_in(browser, url, "B")
        b.goto(f"{url}/oncall")
        b.click('tr[data-swap="1"] >> text=Accept')
        b.wait_for_selector("text=Swap 1 accepted")
        b.goto(f"{url}/calendar/{year}/{month}")
        assert b.get_attribute(cell, "data-engineer") == "B"
        assert "swap" in (b.get_attribute(f"{cell} .m.swap", "title") or "")
        shoot(b, "calendar-month-after-swap-1280")

        r = sign_in(browser, url, responder)
        r.goto(f"{url}/incidents/{incident_id}")
        r.click("text=Acknowledge")
        r.wait_for_selector(f"text=Incident {incident_id} acknowledged.")
        assert "acknowledged by " + responder in r.inner_text("main")
        shoot(r, "incident-acknowledged-1280")
    assert steward.incident(incident_id)["status"] == "acknowledged"
    assert steward.oncall.swaps()["swaps"][0]["status"] == "accepted"


def test_every_page_fits_375_and_1280_pixels(browser, project: Path,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    set_passwords(project)
    steward = Steward.from_path(project, env={})
    build(steward.paths.lake)
    (incident_id,) = fail(steward, datetime.now(UTC))
    year = datetime.now(UTC).year
    pages = {"now": "/", "calendar-year": f"/calendar/{year}",
             "calendar-month": f"/calendar/{year}/12", "pipelines": "/pipelines",
             "pipeline": "/pipelines/aggregate_profit", "incidents": "/incidents",
             "incident": f"/incidents/{incident_id}", "oncall": "/oncall", "review": "/review"}
    with serving(project, tmp_path / "serve.log", stop=signal.SIGINT) as url:
        for width in WIDTHS:
            login = browser.new_context(viewport={"width": width, "height": 800}).new_page()
            login.goto(f"{url}/login")
            assert fits(login), f"/login scrolls sideways at {width} px"
            shoot(login, f"login-{width}")
            page = sign_in(browser, url, "A", width)
            for name, path in pages.items():
                page.goto(url + path)
                if name == "pipeline":
                    page.wait_for_selector(".chart .main-svg")  # Plotly drew the charts
                assert fits(page), f"{path} scrolls sideways at {width} px"
                shoot(page, f"{name}-{width}")
