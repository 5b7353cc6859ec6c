"""Who may act for whom: an engineer for themself, the team lead (`team.lead`) for anyone.

The same rule holds in the console and the CLI (DESIGN section 9)."""

from __future__ import annotations

from collections.abc import Collection

from pipesteward.errors import NotAllowed


def may_act_for(by: str, engineers: Collection[str], lead: str | None) -> bool:
    return by in engineers or (lead is not None and by == lead)


def require(by: str, engineers: Collection[str], lead: str | None, what: str) -> None:
    if not may_act_for(by, engineers, lead):
        names = " or ".join(sorted(engineers)) or "nobody"
        who = f"{names} or the team lead" if lead else names
        raise NotAllowed(f"{by} cannot {what}; only {who} can")
