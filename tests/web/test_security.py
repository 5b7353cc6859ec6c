"""Who gets in and what they may do: sign-in, sessions, CSRF, the throttle, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipesteward.store.audit import AuditEntry
from tests.web.console import NOW, console, csrf_of, post, sign_in

PAGES = ["/", "/calendar", "/calendar/2026", "/calendar/2026/12", "/pipelines",
         "/pipelines/aggregate_profit", "/incidents", "/incidents/1", "/oncall", "/review"]
ACTIONS = ["/swaps", "/swaps/1/accept", "/swaps/1/decline", "/swaps/1/cancel", "/unavailable",
           "/unavailable/1/remove", "/overrides", "/overrides/1/remove", "/incidents/1/ack",
           "/incidents/1/resolve", "/incidents/1/notes", "/calendar/2026/plan",
           "/calendar-feed"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_requests_get_the_sign_in_page(project: Path, path: str) -> None:
    _, client, _ = console(project)
    answer = client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    assert client.get(answer.headers["location"]).status_code == 200


@pytest.mark.parametrize("path", ACTIONS)
def test_anonymous_actions_are_refused_and_change_nothing(project: Path, path: str) -> None:
    steward, client, _ = console(project)
    token = csrf_of(client.get("/login").text)
    answer = client.post(path, data={"csrf": token, "engineer": "A", "week": "2026-12-21",
                                     "with": "B", "their_week": "2027-01-25", "from":
                                     "2026-12-24", "to": "2026-12-27", "text": "x"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert steward.oncall.swaps()["swaps"] == []
    assert steward.oncall.unavailable()["unavailable"] == []


def test_healthz_answers_without_a_session(project: Path) -> None:
    _, client, _ = console(project)
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_wrong_password_gives_no_session(project: Path) -> None:
    steward, client, _ = console(project)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"engineer": "A", "password": "wrong", "csrf": token})
    assert answer.status_code == 401 and "Wrong engineer or password" in answer.text
    assert client.get("/").status_code == 303
    unknown = client.post("/login", data={"engineer": "Z", "password": "x", "csrf": token})
    assert unknown.status_code == 401
    actions = [(e.actor, e.action) for e in reversed(steward.store.audit_log())]
    assert ("A", "user.sign_in_failed") in actions


def test_the_right_password_signs_in_with_a_safe_cookie(project: Path) -> None:
    steward, client, _ = console(project)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"engineer": "A", "password": "password-of-A",
                                         "csrf": token, "next": "/review"})
    assert answer.status_code == 303 and answer.headers["location"] == "/review"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "password-of-a" not in cookie
    assert client.get("/review").status_code == 200
    assert ("A", "user.signed_in") in [(e.actor, e.action) for e in steward.store.audit_log()]


def test_next_never_leaves_the_site(project: Path) -> None:
    _, client, _ = console(project)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"engineer": "A", "password": "password-of-A",
                                         "csrf": token, "next": "//evil.example/"})
    assert answer.headers["location"] == "/"


def test_a_login_form_without_its_csrf_token_is_refused(project: Path) -> None:
    _, client, _ = console(project)
    client.get("/login")
    answer = client.post("/login", data={"engineer": "A", "password": "password-of-A"})
    assert answer.status_code == 403
    assert client.get("/").status_code == 303


def test_a_form_without_its_csrf_token_is_refused(project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "A")
    fields = {"engineer": "A", "from": "2026-12-24", "to": "2026-12-27"}
    assert client.post("/unavailable", data=fields).status_code == 403
    assert client.post("/unavailable", data={**fields, "csrf": "forged"}).status_code == 403
    assert steward.oncall.unavailable()["unavailable"] == []
    assert post(client, "/unavailable", **fields).status_code == 303
    assert len(steward.oncall.unavailable()["unavailable"]) == 1


def test_every_form_carries_the_csrf_token(project: Path) -> None:
    import re

    _, client, _ = console(project)
    sign_in(client, "A")
    for path in ["/", "/calendar/2026", "/calendar/2026/12", "/pipelines/unit_profit",
                 "/incidents", "/oncall", "/review"]:
        html = client.get(path).text
        forms = re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S)
        assert forms, path
        for form in forms:
            assert 'name="csrf"' in form, (path, form[:120])


def test_five_failures_lock_the_engineer_out_for_fifteen_minutes(project: Path) -> None:
    _, client, clock = console(project)
    token = csrf_of(client.get("/login").text)

    def attempt(password: str) -> int:
        return client.post("/login", data={"engineer": "B", "password": password,
                                           "csrf": token}).status_code

    assert [attempt("wrong") for _ in range(5)] == [401] * 5
    clock.advance(minutes=1)
    assert attempt("password-of-B") == 429  # the right password, still refused
    other = console(project, clock)[1]
    sign_in(other, "A")  # only B is locked out
    clock.advance(minutes=13, seconds=59)
    assert attempt("password-of-B") == 429
    clock.advance(seconds=2)
    assert attempt("password-of-B") == 303


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(project: Path) -> None:
    _, client, clock = console(project)
    token = csrf_of(client.get("/login").text)
    for _ in range(4):
        client.post("/login", data={"engineer": "B", "password": "x", "csrf": token})
        clock.advance(minutes=5)
    assert client.post("/login", data={"engineer": "B", "password": "x",
                                       "csrf": token}).status_code == 401
    sign_in(client, "B")


def test_a_new_password_ends_older_sessions(project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "A")
    assert client.get("/").status_code == 200
    steward.users.set_password("A", "another-password", NOW)
    assert client.get("/").status_code == 303
    sign_in(client, "A", "another-password")


def test_sign_out_ends_the_session(project: Path) -> None:
    _, client, _ = console(project)
    sign_in(client, "A")
    assert post(client, "/logout").status_code == 303
    assert client.get("/").status_code == 303


def test_output_is_escaped(project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "A")
    evil = "<script>alert(1)</script>"
    assert post(client, "/unavailable", engineer="A", **{"from": "2026-12-24"}, to="2026-12-27",
                reason=evil).status_code == 303
    runbook = project.parent / "runbooks" / "unit_profit.md"
    runbook.write_text(runbook.read_text() + f"\n\n{evil}\n", encoding="utf-8")
    for path in ["/oncall", "/pipelines/unit_profit"]:
        html = client.get(path).text
        assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_action_is_in_the_audit_log_with_who(project: Path) -> None:
    steward, client, _ = console(project)
    sign_in(client, "A")
    post(client, "/unavailable", engineer="A", **{"from": "2026-12-24"}, to="2026-12-27")
    (entry,) = [e for e in steward.store.audit_log() if e.action == "oncall.unavailable_added"]
    assert isinstance(entry, AuditEntry) and entry.actor == "A"
