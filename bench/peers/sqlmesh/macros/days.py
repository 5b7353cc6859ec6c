"""The run's days and the lake's sources as SQL literals."""

import datetime as dt

from sqlglot import exp
from sqlmesh import macro


def _date(day: dt.date) -> exp.Expression:
    return exp.cast(exp.Literal.string(day.isoformat()), exp.DataType.build("date"))


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@macro()
def first_day(evaluator):
    return _date(_day(evaluator.var("start")))


@macro()
def last_day(evaluator):
    return _date(_day(evaluator.var("end")))


@macro()
def day_before(evaluator):
    """The day before the first: the day-over-day rates need it."""
    return _date(_day(evaluator.var("start")) - dt.timedelta(days=1))


@macro()
def window_start(evaluator):
    """The first day of the 30-day engagement window of the first day."""
    return _date(_day(evaluator.var("start")) - dt.timedelta(days=29))


@macro()
def lake(evaluator, table):
    """read_parquet over a source table of the lake."""
    glob = f"{evaluator.var('lake')}/sources/{table.name}/date=*/*.parquet"
    return exp.func("read_parquet", exp.Literal.string(glob),
                    exp.EQ(this=exp.column("hive_partitioning"), expression=exp.true()))
