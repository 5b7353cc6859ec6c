"""Dagster definitions (the only package that imports Dagster).

`dagster dev -m pipesteward.orchestration` and `dagster definitions validate -m
pipesteward.orchestration` load `defs`, built from the spec at `STEWARD_SPEC` (default
`./steward.yaml`, else the bundled example team). `defs` is built on first access, so
importing the package (as `steward run` does) reads no spec.
"""

from __future__ import annotations

from typing import Any


def load_defs(spec_path: str | None = None) -> Any:
    import os
    from pathlib import Path

    from pipesteward.app import EXAMPLE_TEAM, Steward
    from pipesteward.orchestration.definitions import build

    path = spec_path or os.environ.get("STEWARD_SPEC") or "steward.yaml"
    if not Path(path).exists() and spec_path is None and "STEWARD_SPEC" not in os.environ:
        path = str(EXAMPLE_TEAM / "steward.yaml")
    return build(Steward.from_path(path)).defs


def __getattr__(name: str) -> Any:
    if name == "defs":
        value = load_defs()
        globals()["defs"] = value
        return value
    raise AttributeError(name)


def __dir__() -> list[str]:
    return ["defs", "load_defs"]
