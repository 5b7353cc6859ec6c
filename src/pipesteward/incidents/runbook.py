"""The runbook section a page carries: the `###` issue whose `**Check:**` names the check."""

from __future__ import annotations

import re


def issue_section(runbook: str, check_id: str) -> str | None:
    """The `### ...` section (heading included) whose `**Check:**` line names `check_id`, up
    to the next heading; None when no section names it."""
    sections: list[list[str]] = []
    current: list[str] | None = None
    for line in runbook.splitlines():
        if line.startswith("### "):
            current = [line]
            sections.append(current)
        elif line.startswith("#"):  # any other heading ends the section
            current = None
        elif current is not None:
            current.append(line)
    names = re.compile(r"\*\*Check:\*\*\s*`" + re.escape(check_id) + "`")
    for lines in sections:
        if any(names.match(line.strip()) for line in lines):
            return "\n".join(lines).strip()
    return None
