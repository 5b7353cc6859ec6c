"""The five models: what each reads, its grain and columns, its SQL, and its logic_version.

Each model is one SQL file beside this module, in the DuckDB dialect. The SQL reads sources and
upstream models as named relations (`users`, `orders`, `events`, `daily_growth`) that the
engine registers over the lake, takes its range as `$start` / `$end`, and calls the canonical
definitions like functions. `render` turns it into the SQL an engine runs (definitions
substituted, the range as DATE literals, transpiled by SQLGlot for Spark).

Pure: the SQL files are package data, read once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pipesteward.metrics.definitions import DIALECT, Definition, canonical, normalise

HERE = Path(__file__).parent
ALL_HISTORY = -1  # a source read from its first partition (users: total_users needs them all)


@dataclass(frozen=True)
class Model:
    name: str
    grain: Literal["day", "month"]
    # source table -> days before the range's start it must be read from (ALL_HISTORY: all)
    sources: dict[str, int]
    upstream: tuple[str, ...]
    columns: tuple[str, ...]
    doc: str = field(default="", compare=False)
    # SQL types of the columns, for models read as upstream: an empty upstream (no partition
    # yet) is still registered with the right types, so date arithmetic on it type-checks.
    types: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def partition_key(self) -> str:
        return "month" if self.grain == "month" else "date"

    @property
    def sql(self) -> str:
        return _sql_text(self.name)


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model(
            "unit_profit", "day", {"users": ALL_HISTORY, "orders": 0}, (),
            ("date", "user_id", "orders", "revenue", "cost", "profit", "logic_version"),
            "One row per qualifying user with a completed order on the day.",
        ),
        Model(
            "aggregate_profit", "day", {"users": ALL_HISTORY, "orders": 0}, (),
            ("date", "orders", "paying_users", "revenue", "cost", "profit", "margin",
             "logic_version"),
            "The day's orders, paying users, revenue, cost, profit and margin.",
        ),
        Model(
            "daily_growth", "day", {"users": ALL_HISTORY, "events": 1, "orders": 1}, (),
            ("date", "new_users", "total_users", "active_users", "revenue", "new_users_dod",
             "active_users_dod", "revenue_dod", "logic_version"),
            "Signups, cumulative users, active users and revenue, with day-over-day rates.",
            {"date": "DATE", "new_users": "BIGINT", "total_users": "BIGINT",
             "active_users": "BIGINT", "revenue": "DECIMAL(18, 2)", "new_users_dod": "DOUBLE",
             "active_users_dod": "DOUBLE", "revenue_dod": "DOUBLE", "logic_version": "VARCHAR"},
        ),
        Model(
            "aggregate_growth", "month", {}, ("daily_growth",),
            ("month", "days", "complete", "new_users", "total_users", "avg_dau", "revenue",
             "new_users_mom", "total_users_mom", "avg_dau_mom", "revenue_mom", "revenue_yoy",
             "logic_version"),
            "The month's growth from its daily_growth rows, vs the month and year before.",
        ),
        Model(
            "aggregate_engagement", "day", {"users": ALL_HISTORY, "events": 29}, (),
            ("date", "dau", "wau", "mau", "stickiness", "dau_web", "dau_ios", "dau_android",
             "dau_new", "dau_returning", "logic_version"),
            "DAU, WAU, MAU, stickiness, DAU per platform, new and returning.",
        ),
    )
}

# The order a run materialises them in (upstream first).
ORDER = ("unit_profit", "aggregate_profit", "daily_growth", "aggregate_engagement",
         "aggregate_growth")


def model(name: str) -> Model:
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model '{name}'; the models are {', '.join(ORDER)}") from None


@cache
def _sql_text(name: str) -> str:
    return (HERE / f"{name}.sql").read_text(encoding="utf-8")


@cache
def _tree(name: str):  # type: ignore[no-untyped-def]
    import sqlglot

    return sqlglot.parse_one(_sql_text(name), read=DIALECT)


@cache
def _definitions_used(name: str, reporting_timezone: str) -> tuple[tuple[str, str], ...]:
    from sqlglot import exp

    defs = canonical(reporting_timezone)
    called = {
        f.name.lower() for f in _tree(name).find_all(exp.Anonymous) if f.name.lower() in defs
    }
    return tuple((n, defs[n].fingerprint) for n in sorted(called))


def definitions_used(name: str, reporting_timezone: str = "UTC") -> dict[str, str]:
    """The canonical definitions a model's SQL calls, with their fingerprints."""
    return dict(_definitions_used(name, reporting_timezone))


@cache
def logic_version(name: str, reporting_timezone: str = "UTC") -> str:
    """The model's version: its normalised SQL, the definitions it uses, its upstream models."""
    parts = [normalise(_sql_text(name))]
    parts += [f"{n}={fp}" for n, fp in definitions_used(name, reporting_timezone).items()]
    parts += [f"{u}@{logic_version(u, reporting_timezone)}" for u in model(name).upstream]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def logic_versions(reporting_timezone: str = "UTC") -> dict[str, str]:
    """The current logic_version of every model."""
    return {n: logic_version(n, reporting_timezone) for n in ORDER}


def _substitute(call, definition: Definition):  # type: ignore[no-untyped-def]
    from sqlglot import exp

    if len(call.expressions) != len(definition.params):
        raise ValueError(
            f"{definition.name} takes {len(definition.params)} arguments "
            f"({', '.join(definition.params)}), got {len(call.expressions)}"
        )
    args = dict(zip(definition.params, call.expressions, strict=True))

    def bind(node):  # type: ignore[no-untyped-def]
        if isinstance(node, exp.Column) and not node.table and node.name in args:
            return args[node.name].copy()
        return node

    return exp.paren(definition.expression.copy().transform(bind), copy=False)


def render(
    name: str, start: date, end: date, reporting_timezone: str = "UTC", dialect: str = DIALECT
) -> str:
    """The SQL an engine runs for the model over [start, end]."""
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    defs = canonical(reporting_timezone)

    def rewrite(node):  # type: ignore[no-untyped-def]
        if isinstance(node, exp.Anonymous) and node.name.lower() in defs:
            return _substitute(node, defs[node.name.lower()])
        if isinstance(node, exp.Placeholder) and node.name in ("start", "end"):
            value = start if node.name == "start" else end
            return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
        return node

    tree = _tree(name).copy().transform(rewrite)
    # A construct the target dialect cannot express is an error, not a logged warning and
    # silently different SQL on Spark.
    return tree.sql(dialect=dialect, comments=False, unsupported_level=ErrorLevel.RAISE)
