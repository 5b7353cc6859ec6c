"""What a page says: the incident, the check's message and figures, the runbook section and
how to acknowledge it. Plain text: it goes to e-mail, chat and webhooks alike."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    """The title and body sent to every channel of the engineer paged."""

    title: str
    body: str


def page_message(
    *, incident_id: int, check_id: str, pipeline: str, partition: str, message: str,
    figures: dict[str, Any], runbook_section: str | None, runbook_name: str | None,
    engineer: str, level: int, chain: list[str],
) -> Page:
    title = f"[steward] {check_id} failed on {pipeline} {partition} (incident {incident_id})"
    figures_text = json.dumps(figures, indent=2, sort_keys=True, default=str)
    where = f" ({runbook_name})" if runbook_name else ""
    runbook = runbook_section or f"No runbook section names the check {check_id}{where}."
    escalation = " -> ".join(chain)
    body = "\n".join([
        f"Incident {incident_id}: {check_id} failed.",
        f"Pipeline: {pipeline}",
        f"Check: {check_id}",
        f"Partition: {partition}",
        f"Paged: {engineer} (level {level} of {escalation})",
        "",
        message,
        "",
        "Figures:",
        figures_text,
        "",
        f"Runbook{where}:",
        runbook,
        "",
        f"Acknowledge (stops the escalation): steward incidents ack {incident_id}",
    ])
    return Page(title, body)
