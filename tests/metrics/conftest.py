from __future__ import annotations

from pathlib import Path

import pytest

from tests.metrics.lakes import build_models, make_lake
from tests.metrics.reference import Reference


@pytest.fixture(scope="session")
def built_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated lake with every model built over its whole range (shared, read-only)."""
    lake = make_lake(tmp_path_factory.mktemp("lake"))
    build_models(lake)
    return lake


@pytest.fixture(scope="session")
def reference(built_lake: Path) -> Reference:
    return Reference(built_lake)
