"""Errors that the edges (CLI, web) turn into exit codes or HTTP statuses."""


class UserError(Exception):
    """Bad input (spec, arguments, data the user supplied): exit 2, a clear message."""


class NotFound(UserError, LookupError):
    """A named thing (pipeline, engineer, incident) that the spec or store does not have."""


class RunFailed(Exception):
    """A run, check or export that failed: exit 1, with what to do next."""
