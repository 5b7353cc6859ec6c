"""Golden files for what people read: compare, or rewrite with STEWARD_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("STEWARD_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden file {path}; run `make golden` and review the diff"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{path} differs; if the change is intended run `make golden`"
