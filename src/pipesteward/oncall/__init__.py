"""On call: shifts, holidays, swaps, overrides, unavailability, responders, escalation, planning.

A pure core: every function takes its inputs, time included (`at`), as arguments; nothing here
reads the clock, the environment or a file. The facade (`pipesteward.app.Steward`) gathers the
spec and the ops store's run-time records and calls in.
"""
