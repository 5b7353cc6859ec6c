"""On call: shifts, holidays, swaps, overrides, unavailability, responders, escalation, planning.

A pure core: every function takes its inputs, time included (`at`), as arguments; it never
reads the clock, the environment or a file. Two modules join it to the world: `service.py`
(what the facade calls; the store and calendar come in as arguments) and `quickread.py` (reads
the SQLite ops store and the holiday cache without SQLAlchemy, for a quick `oncall who`).
"""
