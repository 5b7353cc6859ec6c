"""`steward --help` lists the commands without importing their modules, and says of each what
the command's own help says."""

from __future__ import annotations

import subprocess
import sys

import typer

from pipesteward.cli import COMMANDS, app, commands_of


def test_the_listing_says_what_each_command_says_of_itself() -> None:
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    for name, (module, line) in COMMANDS.items():
        command = commands_of(module)[name]
        own = (command.short_help or command.help or "").split("\n\n")[0].strip()
        assert own == line, f"steward {name}: COMMANDS says {line!r}, the command {own!r}"
        assert group.get_command(ctx, name) is command
    registered = {name for module, _ in COMMANDS.values() for name in commands_of(module)}
    assert registered == set(COMMANDS), "a module registers a command COMMANDS does not name"


def test_help_and_oncall_who_import_only_their_own_modules() -> None:
    code = ("import sys; from pipesteward.cli import main; sys.argv[0] = 'steward'; main()")
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(sorted(m for m in sys.modules"
             " if m.startswith('pipesteward.cli.')), file=sys.stderr))\n" + code)
    for args, loaded in ((["--help"], []), (["oncall", "--help"], ["actor", "common", "oncall"])):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "oncall" in done.stdout
        assert done.stderr.strip().splitlines()[-1] == str([f"pipesteward.cli.{m}"
                                                           for m in loaded])
