"""Incidents: a failed check or export opens one, deduplicated by (check, pipeline, partition);
a check that passes again resolves it. A new incident is paged to its pipeline's responder
(`paging`), escalates level by level until acknowledged, and every delivery is recorded."""
