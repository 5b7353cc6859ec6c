"""Incidents: a failed check or export opens one, deduplicated by (check, pipeline, partition);
a check that passes again resolves it. Paging (routing, escalation, Apprise) builds on these
records; here they are only opened, updated, acknowledged and resolved."""
