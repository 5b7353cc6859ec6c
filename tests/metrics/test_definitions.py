"""Canonical definitions, fingerprints, logic versions and the SQL they render to."""

from __future__ import annotations

from datetime import date

import pytest
import sqlglot

from pipesteward.metrics.definitions import Definition, canonical, fingerprints, normalise
from pipesteward.metrics.models import ORDER, definitions_used, logic_versions, render


def test_every_design_definition_is_there_once() -> None:
    assert set(canonical()) == {"qualifying_user", "completed_order", "order_cost",
                                "order_profit", "active_event", "reporting_day"}


def test_fingerprints_ignore_formatting_but_not_meaning() -> None:
    a = Definition("active_event", ("event_type",), "event_type IN ('a', 'b')", "")
    b = Definition("active_event", ("event_type",), "event_type   in ('a','b') -- same", "")
    c = Definition("active_event", ("event_type",), "event_type IN ('a', 'b', 'c')", "")
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert normalise("select 1 -- x") == normalise("SELECT   1")


def test_the_reporting_time_zone_is_part_of_the_reporting_day() -> None:
    assert fingerprints("UTC")["reporting_day"] != fingerprints("America/New_York")[
        "reporting_day"]
    assert fingerprints("UTC")["active_event"] == fingerprints("Europe/Paris")["active_event"]


def test_dau_and_active_users_share_the_active_event_fingerprint() -> None:
    engagement, growth = definitions_used("aggregate_engagement"), definitions_used("daily_growth")
    assert engagement["active_event"] == growth["active_event"]
    assert "order_cost" in definitions_used("unit_profit")
    assert definitions_used("aggregate_growth") == {}


def test_logic_versions_are_distinct_and_follow_the_time_zone() -> None:
    utc, ny = logic_versions("UTC"), logic_versions("America/New_York")
    assert len(set(utc.values())) == 5
    assert all(utc[m] != ny[m] for m in ORDER)


@pytest.mark.parametrize("model", ORDER)
@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_model_sql_renders_without_paths_or_placeholders(model: str, dialect: str) -> None:
    sql = render(model, date(2025, 1, 1), date(2025, 1, 31), "America/New_York", dialect)
    lowered = sql.lower()
    assert "$" not in sql and "read_parquet" not in lowered and ".parquet" not in lowered
    assert "2025-01-01" in sql and "2025-01-31" in sql
    sqlglot.parse_one(sql, read=dialect)  # parses back in its dialect
    for name in canonical():
        assert f"{name}(" not in sql.lower()  # every definition was substituted
