"""Shared fixtures: the example team in a temporary project, pinned time, PostgreSQL."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipesteward.app import EXAMPLE_FILES, EXAMPLE_TEAM, Steward

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, why: str) -> None:
    """Skip locally when a dependency is missing; in CI a missing dependency is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {why}")
    pytest.skip(why)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example team (spec and runbooks); returns the spec's path."""
    shutil.copytree(EXAMPLE_TEAM, tmp_path / "team", ignore=EXAMPLE_FILES)
    return tmp_path / "team" / "steward.yaml"


@pytest.fixture
def steward(project: Path) -> Steward:
    """The example team with its storage in the temporary project (SQLite ops store)."""
    return Steward.from_path(project, env={})


@pytest.fixture
def pg_url() -> str:
    """A real PostgreSQL server (STEWARD_TEST_POSTGRES_URL; `.ci/run` starts one)."""
    url = os.environ.get("STEWARD_TEST_POSTGRES_URL")
    require(bool(url), "STEWARD_TEST_POSTGRES_URL is not set (no PostgreSQL server)")
    return url  # type: ignore[return-value]
