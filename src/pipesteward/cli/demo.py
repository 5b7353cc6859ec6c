"""`steward demo`: the main job on the example team, in a folder of its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipesteward.cli.common import handle_errors, load, out

if TYPE_CHECKING:
    from pipesteward.app import Steward


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


@handle_errors
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo project lives.")
    ] = Path(".steward-demo"),
) -> None:
    """The main job on the example team: generate a lake, run the pipelines and their checks,
    export the investor metrics, and show who is on call."""
    from pipesteward.app import init_project
    from pipesteward.cli.checks import check_and_export
    from pipesteward.cli.oncall import who
    from pipesteward.cli.team import pipelines

    spec_path = directory / "steward.yaml"
    if not spec_path.exists():
        init_project(directory)
    steward = load(spec_path)
    pipelines(spec_path, False)

    # The only clock read: the demo's lake ends with the last day landed by now (yesterday, or
    # the day before between 00:00 and 01:00 UTC: a file cannot land in the future), and "now"
    # is when it asks who is on call.
    now = datetime.now(UTC)
    last = demo_pipelines(steward, now)
    # The runbook checks of the last day, then its investor export (verified by reading back);
    # the figures are shown only once their checks passed.
    check_and_export(steward, last, now)
    out.print(investor_metrics(steward, last))
    who(None, None, spec_path, False)


DEMO_DAYS, DEMO_USERS, DEMO_SEED = 120, 20_000, 7


def demo_pipelines(steward: Steward, now: datetime) -> date:
    """Generate a few months of lake ending with the last day that has landed by `now` (a day
    lands the next day at 01:00 UTC) and backfill it; return its last day."""
    from pipesteward.cli.run import execute
    from pipesteward.metrics.generator import LANDING_US

    last = (now - timedelta(microseconds=LANDING_US)).date()
    first = last - timedelta(days=DEMO_DAYS - 1)
    out.print(f"[bold]generating {DEMO_DAYS} days of sources ({first}..{last}), "
              f"{DEMO_USERS:,} users[/]")
    generated = steward.generate_data(first, DEMO_DAYS, DEMO_USERS, DEMO_SEED, replace=True)
    out.print(", ".join(f"{n:,} {t}" for t, n in generated.rows.items()))
    out.print(f"[bold]backfilling {first}..{last} through Dagster[/]")
    execute(steward, first, last, None, None, False, command="backfill")
    return last


def investor_metrics(steward: Steward, day: date) -> Any:
    """The latest investor figures: the day's profit and engagement, the month's growth."""
    from rich import box
    from rich.table import Table

    def row(model: str, key: str) -> dict[str, Any]:
        t = steward.read_model(model, key)
        return t.to_pylist()[0] if t is not None and t.num_rows else {}

    profit = row("aggregate_profit", day.isoformat())
    engagement = row("aggregate_engagement", day.isoformat())
    growth = row("aggregate_growth", day.strftime("%Y-%m"))

    def pct(x: Any) -> str:
        return "n/a" if x is None else f"{x:+.1%}"

    t = Table(title=f"investor metrics, {day} (month {day:%Y-%m} to date)",
              title_justify="left", box=box.SIMPLE_HEAD, show_header=True)
    t.add_column("metric")
    t.add_column("value", justify="right")
    for name, value in (
        ("revenue (day)", f"{profit.get('revenue', 0):,}"),
        ("profit (day)", f"{profit.get('profit', 0):,}"),
        ("margin (day)", "n/a" if profit.get("margin") is None else f"{profit['margin']:.1%}"),
        ("DAU / WAU / MAU", f"{engagement.get('dau', 0):,} / {engagement.get('wau', 0):,} / "
                            f"{engagement.get('mau', 0):,}"),
        ("stickiness", "n/a" if engagement.get("stickiness") is None
         else f"{engagement['stickiness']:.1%}"),
        ("new users (month)", f"{growth.get('new_users', 0):,} ({pct(growth.get('new_users_mom'))}"
                              " MoM)"),
        ("total users", f"{growth.get('total_users', 0):,} ({pct(growth.get('total_users_mom'))}"
                        " MoM)"),
        ("avg DAU (month)", f"{growth.get('avg_dau', 0) or 0:,.0f} "
                            f"({pct(growth.get('avg_dau_mom'))} MoM)"),
        ("revenue (month)", f"{growth.get('revenue', 0):,} ({pct(growth.get('revenue_mom'))} MoM)"),
    ):
        t.add_row(name, value)
    return t
