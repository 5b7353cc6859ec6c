"""One verdict per model: a model whose retry succeeded is reported succeeded, not both."""

from __future__ import annotations

import pytest

from pipesteward.app import Steward
from pipesteward.metrics.runner import ModelFailed
from pipesteward.orchestration.definitions import ModelRuns
from tests.metrics.lakes import END, START, make_lake


def test_a_retry_that_succeeds_replaces_the_failed_attempt(steward: Steward) -> None:
    runs = ModelRuns(steward)
    try:
        with pytest.raises(ModelFailed):  # the first attempt: its sources are not there yet
            runs.run("aggregate_profit", START, END, run_id="attempt-1")
        assert [f.model for f in runs.failures] == ["aggregate_profit"]
        make_lake(steward.paths.lake, users=200)
        runs.run("aggregate_profit", START, END, run_id="attempt-1")  # the retry
    finally:
        runs.close()
    assert runs.failures == []
    assert [r.model for r in runs.results] == ["aggregate_profit"]
