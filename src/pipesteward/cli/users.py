"""`steward users ...`: console sign-in passwords."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pipesteward.cli.common import SpecOpt, handle_errors, load, now, out
from pipesteward.errors import UserError

users_app = typer.Typer(help="Console users: passwords for signing in.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def read_password() -> str:
    """One line from stdin (a prompt without echo at a terminal)."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("password: ")
    line = sys.stdin.readline()
    if not line:
        raise UserError("no password on stdin; e.g. `steward users set-password A < secret.txt`")
    return line.rstrip("\r\n")


@users_app.command("set-password")
@handle_errors
def set_password(
    engineer: Annotated[str, typer.Argument(help="The engineer who signs in.")],
    by: Annotated[str | None, typer.Option("--by", help="Who sets it (default: the engineer; "
                                           "the lead may set anyone's).")] = None,
    spec: SpecOpt = Path("steward.yaml"),
) -> None:
    """Set an engineer's console password, read from stdin (stored as an argon2 hash)."""
    steward = load(spec)
    steward.users.known(engineer)  # before asking for a password
    steward.users.set_password(engineer, read_password(), now(), by)
    out.print(f"password set for {engineer}; sign in at the console's /login")
