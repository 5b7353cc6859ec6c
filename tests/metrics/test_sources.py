"""Bad input: a clear message naming source, partition and column, exit 1, the lake untouched."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipesteward.metrics.generator import generate
from pipesteward.metrics.runner import ModelFailed, ModelRunner
from pipesteward.metrics.sources import SourceError
from tests.metrics.lakes import model_files

START = date(2025, 3, 1)
DAY = date(2025, 3, 4)


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    generate(tmp_path, START, 6, 400, seed=9)
    runner = ModelRunner(tmp_path)
    runner.run("aggregate_profit", START, date(2025, 3, 6))
    runner.close()
    return tmp_path


def fail(lake: Path, model: str = "aggregate_profit", day: date = DAY) -> ModelFailed:
    before = model_files(lake)
    runner = ModelRunner(lake)
    with pytest.raises(ModelFailed) as info:
        runner.run(model, day, day)
    runner.close()
    assert model_files(lake) == before, "a failed run must not touch the lake"
    assert isinstance(info.value.__cause__, SourceError)
    assert info.value.kind == "source"
    return info.value


def orders_part(lake: Path) -> Path:
    return lake / "sources" / "orders" / f"date={DAY}" / "part-0.parquet"


def test_a_day_without_source_data(lake: Path) -> None:
    shutil.rmtree(orders_part(lake).parent)
    err = fail(lake)
    assert "source orders, partition date=2025-03-04: no partition" in str(err)


def test_a_partition_without_success_is_not_read(lake: Path) -> None:
    (orders_part(lake).parent / "_SUCCESS").unlink()
    assert "no _SUCCESS" in str(fail(lake))


def test_a_missing_column(lake: Path) -> None:
    t = pq.read_table(orders_part(lake))
    pq.write_table(t.drop_columns(["refunded_amount"]), orders_part(lake))
    err = str(fail(lake))
    assert "source orders, partition date=2025-03-04, column refunded_amount" in err
    assert "missing" in err


def test_a_mistyped_column(lake: Path) -> None:
    t = pq.read_table(orders_part(lake))
    i = t.schema.get_field_index("revenue")
    pq.write_table(t.set_column(i, "revenue", t.column("revenue").cast(pa.float64())),
                   orders_part(lake))
    err = str(fail(lake))
    assert "column revenue: the column is double, expected DECIMAL(18,2)" in err


def test_an_unreadable_file(lake: Path) -> None:
    orders_part(lake).write_bytes(b"not parquet at all")
    err = str(fail(lake))
    assert "source orders, partition date=2025-03-04: cannot read the file" in err
    assert "part-0.parquet" in err


def test_a_missing_day_inside_the_engagement_window(lake: Path) -> None:
    shutil.rmtree(lake / "sources" / "events" / "date=2025-03-02")
    err = str(fail(lake, "aggregate_engagement", date(2025, 3, 5)))
    assert "source events, partition date=2025-03-02: no partition" in err


def test_days_before_the_lake_begins_are_not_missing(lake: Path) -> None:
    runner = ModelRunner(lake)
    result = runner.run("aggregate_engagement", START, START)  # window reaches into February
    runner.close()
    assert result.status == "succeeded"
