"""`steward`, the command line. Each module registers its commands; heavy imports stay inside
the commands so `steward --help` and `steward oncall who` start fast."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="steward",
    help="Run the team's metric pipelines, their checks, and who is on call for them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules under pipesteward.cli with a `register(app)` function, in help order.
COMMAND_MODULES = ("team", "oncall", "review", "data", "run", "checks", "incidents", "users",
                   "serve", "up", "demo")

for _name in COMMAND_MODULES:
    importlib.import_module(f"pipesteward.cli.{_name}").register(app)


def main() -> None:
    app()
