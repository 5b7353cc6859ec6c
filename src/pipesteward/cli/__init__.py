"""`steward`, the command line. A command's module is imported only when that command runs:
`steward --help` lists the commands from COMMANDS below, so `steward oncall who` or `steward
validate` loads its own module and nothing of the others (bench/startup.md)."""

from __future__ import annotations

import functools
import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# name: (the module under pipesteward.cli whose `register(app)` adds it, the line `steward
# --help` shows for it), in help order. tests/cli/test_lazy.py checks each line against the
# command's own help text, so the two cannot drift apart.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("team", "Write the example team (spec and runbooks) into a new folder."),
    "validate": ("team", "Check the spec as a whole; list every problem with file, line and key "
                         "(exit 2)."),
    "pipelines": ("team", "List the pipelines with their domain, audience and owners."),
    "owners": ("team", "Show which pipelines each engineer owns as primary and as secondary."),
    "runbook": ("team", "Show a pipeline's runbook: each potential issue with its check id and "
                        "what to do."),
    "review": ("review", "The regular review: ownership, single points of failure, holiday "
                         "fairness, runbooks."),
    "run": ("run", "Run the pipelines for one day (and rebuild its month of aggregate_growth)."),
    "backfill": ("run", "Recompute a range of days: one set-based query per pipeline over the "
                        "whole range."),
    "runs": ("run", "List the recorded model runs, newest first."),
    "check": ("checks", "Run the runbook checks for a day and its month; exit 1 when an ERROR "
                        "check fails."),
    "export": ("checks", "Export the day's investor metrics to every reporting target, verified "
                         "by reading back."),
    "serve": ("serve", "The ops console in the browser: on call, calendar, pipelines, incidents, "
                       "swaps, review.\nStops cleanly on SIGINT or SIGTERM."),
    "up": ("up", "Run the team's day: Dagster's daemon and UI, and the console, until Ctrl-C."),
    "demo": ("demo", "The main job on the example team: generate a lake, run the pipelines and "
                     "their checks,\nexport the investor metrics, and show who is on call."),
    "oncall": ("oncall", "Who is on call, the schedule and its changes."),
    "data": ("data", "Source data in the lake."),
    "incidents": ("incidents", "List, show, acknowledge, resolve and escalate incidents."),
    "users": ("users", "Console users: passwords for signing in."),
}


@functools.cache
def commands_of(module: str) -> dict[str, Any]:
    """The click commands (and groups) that `pipesteward.cli.<module>` registers, built once."""
    holder = typer.Typer()
    importlib.import_module(f"pipesteward.cli.{module}").register(holder)
    return dict(typer.main.get_group(holder).commands)


class LazyGroup(TyperGroup):
    """The top-level group: a command is built from its module when it is looked up to run or to
    show its own help; the listing of `steward --help` is drawn from COMMANDS alone."""

    listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        module, line = COMMANDS[cmd_name]
        if self.listing:
            return TyperCommand(name=cmd_name, help=line)
        return commands_of(module)[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # Typer suggests a near name for a typo from `self.commands`, which stays empty here.
        self.commands = {name: TyperCommand(name=name) for name in COMMANDS}
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="steward",
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def steward() -> None:
    """Run the team's metric pipelines, their checks, and who is on call for them."""


def main() -> None:
    app()
