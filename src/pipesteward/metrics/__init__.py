"""The metric pipelines: canonical definitions, the five models' SQL, the engines that run it,
the lake writer and the source generator. Heavy libraries are imported inside functions."""

from __future__ import annotations


def logic_versions(reporting_timezone: str = "UTC") -> dict[str, str]:
    """The current logic_version of every model (what a run would write now)."""
    from pipesteward.metrics.models import logic_versions as versions

    return versions(reporting_timezone)
