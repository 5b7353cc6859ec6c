"""Investor exports (DESIGN section 6): the day's and the month's investor metrics to every
`reporting.targets` entry, idempotent per period, written atomically, read back and verified,
retried with backoff, refused while a blocking check of their inputs fails."""
