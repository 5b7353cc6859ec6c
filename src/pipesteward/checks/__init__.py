"""Runbook checks: one registry of values, pure over the lake and the run records.

`registry.CHECKS` declares them (DESIGN section 5); `runner.run_checks` evaluates them for a
day; each returns a `CheckResult` with the figures compared and the command to run next.
"""
