"""The canonical definitions (DESIGN section 4), in one place, each with a version fingerprint.

A definition is a named SQL expression over its parameters. Model SQL calls it like a function
(`completed_order(o.status)`); `render` substitutes the expression (SQLGlot, on the syntax
tree), so every model uses the same text and a change to a definition changes the
`logic_version` of exactly the models that call it.

Pure: nothing here reads the clock, the environment or a file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

DIALECT = "duckdb"  # the dialect every definition and model is written in


@dataclass(frozen=True)
class Definition:
    """A canonical definition: `name(params...)` stands for `sql`."""

    # Declared fields, alike in shape to checks.registry.Check: each kind names its own.

    name: str
    params: tuple[str, ...]
    sql: str
    doc: str

    @cached_property
    def expression(self):  # type: ignore[no-untyped-def]
        import sqlglot

        return sqlglot.parse_one(self.sql, read=DIALECT)

    @property
    def fingerprint(self) -> str:
        """12 hex digits of SHA-256 over the name, parameters and the normalised expression."""
        text = f"{self.name}({','.join(self.params)})={normalise(self.sql)}"
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def normalise(sql: Any) -> str:
    """SQL text (or a parsed tree) that ignores whitespace, comments, keyword and identifier
    case."""
    import sqlglot
    from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

    if isinstance(sql, str):
        trees = [t for t in sqlglot.parse(sql, read=DIALECT) if t is not None]
    else:
        trees = [sql.copy()]
    return ";".join(
        normalize_identifiers(t, dialect=DIALECT).sql(dialect=DIALECT, comments=False)
        for t in trees
    )


def _reporting_day_sql(timezone: str) -> str:
    # Source timestamps are naive UTC (DESIGN section 4); the reporting day is the date in
    # reporting.timezone. UTC needs no conversion (and no time-zone extension in the engine).
    if timezone == "UTC":
        return "CAST(ts AS DATE)"
    tz = timezone.replace("'", "''")
    return f"CAST((ts AT TIME ZONE 'UTC') AT TIME ZONE '{tz}' AS DATE)"


def canonical(reporting_timezone: str = "UTC") -> Mapping[str, Definition]:
    """Every canonical definition, by name, for a team reporting in `reporting_timezone`."""
    defs = [
        Definition(
            "qualifying_user", ("is_test",), "is_test = false",
            "A qualifying user is not a test user; every model counts only qualifying users.",
        ),
        Definition(
            "completed_order", ("status",), "status = 'completed'",
            "A completed order has status 'completed' (cancelled orders never count).",
        ),
        Definition(
            "order_cost",
            ("cost_of_goods", "shipping_cost", "payment_fee", "refunded_amount"),
            "cost_of_goods + shipping_cost + payment_fee + refunded_amount",
            "What an order costs: goods, shipping, payment fee and refunds.",
        ),
        Definition(
            "order_profit",
            ("revenue", "cost_of_goods", "shipping_cost", "payment_fee", "refunded_amount"),
            "revenue - (cost_of_goods + shipping_cost + payment_fee + refunded_amount)",
            "An order's profit: revenue minus order cost.",
        ),
        Definition(
            "active_event", ("event_type",),
            "event_type IN ('session_start', 'page_view', 'purchase')",
            "An active event is a session start, page view or purchase (push_received is "
            "passive).",
        ),
        Definition(
            "reporting_day", ("ts",), _reporting_day_sql(reporting_timezone),
            f"The reporting day of a UTC timestamp: its date in {reporting_timezone}.",
        ),
    ]
    return {d.name: d for d in defs}


def fingerprints(reporting_timezone: str = "UTC") -> dict[str, str]:
    """The fingerprint of every canonical definition, by name."""
    return {name: d.fingerprint for name, d in canonical(reporting_timezone).items()}
