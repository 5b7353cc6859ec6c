"""`steward oncall ...` and `steward review`, in process, with the clock pinned."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import vobject
from typer.testing import CliRunner

from pipesteward.app import Steward
from pipesteward.cli import app

runner = CliRunner()
NOW = datetime(2026, 11, 25, 20, tzinfo=UTC)
CHRISTMAS = "2026-12-25T12:00"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipesteward.cli.oncall.now", lambda: NOW)


@pytest.fixture(autouse=True)
def no_env_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEWARD_DATABASE_URL", raising=False)


def steward(project: Path, *args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, [*args, "--spec", str(project)])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def as_json(project: Path, *args: str) -> dict:
    return json.loads(steward(project, *args, "--json").stdout)


def refused(project: Path, *args: str) -> str:
    result = steward(project, *args, ok=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


# ---------------------------------------------------------------------------- who


def test_who_at_christmas_with_a_unavailable(project: Path) -> None:
    steward(project, "oncall", "unavailable", "add", "--engineer", "A", "--from", "2026-12-24",
            "--to", "2026-12-27", "--reason", "Christmas")
    data = as_json(project, "oncall", "who", "--at", CHRISTMAS)
    assert data["at"] == "2026-12-25T17:00:00+00:00"
    assert data["on_call"] == "A"
    assert data["shift"] == {"week": "2026-12-21", "start": "2026-12-21T10:00:00-05:00",
                             "end": "2026-12-28T10:00:00-05:00", "engineer": "A",
                             "base_engineer": "A", "holidays": ["Christmas Day"],
                             "changed_by": None}
    by_pipeline = {p["pipeline"]: p for p in data["pipelines"]}
    assert {p: r["responder"] for p, r in by_pipeline.items()} == {
        "unit_profit": "B", "aggregate_profit": "C", "aggregate_growth": "B",
        "daily_growth": "D", "aggregate_engagement": "C"}
    assert by_pipeline["unit_profit"]["escalation"] == ["B", "C", "D"]
    assert by_pipeline["unit_profit"]["why"] == [
        "A is on call (week of 2026-12-21)", "A is unavailable 2026-12-24..27 (Christmas)",
        "A is primary of unit_profit, so its secondary B steps in"]


def test_who_defaults_to_now_and_one_pipeline(project: Path) -> None:
    data = as_json(project, "oncall", "who", "--pipeline", "daily_growth")
    assert data["at"] == NOW.isoformat()
    assert data["shift"]["week"] == "2026-11-23" and data["on_call"] == "A"
    assert [p["pipeline"] for p in data["pipelines"]] == ["daily_growth"]


def test_who_prints_a_table(project: Path) -> None:
    out = steward(project, "oncall", "who", "--at", CHRISTMAS).stdout
    assert "Christmas Day" in out and "unit_profit" in out


def test_who_bad_input_exits_2_with_a_clear_message(project: Path) -> None:
    assert "unknown pipeline 'nope'" in refused(project, "oncall", "who", "--pipeline", "nope")
    assert "--at 'soon' is not a time" in refused(project, "oncall", "who", "--at", "soon")


# ---------------------------------------------------------------------------- swaps


def test_the_team_document_swap_recorded_at_run_time(project: Path) -> None:
    req = as_json(project, "oncall", "swap", "request", "--engineer", "A", "--week", "2026-12-21",
                  "--with", "B", "--their-week", "2027-01-25")
    assert req["status"] == "requested"
    assert as_json(project, "oncall", "who", "--at", CHRISTMAS)["on_call"] == "A"  # not yet
    acc = as_json(project, "oncall", "swap", "accept", str(req["id"]))
    assert (acc["status"], acc["accepted_by"]) == ("accepted", "B")
    assert as_json(project, "oncall", "who", "--at", CHRISTMAS)["on_call"] == "B"
    assert as_json(project, "oncall", "who", "--at", "2027-01-27T12:00")["on_call"] == "A"
    shifts = as_json(project, "oncall", "schedule", "--from", "2026-12-21", "--to", "2027-01-31",
                     "--engineer", "A")["shifts"]
    assert [(s["week"], s["changed_by"]) for s in shifts] == [("2027-01-18", None),
                                                              ("2027-01-25", "swap")]
    listed = as_json(project, "oncall", "swap", "list")["swaps"]
    assert [(s["id"], s["status"], s["stale"]) for s in listed] == [(req["id"], "accepted", False)]
    log = Steward.from_path(project, env={}).store.audit_log()
    assert [e.action for e in log][:2] == ["oncall.swap_accepted", "oncall.swap_requested"]


def test_invalid_swaps_are_refused_with_exit_2(project: Path) -> None:
    base = ["oncall", "swap", "request", "--engineer", "A", "--with"]
    assert "A is not on call the week of 2026-12-28 (B is)" in refused(
        project, *base, "B", "--week", "2026-12-28", "--their-week", "2027-01-25")
    assert "two different engineers" in refused(
        project, *base, "A", "--week", "2026-12-21", "--their-week", "2027-01-18")
    assert "already started" in refused(
        project, *base, "D", "--week", "2026-01-19", "--their-week", "2027-01-11")
    assert "not a date" in refused(
        project, *base, "B", "--week", "Christmas", "--their-week", "2027-01-25")
    assert as_json(project, "oncall", "swap", "list")["swaps"] == []


def test_only_the_asked_engineer_accepts(project: Path) -> None:
    req = as_json(project, "oncall", "swap", "request", "--engineer", "A", "--week", "2026-12-21",
                  "--with", "B", "--their-week", "2027-01-25")
    assert "only B can accept it, not C" in refused(project, "oncall", "swap", "accept",
                                                    str(req["id"]), "--by", "C")
    assert "no swap 99" in refused(project, "oncall", "swap", "accept", "99")


# ---------------------------------------------------------------------------- changes


def test_unavailable_and_override_add_and_list(project: Path) -> None:
    steward(project, "oncall", "unavailable", "add", "--engineer", "A", "--from", "2026-12-24",
            "--to", "2026-12-27")
    [a] = as_json(project, "oncall", "unavailable", "list")["unavailable"]
    assert (a["engineer"], a["from"], a["to"], a["source"]) == ("A", "2026-12-24", "2026-12-27",
                                                               "store")
    steward(project, "oncall", "override", "add", "--engineer", "C", "--from", "2026-12-25T00:00",
            "--to", "2026-12-26T00:00", "--reason", "covering")
    [o] = as_json(project, "oncall", "override", "list")["overrides"]
    assert (o["engineer"], o["from"], o["to"]) == ("C", "2026-12-25T00:00:00-05:00",
                                                   "2026-12-26T00:00:00-05:00")
    data = as_json(project, "oncall", "who", "--at", CHRISTMAS)
    assert data["on_call"] == "C" and data["shift"]["changed_by"] == "override"
    assert "is before --from" in refused(project, "oncall", "unavailable", "add", "--engineer",
                                         "A", "--from", "2026-12-27", "--to", "2026-12-24")
    assert "unknown engineer 'Z'" in refused(project, "oncall", "override", "add", "--engineer",
                                             "Z", "--from", "2026-12-25", "--to", "2026-12-26")


# ---------------------------------------------------------------------------- plan, ledger


def test_plan_2026_balances_with_one_swap_and_apply_records_it(project: Path) -> None:
    data = as_json(project, "oncall", "plan", "--year", "2026")
    assert data["burden_before"] == {"A": 4, "B": 3, "C": 3, "D": 1}
    assert data["swaps"] == [{"engineer": "A", "week": "2026-12-21", "with": "D",
                              "their_week": "2027-01-11"}]
    assert max(data["burden_after"].values()) - min(data["burden_after"].values()) <= 1
    assert data["applied"] == []
    applied = as_json(project, "oncall", "plan", "--year", "2026", "--apply", "--by", "A")
    assert len(applied["applied"]) == 1
    assert as_json(project, "oncall", "who", "--at", CHRISTMAS)["on_call"] == "D"
    again = as_json(project, "oncall", "plan", "--year", "2026")
    assert again["burden_before"] == {"A": 3, "B": 3, "C": 3, "D": 2} and again["swaps"] == []
    actions = [e.action for e in Steward.from_path(project, env={}).store.audit_log()]
    assert "oncall.plan_applied" in actions


def test_closing_a_year_writes_the_ledger_the_next_plan_carries(project: Path,
                                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert "has not ended yet" in refused(project, "oncall", "close-year", "--year", "2026",
                                         "--by", "A")
    monkeypatch.setattr("pipesteward.cli.oncall.now", lambda: datetime(2027, 1, 2, tzinfo=UTC))
    closed = as_json(project, "oncall", "close-year", "--year", "2026", "--by", "A")
    assert closed["burdens"] == {"A": 4, "B": 3, "C": 3, "D": 1}
    monkeypatch.setattr("pipesteward.cli.oncall.now", lambda: datetime(2026, 12, 1, tzinfo=UTC))
    nxt = as_json(project, "oncall", "plan", "--year", "2027")
    assert nxt["ledger"] == {"A": 4, "B": 3, "C": 3, "D": 1}
    assert nxt["spread_after"] <= nxt["spread_before"]


def words(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.stdout.split())


def test_plan_says_why_no_swap_helps_when_every_holiday_shift_has_started(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipesteward.cli.oncall.now", lambda: datetime(2026, 12, 30, tzinfo=UTC))
    data = as_json(project, "oncall", "plan", "--year", "2026")
    assert data["swaps"] == [] and data["spread_before"] == data["spread_after"] == 3
    assert data["why"].startswith("no swap lowers the spread: no holiday shift of 2026 can move")
    assert "only shifts still to come move" in data["why"]  # the rule every swap would break
    text = words(steward(project, "oncall", "plan", "--year", "2026"))
    assert "spread 3 → 3 with 0 swap(s)" in text
    assert "why: no swap lowers the spread" in text and "(the last 2026-12-21) have started" in text


def test_plan_says_what_its_swaps_do_and_when_the_spread_is_already_least(
        project: Path) -> None:
    text = words(steward(project, "oncall", "plan", "--year", "2026"))
    assert "spread 3 → 1 with 1 swap(s)" in text
    assert ("why: each swap gives a holiday shift still to come to an engineer carrying less, "
            "against one of their later non-holiday shifts, so everyone keeps as many shifts"
            in text)
    assert "11 holiday point(s) over 4 engineers cannot split evenly" in text
    steward(project, "oncall", "plan", "--year", "2026", "--apply", "--by", "A")
    again = as_json(project, "oncall", "plan", "--year", "2026")
    assert again["why"].startswith("already as even as it can be: 11 holiday point(s)")


# ---------------------------------------------------------------------------- ical, review


def test_ical_out_parses_with_vobject_at_local_handoff_times(project: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "oncall.ics"
    steward(project, "oncall", "ical", "--engineer", "A", "--out", str(out), "--from",
            "2026-01-01", "--to", "2026-12-31")
    cal = vobject.readOne(out.read_text(encoding="utf-8"))
    events = cal.vevent_list
    assert len(events) == 13
    for ev in events:
        assert ev.summary.value.startswith("On call: A")
        for edge in (ev.dtstart.value, ev.dtend.value):
            assert edge.tzinfo is not None
            assert (edge.hour, edge.minute) == (10, 0)
    assert any("Christmas Day" in ev.summary.value for ev in events)


def test_review_json(project: Path) -> None:
    data = as_json(project, "review", "--as-of", "2026-11-25")
    assert data["as_of"] == "2026-11-25"
    assert [r["engineer"] for r in data["ownership"]] == ["A", "B", "C", "D"]
    assert data["fairness"]["balance_score"] == 0.25
    assert len(data["runbooks_past_review"]) == 5
    text = words(runner.invoke(app, ["review", "--as-of", "2026-11-25", "--spec",
                                     str(project)], env={"COLUMNS": "80"}))
    assert "balance score 0.25 How evenly holiday duty is shared, from 0" in text
    assert "to 1 (everyone carries the same): 1 - spread / highest burden = 1 - (4 - 1) / 4" in text
    assert "`steward oncall plan --year 2026` proposes swaps that raise it" in text


def test_a_bad_spec_exits_2_without_a_traceback(project: Path) -> None:
    project.write_text(project.read_text().replace("timezone: America/New_York",
                                                   "timezone: Mars/Olympus"))
    assert "unknown time zone 'Mars/Olympus'" in refused(project, "oncall", "who")
