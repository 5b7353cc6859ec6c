"""Property: whatever a user (or a hostile tester) does to the example spec, `steward validate`
answers with exit 0 (valid) or exit 2 (one line per problem), never a traceback; and a spec it
calls valid loads in the quick commands too."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipesteward.app import EXAMPLE_FILES, EXAMPLE_TEAM
from pipesteward.cli import app

EXAMPLE = (EXAMPLE_TEAM / "steward.yaml").read_text(encoding="utf-8")
DATA = yaml.safe_load(EXAMPLE)
# Bounded: a few seconds in all, yet each run tries every kind of mutation many times.
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

Path_ = tuple[str | int, ...]


def paths(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every key and list item of the spec, parents before children."""
    if path:
        yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, (*path, i))


PATHS = list(paths(DATA))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.dates(), st.datetimes(), st.sampled_from([
        "2025-12-32", "2025-02-30", "10:99", "25:00", "-7", "0", "${MISSING}", "../../etc/passwd",
        "/etc/passwd", "A", "Z", "US", "XX", "America/Nowhere", "lots", "1GB", "postgresql://",
        "mailto://", "2026-11-01T01:30-05:00", "2026-11-01T04:00", "", " ", "null", "~"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)


def _parent(data: Any, path: Path_) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def structural(draw: st.DrawFn) -> str:
    """The spec's values changed: a scalar replaced, a key or item deleted, one doubled."""
    data = yaml.safe_load(EXAMPLE)
    for _ in range(draw(st.integers(1, 3))):
        live = list(paths(data))
        if not live:
            break
        path = draw(st.sampled_from(live))
        parent = _parent(data, path)
        kind = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if kind == "replace":
            parent[path[-1]] = draw(values)
        elif kind == "delete":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.append(parent[path[-1]])
        else:
            parent[draw(st.text(max_size=8))] = parent[path[-1]]
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None)


@st.composite
def textual(draw: st.DrawFn) -> str:
    """The spec's text changed: a line doubled (a duplicated key) or deleted, characters
    inserted, the file cut short; often no longer YAML at all."""
    lines = EXAMPLE.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["double", "delete", "insert", "cut"]))
        if kind == "double":
            lines.insert(i, lines[i])
        elif kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[i])))
            extra = draw(st.one_of(st.sampled_from(
                [":", "- ", "{", "]", "&a ", "*a", "!!python/object:os.system ", "\t", "'",
                 '"', "<<: *a", "%YAML 9.9\n", "---\n", "\x00", "\ufeff"]), st.text(max_size=5)))
            lines[i] = lines[i][:at] + extra + lines[i][at:]
        else:
            lines = lines[:i] + [lines[i][: draw(st.integers(0, len(lines[i])))]]
    return "".join(lines)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """The example team's runbooks beside a spec file each example rewrites."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(EXAMPLE_TEAM, Path(tmp) / "team", ignore=EXAMPLE_FILES)
        yield Path(tmp) / "team"


def assert_answered(folder: Path, text: str) -> None:
    spec = folder / "steward.yaml"
    spec.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(app, ["validate", "--spec", str(spec)], env={"COLUMNS": "120"})
    assert done.exception is None or isinstance(done.exception, SystemExit), (
        f"{type(done.exception).__name__}: {done.exception}\n--- spec:\n{text}")
    assert done.exit_code in (0, 2), f"exit {done.exit_code}: {done.output}\n--- spec:\n{text}"
    assert "Traceback" not in done.output, done.output
    if done.exit_code == 2:
        assert all(line.startswith("error:") for line in done.stderr.splitlines()), done.stderr
        return
    # What passes validate does not fail later: the quick commands answer, or refuse cleanly.
    for command in (["oncall", "who", "--at", "2026-12-25"], ["pipelines"], ["owners"]):
        later = CliRunner().invoke(app, [*command, "--spec", str(spec)])
        assert later.exit_code in (0, 2) and (
            later.exception is None or isinstance(later.exception, SystemExit)), (
            f"{command}: {later.exception!r} {later.output}\n--- spec:\n{text}")


def test_the_example_itself_is_valid(folder: Path) -> None:
    spec = folder / "steward.yaml"
    spec.write_text(EXAMPLE, encoding="utf-8")
    assert CliRunner().invoke(app, ["validate", "--spec", str(spec)]).exit_code == 0


@SETTINGS
@given(text=structural())
def test_changed_values_are_valid_or_refused_never_a_crash(folder: Path, text: str) -> None:
    assert_answered(folder, text)


@SETTINGS
@given(text=textual())
def test_changed_text_is_valid_or_refused_never_a_crash(folder: Path, text: str) -> None:
    assert_answered(folder, text)

