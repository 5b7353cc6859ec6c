"""Who acts, for every command that changes something: `--by ENGINEER`, else the environment's
STEWARD_ENGINEER, else the engineer the action is for.

The CLI holds no password, so it trusts that name; the rule is the console's: an engineer acts
for themself, the team lead (`team.lead`) for anyone. The daemon acts as `steward`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from pipesteward.errors import UserError

if TYPE_CHECKING:
    from pipesteward.app import Steward

ENV = "STEWARD_ENGINEER"
HELP = (f"Who acts (an engineer id; default: ${ENV}, else the engineer concerned). The CLI "
        "holds no password, so it trusts this name: an engineer acts for themself, the lead "
        "(team.lead) for anyone.")

ByOpt = Annotated[str | None, typer.Option("--by", help=HELP, show_default=False)]


def named(steward: Steward, by: str | None) -> str | None:
    """The engineer named by --by or STEWARD_ENGINEER (None when neither is), who must be on
    the team."""
    who, source = (by, "--by") if by else (steward.env.get(ENV) or None, ENV)
    if who is None:
        return None
    ids = steward.spec.engineer_ids()
    if who not in ids:
        raise UserError(f"{source} {who}: not an engineer of the team ({', '.join(ids)}); "
                        "name yourself")
    return who


def actor(steward: Steward, by: str | None, for_: str | None = None, *,
          action: str = "act") -> str:
    """Who acts, for `for_` (an engineer) or for the team (None: then someone must be named).

    Refused: nobody named for a team action, someone off the team, or someone other than
    `for_` who is not the lead."""
    who = named(steward, by) or for_
    if who is None:
        raise UserError(f"who is to {action}? pass --by ENGINEER or set {ENV}")
    lead = steward.spec.team.lead
    if for_ is not None and who not in (for_, lead):
        raise UserError(f"{who} cannot act for {for_}: an engineer acts for themself, the lead "
                        f"({lead or 'none: set team.lead'}) for anyone")
    return who
