"""The source contract of DESIGN section 4, declared once as data, and the SQL that checks it.

Each source declares its columns and types, the columns that must not be NULL, the values a
column accepts (exact case), the lower bounds of its amounts, the key that is unique per
`loaded_at` (a re-delivery with a later `loaded_at` is allowed: the models keep the latest
load), the event-time column whose rows must belong to the partition's day (give or take
`TOLERANCE` for clock skew), the money columns whose sums the volume check follows, and
whether a day without rows is normal.

`profile_sql` turns the declaration into one SQL query (built with SQLGlot, so the same
declaration runs on DuckDB and on Spark) that counts, per partition, the rows breaking each
rule. `sample_sql` fetches a few of the offending rows of one rule. Pure: no engine, no file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pipesteward.metrics.definitions import DIALECT

MONEY = "DECIMAL(18,2)"
PARTITION = "_partition"  # the partition's day, as the engine reads it from `date=...`
TOLERANCE = timedelta(hours=1)  # event times this far outside the day are clock skew, not wrong


@dataclass(frozen=True)
class SourceContract:
    table: str
    columns: dict[str, str]  # column -> SQL type (DuckDB spelling)
    not_null: tuple[str, ...] = ()
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    minimum: dict[str, int] = field(default_factory=dict)  # column -> lowest allowed value
    unique: tuple[str, ...] = ()  # with loaded_at where the source has it
    event_time: str | None = None
    money: tuple[str, ...] = ()
    empty_days: bool = False  # a day without rows (or without a partition) is normal


_ORDER_MONEY = ("revenue", "cost_of_goods", "shipping_cost", "payment_fee", "refunded_amount")

# A table of declarations: the sources are alike because each states the same kinds of rule
# for its own columns; `profile_sql` below is the one place that reads them.
CONTRACTS: dict[str, SourceContract] = {
    c.table: c
    for c in (
        SourceContract(
            "users",
            {"user_id": "BIGINT", "signup_at": "TIMESTAMP", "country": "VARCHAR",
             "is_test": "BOOLEAN", "loaded_at": "TIMESTAMP"},
            not_null=("user_id", "signup_at", "is_test", "loaded_at"),
            unique=("user_id", "loaded_at"),
            event_time="signup_at",
            # A day without signups is normal (DESIGN section 5).
            empty_days=True,
        ),
        SourceContract(
            "orders",
            {"order_id": "BIGINT", "user_id": "BIGINT", "ordered_at": "TIMESTAMP",
             "status": "VARCHAR", **dict.fromkeys(_ORDER_MONEY, MONEY),
             "loaded_at": "TIMESTAMP"},
            not_null=("order_id", "user_id", "ordered_at", "status", *_ORDER_MONEY,
                      "loaded_at"),
            accepted={"status": ("completed", "cancelled")},
            minimum=dict.fromkeys(_ORDER_MONEY, 0),
            unique=("order_id", "loaded_at"),
            event_time="ordered_at",
            money=_ORDER_MONEY,
        ),
        SourceContract(
            "events",
            {"user_id": "BIGINT", "event_at": "TIMESTAMP", "event_type": "VARCHAR",
             "platform": "VARCHAR", "loaded_at": "TIMESTAMP"},
            not_null=("user_id", "event_at", "event_type", "platform", "loaded_at"),
            accepted={"event_type": ("session_start", "page_view", "purchase",
                                     "push_received"),
                      "platform": ("web", "ios", "android")},
            event_time="event_at",
        ),
        SourceContract(
            "experiment_assignments",
            {"experiment_id": "VARCHAR", "user_id": "BIGINT", "variant": "VARCHAR",
             "assigned_at": "TIMESTAMP"},
            not_null=("experiment_id", "user_id", "variant", "assigned_at"),
            event_time="assigned_at",
            empty_days=True,
        ),
    )
}


@dataclass(frozen=True)
class Rule:
    """One rule of a contract: `kind` not_null | accepted | minimum | unique | in_day."""

    kind: str
    column: str
    text: str  # what the rule requires, for messages

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.column}"


def rules(contract: SourceContract) -> list[Rule]:
    out = [Rule("not_null", c, "must not be NULL") for c in contract.not_null]
    out += [Rule("accepted", c, "must be one of " + ", ".join(repr(v) for v in values)
                 + " (exact case)") for c, values in contract.accepted.items()]
    out += [Rule("minimum", c, f"must be at least {low}") for c, low in contract.minimum.items()]
    if contract.unique:
        out.append(Rule("unique", ",".join(contract.unique),
                        "must be unique (one row per " + " and ".join(contract.unique) + ")"))
    if contract.event_time:
        hours = int(TOLERANCE.total_seconds() // 3600)
        out.append(Rule("in_day", contract.event_time,
                        f"must fall on the partition's day (give or take {hours} h)"))
    return out


def _predicate(contract: SourceContract, rule: Rule):  # type: ignore[no-untyped-def]
    """The SQLGlot condition true for a row that breaks the rule (not for `unique`)."""
    from sqlglot import exp

    col = exp.column(rule.column, quoted=True)
    if rule.kind == "not_null":
        return exp.Is(this=col, expression=exp.Null())
    if rule.kind == "accepted":
        values = [exp.Literal.string(v) for v in contract.accepted[rule.column]]
        return exp.and_(exp.Not(this=exp.Is(this=col.copy(), expression=exp.Null())),
                        exp.Not(this=exp.In(this=col, expressions=values)))
    if rule.kind == "minimum":
        return exp.LT(this=col, expression=exp.Literal.number(contract.minimum[rule.column]))
    if rule.kind == "in_day":
        hours = int(TOLERANCE.total_seconds() // 3600)
        part = exp.column(PARTITION, quoted=True)

        def day_of(op: type) -> exp.Expression:
            shifted = op(this=col.copy(), expression=exp.Interval(
                this=exp.Literal.string(str(hours)), unit=exp.var("HOUR")))
            return exp.cast(shifted, exp.DataType.Type.DATE)

        return exp.or_(exp.LT(this=day_of(exp.Add), expression=part.copy()),
                       exp.GT(this=day_of(exp.Sub), expression=part))
    raise ValueError(rule.kind)


def _count_if(condition: Any) -> Any:
    from sqlglot import exp

    case = exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))],
                    default=exp.Literal.number(0))
    return exp.Sum(this=case)


def profile_sql(contract: SourceContract, dialect: str = DIALECT) -> tuple[str, list[str]]:
    """One query over the relation named after the source: per partition, its rows, the sums
    of its money columns and the rows breaking each rule. Returns the SQL and the name of
    each output column after `_partition` and `rows` (`sum:COL`, then each rule's key)."""
    from sqlglot import exp

    table = exp.to_identifier(contract.table, quoted=True)
    part = exp.column(PARTITION, quoted=True)
    names: list[str] = []
    select: list[Any] = [part.copy(), exp.alias_(exp.Count(this=exp.Star()), "v_rows")]
    for c in contract.money:
        names.append(f"sum:{c}")
        select.append(exp.alias_(exp.Sum(this=exp.column(c, quoted=True)), f"v{len(names)}"))
        names.append(f"nonzero:{c}")  # how many amounts the sum adds up (its noise)
        nonzero = exp.NEQ(this=exp.column(c, quoted=True), expression=exp.Literal.number(0))
        select.append(exp.alias_(_count_if(nonzero), f"v{len(names)}"))
    row_rules = [r for r in rules(contract) if r.kind != "unique"]
    for r in row_rules:
        names.append(r.key)
        select.append(exp.alias_(_count_if(_predicate(contract, r)), f"v{len(names)}"))
    counts = exp.select(*select).from_(table.copy()).group_by(part.copy())
    if not contract.unique:
        return counts.sql(dialect=dialect), names
    # Rows beyond the first of each key: a key's copies with the same loaded_at.
    keys = [exp.column(c, quoted=True) for c in contract.unique]
    not_null = exp.and_(*[exp.Not(this=exp.Is(this=k.copy(), expression=exp.Null()))
                          for k in keys])
    copies = (exp.select(part.copy(), exp.alias_(exp.Count(this=exp.Star()), "n"))
              .from_(table.copy()).where(not_null)
              .group_by(part.copy(), *[k.copy() for k in keys])
              .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))))
    extra = (exp.select(part.copy(), exp.alias_(
        exp.Sum(this=exp.Sub(this=exp.column("n"), expression=exp.Literal.number(1))), "dup"))
        .from_(copies.subquery("c")).group_by(part.copy()))
    names.append(next(r.key for r in rules(contract) if r.kind == "unique"))
    query = (exp.select(exp.Star(), exp.alias_(
        exp.func("COALESCE", exp.column("dup", "d"), exp.Literal.number(0)), f"v{len(names)}"))
        .from_(counts.subquery("a"))
        .join(extra.subquery("d"), on=exp.EQ(this=exp.column(PARTITION, "a", quoted=True),
                                            expression=exp.column(PARTITION, "d", quoted=True)),
              join_type="left"))
    # The join adds d's columns: list a's explicitly.
    query.set("expressions", [exp.column(PARTITION, "a", quoted=True),
                              exp.column("v_rows", "a"),
                              *[exp.column(f"v{i + 1}", "a") for i in range(len(names) - 1)],
                              query.expressions[1]])
    return query.sql(dialect=dialect), names


def sample_sql(contract: SourceContract, rule: Rule, day: date, limit: int = 5,
               dialect: str = DIALECT) -> str:
    """A few rows of the partition that break the rule (for `unique`: the repeated keys)."""
    from sqlglot import exp

    table = exp.to_identifier(contract.table, quoted=True)
    on_day = exp.EQ(this=exp.column(PARTITION, quoted=True),
                    expression=exp.cast(exp.Literal.string(day.isoformat()),
                                        exp.DataType.Type.DATE))
    if rule.kind == "unique":
        keys = [exp.column(c, quoted=True) for c in contract.unique]
        query = (exp.select(*keys, exp.alias_(exp.Count(this=exp.Star()), "copies"))
                 .from_(table).where(on_day)
                 .group_by(*[k.copy() for k in keys])
                 .having(exp.GT(this=exp.Count(this=exp.Star()),
                                expression=exp.Literal.number(1)))
                 .order_by(*[k.copy() for k in keys]).limit(limit))
    else:
        columns = [exp.column(c, quoted=True) for c in contract.columns]
        query = (exp.select(*columns).from_(table)
                 .where(exp.and_(on_day, _predicate(contract, rule))).limit(limit))
    return query.sql(dialect=dialect)


# ---------------------------------------------------------------------------- volume
@dataclass(frozen=True)
class VolumeSettings:
    """`contracts.volume` in the spec: robust scores above `warn` / `error` are WARN / ERROR."""

    weeks: int = 4  # the same weekday over this many weeks before the day
    min_weeks: int = 3  # fewer same-weekday days of history: too little, the check passes
    warn: float = 5.0
    error: float = 8.0
    floor: float = 0.1  # the spread in log space is at least this (about 10 %)


def robust_score(value: float, history: list[float], floor: float,
                 terms: float | None = None) -> tuple[float, float]:
    """(expected, score): `history` is the same weekday of past weeks, newest first. The
    expectation is last week's value grown by the median week-over-week ratio (so steady
    growth and weekly seasonality are normal); the score is the distance from it in log
    space, over the median absolute deviation of the past ratios (x 1.4826), at least
    `floor` and at least the noise of a total of `terms` random amounts (1.5 / sqrt)."""
    logs = [math.log(max(x, 1.0)) for x in history]
    ratios = [a - b for a, b in zip(logs, logs[1:], strict=False)]
    trend = _median(sorted(ratios)) if ratios else 0.0
    expected = logs[0] + trend
    mad = _median(sorted(abs(r - trend) for r in ratios)) if ratios else 0.0
    spread = max(1.4826 * mad, floor)
    if terms is not None:
        spread = max(spread, 1.5 / math.sqrt(max(terms, 1.0)))
    return math.exp(expected), abs(math.log(max(value, 1.0)) - expected) / spread


def _median(values: list[float]) -> float:
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
