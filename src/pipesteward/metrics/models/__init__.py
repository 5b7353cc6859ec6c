"""The five models: what each reads, its grain and columns, its SQL, and its logic_version.

Each model is one SQL file beside this module, in the DuckDB dialect. The SQL reads sources,
shared relations and upstream models as named relations (`orders`, `qualifying_users`,
`daily_growth`) that the engine registers, takes its range as `$start` / `$end`, and calls the
canonical definitions like functions. `render` turns it into the SQL an engine runs
(definitions substituted, the range as DATE literals, transpiled by SQLGlot for Spark).

A shared relation (`shared/*.sql`: the qualifying users, the completed orders, the active
user-days) is a piece of logic several models read. The runner builds it once per range and
engine and every model of the run reads it, so the events are read once, not once per model.
It is part of the logic_version of each model that reads it. A shared relation with `state`
is built from a relation kept in the lake per source partition (`metrics/state.py`): the
active user-days of each events partition, so a daily run reads one day of events, not 30.

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
class Shared:
    """A relation several models read, built once per range from the sources it names."""

    name: str
    # source table -> days before the range's start it must be read from (ALL_HISTORY: all)
    sources: dict[str, int]
    # the SQL (shared/<state>.sql) of the per-partition state it reads instead of the source
    state: str | None = None


SHARED: dict[str, Shared] = {
    s.name: s
    for s in (
        Shared("qualifying_users", {"users": ALL_HISTORY}),
        Shared("completed_orders", {"orders": 1}),
        Shared("active_user_days", {"events": 29}, state="active_user_day_parts"),
    )
}


@dataclass(frozen=True)
class Model:
    name: str
    grain: Literal["day", "month"]
    # source table -> days before the range's start the model's own SQL reads it from
    sources: dict[str, int]
    shared: tuple[str, ...]
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

    @property
    def reads(self) -> dict[str, int]:
        """Every source the model needs, its own and its shared relations', with lookbacks."""
        out = dict(self.sources)
        for s in self.shared:
            for table, lookback in SHARED[s].sources.items():
                old = out.get(table)
                out[table] = (
                    ALL_HISTORY if ALL_HISTORY in (old, lookback) else max(old or 0, lookback)
                )
        return out


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model(
            "unit_profit", "day", {}, ("qualifying_users", "completed_orders"), (),
            ("date", "user_id", "orders", "revenue", "cost", "profit", "logic_version"),
            "One row per qualifying user with a completed order on the day.",
        ),
        Model(
            "aggregate_profit", "day", {"orders": 0}, ("qualifying_users",), (),
            ("date", "orders", "paying_users", "revenue", "cost", "profit", "margin",
             "logic_version"),
            "The day's orders, paying users, revenue, cost, profit and margin.",
        ),
        Model(
            "daily_growth", "day", {},
            ("qualifying_users", "active_user_days", "completed_orders"), (),
            ("date", "new_users", "total_users", "active_users", "revenue", "new_users_dod",
             "active_users_dod", "revenue_dod", "logic_version"),
            "Signups, cumulative users, active users and revenue, with day-over-day rates.",
            {"date": "DATE", "new_users": "BIGINT", "total_users": "BIGINT",
             "active_users": "BIGINT", "revenue": "DECIMAL(18, 2)", "new_users_dod": "DOUBLE",
             "active_users_dod": "DOUBLE", "revenue_dod": "DOUBLE", "logic_version": "VARCHAR"},
        ),
        Model(
            "aggregate_growth", "month", {}, (), ("daily_growth",),
            ("month", "days", "complete", "new_users", "total_users", "avg_dau", "revenue",
             "new_users_mom", "total_users_mom", "avg_dau_mom", "revenue_mom", "revenue_yoy",
             "logic_version"),
            "The month's growth from its daily_growth rows, vs the month and year before.",
        ),
        Model(
            "aggregate_engagement", "day", {}, ("qualifying_users", "active_user_days"), (),
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
    """The SQL of a model or of a shared relation (`shared/<name>.sql`)."""
    shared = name in SHARED or name in {s.state for s in SHARED.values()}
    path = HERE / "shared" / f"{name}.sql" if shared else HERE / f"{name}.sql"
    return path.read_text(encoding="utf-8")


@cache
def _tree(name: str):  # type: ignore[no-untyped-def]
    import sqlglot

    return sqlglot.parse_one(_sql_text(name), read=DIALECT)


@cache
def _normalised(name: str) -> str:
    return normalise(_tree(name))


def _shared_pieces(name: str) -> tuple[str, ...]:
    """A model's shared relations with the states they are built from."""
    return tuple(p for s in model(name).shared for p in (s, SHARED[s].state) if p)


def _pieces(name: str) -> tuple[str, ...]:
    """The SQL files a model's result depends on: its own and its shared relations'."""
    return (name, *_shared_pieces(name))


@cache
def _definitions_used(name: str, reporting_timezone: str) -> tuple[tuple[str, str], ...]:
    from sqlglot import exp

    defs = canonical(reporting_timezone)
    called = {
        f.name.lower()
        for piece in _pieces(name)
        for f in _tree(piece).find_all(exp.Anonymous)
        if f.name.lower() in defs
    }
    return tuple((n, defs[n].fingerprint) for n in sorted(called))


def definitions_used(name: str, reporting_timezone: str = "UTC") -> dict[str, str]:
    """The canonical definitions a model calls (in its SQL or its shared relations')."""
    return dict(_definitions_used(name, reporting_timezone))


@cache
def logic_version(name: str, reporting_timezone: str = "UTC") -> str:
    """The model's version: its normalised SQL and its shared relations', the definitions they
    use, its upstream models' versions."""
    parts = [_normalised(name)]
    parts += [f"{s}:{_normalised(s)}" for s in _shared_pieces(name)]
    parts += [f"{n}={fp}" for n, fp in definitions_used(name, reporting_timezone).items()]
    parts += [f"{u}@{logic_version(u, reporting_timezone)}" for u in model(name).upstream]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


@cache
def state_version(state: str, reporting_timezone: str = "UTC") -> str:
    """The version of a state's SQL (shared/<state>.sql) and the definitions it calls: a state
    partition built by another version is built again."""
    from sqlglot import exp

    defs = canonical(reporting_timezone)
    called = sorted({f.name.lower() for f in _tree(state).find_all(exp.Anonymous)} & set(defs))
    parts = [_normalised(state), *(f"{n}={defs[n].fingerprint}" for n in called)]
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
    """The SQL an engine runs for the model (or shared relation) over [start, end]."""
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
