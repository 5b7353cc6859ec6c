"""Docs are tested: every command has help text and appears in the README or docs/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from pipesteward.cli import app

ROOT = Path(__file__).resolve().parents[1]


def all_commands() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        # Typer builds on its own copy of click: a group is what lists subcommands (the
        # top-level one builds each from its module on `get_command`).
        if hasattr(cmd, "list_commands"):
            ctx = typer.Context(cmd)
            for name in cmd.list_commands(ctx):
                walk(f"{prefix} {name}", cmd.get_command(ctx, name))
        else:
            out.append((prefix, cmd))

    walk("steward", typer.main.get_command(app))
    assert len(out) > 30, out  # the walk found the commands
    return out


def documentation() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_every_command_has_help_text() -> None:
    missing = [name for name, cmd in all_commands() if not (cmd.help or "").strip()]
    assert not missing, f"commands without help text: {missing}"


def test_every_command_appears_in_the_docs() -> None:
    docs = documentation()
    missing = [name for name, _ in all_commands() if name not in docs]
    assert not missing, f"commands missing from README.md and docs/: {missing}"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert [line.strip() for line in first_block.strip().splitlines()[-2:]] == [
        "make demo",
        "make test",
    ]
