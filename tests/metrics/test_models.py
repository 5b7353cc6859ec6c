"""Each model against an independent pandas computation, row for row and column for column."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
import pytest

from pipesteward.metrics.lake import Lake
from pipesteward.metrics.models import MODELS, ORDER, logic_version
from pipesteward.metrics.runner import ModelRunner
from tests.metrics.lakes import END, NO_ORDERS_DAY, START, accept, make_lake
from tests.metrics.reference import Reference


def rows_of(lake: Path, model: str) -> list[dict]:
    if model == "aggregate_growth":
        import pyarrow as pa

        tables = [Lake(lake).model_table(model, k) for k in ("2025-01", "2025-02", "2025-03")]
        return pa.concat_tables(tables).to_pylist()
    return Lake(lake).model_range(model, START, END).to_pylist()


def assert_same_rows(ours: list[dict], theirs: list[dict], model: str) -> None:
    assert len(ours) == len(theirs), f"{model}: {len(ours)} rows, reference {len(theirs)}"
    version = logic_version(model)
    for mine, ref in zip(ours, theirs, strict=True):
        assert mine.pop("logic_version") == version
        assert list(mine) == [c for c in MODELS[model].columns if c != "logic_version"]
        assert set(mine) == set(ref), model
        for col, value in mine.items():
            expected = ref[col]
            if isinstance(value, float) or isinstance(expected, float):
                assert value is not None and expected is not None, (model, mine, col)
                assert math.isfinite(value)
                assert value == pytest.approx(expected, rel=1e-12, abs=1e-12), (model, col, mine)
            else:
                assert value == expected, (model, col, mine, ref)
                if isinstance(expected, Decimal):
                    assert value.as_tuple().exponent == -2  # DECIMAL(18,2)


@pytest.mark.parametrize("model", ORDER)
def test_model_matches_the_independent_computation(
    built_lake: Path, reference: Reference, model: str
) -> None:
    assert_same_rows(rows_of(built_lake, model), getattr(reference, model)(START, END), model)


@pytest.mark.parametrize("model", ORDER)
def test_rates_are_null_never_nan_or_infinite(built_lake: Path, model: str) -> None:
    for path in sorted((built_lake / "models" / model).rglob("*.parquet")):
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        for name in table.column_names:
            col = table.column(name)
            if col.type in ("double", "float") or str(col.type) == "double":
                assert not pc.any(pc.is_nan(col)).as_py(), (path, name)
                assert not pc.any(pc.is_inf(col)).as_py(), (path, name)


def row(lake: Path, model: str, key: str) -> dict:
    table = Lake(lake).model_table(model, key)
    assert table is not None and table.num_rows == 1, (model, key)
    return table.to_pylist()[0]


def test_first_day_has_no_day_over_day_base_for_activity(built_lake: Path) -> None:
    first = row(built_lake, "daily_growth", START.isoformat())
    assert first["active_users_dod"] is None and first["revenue_dod"] is None
    assert first["active_users"] > 0


def test_month_ends_close_their_months(built_lake: Path) -> None:
    assert row(built_lake, "aggregate_growth", "2025-01")["complete"] is False  # from the 25th
    feb = row(built_lake, "aggregate_growth", "2025-02")
    assert (feb["days"], feb["complete"]) == (28, True)
    assert feb["total_users"] == row(built_lake, "daily_growth", "2025-02-28")["total_users"]
    march = row(built_lake, "aggregate_growth", "2025-03")
    assert (march["days"], march["complete"], march["revenue_yoy"]) == (5, False, None)


def test_a_day_with_no_orders(built_lake: Path) -> None:
    day = NO_ORDERS_DAY.isoformat()
    profit = row(built_lake, "aggregate_profit", day)
    assert (profit["orders"], profit["revenue"], profit["margin"]) == (0, Decimal("0.00"), None)
    assert Lake(built_lake).model_table("unit_profit", day).num_rows == 0  # written, empty
    after = row(built_lake, "daily_growth", (NO_ORDERS_DAY + timedelta(days=1)).isoformat())
    assert after["revenue_dod"] is None  # its base is 0


def test_a_user_active_on_three_platforms_counts_once_in_each(
    built_lake: Path, reference: Reference
) -> None:
    a = reference.active
    per_user_day = a.groupby(["day", "user_id"]).platform.nunique()
    three = per_user_day[per_user_day == 3]
    assert len(three) > 0, "the generator should produce users on three platforms"
    day = three.index[0][0]
    eng = row(built_lake, "aggregate_engagement", day.isoformat())
    assert max(eng["dau_web"], eng["dau_ios"], eng["dau_android"]) <= eng["dau"]
    assert eng["dau"] < eng["dau_web"] + eng["dau_ios"] + eng["dau_android"]
    assert eng["dau_new"] + eng["dau_returning"] == eng["dau"]


def test_a_refund_larger_than_revenue_makes_a_loss(built_lake: Path, reference: Reference) -> None:
    o = reference.orders
    big = o[[r > v for r, v in zip(o.refunded_amount, o.revenue, strict=True)]]
    assert len(big) > 0, "the generator should produce refunds above revenue"
    order = big.iloc[0]
    units = Lake(built_lake).model_table("unit_profit", order.day.isoformat()).to_pylist()
    mine = next(u for u in units if u["user_id"] == order.user_id)
    same = o[(o.day == order.day) & (o.user_id == order.user_id)]
    assert mine["profit"] == sum(same.profit, Decimal("0.00"))
    if len(same) == 1:
        assert mine["profit"] < 0


def test_unit_profit_reconciles_with_aggregate_profit(built_lake: Path) -> None:
    for day in (START, date(2025, 2, 28), END):
        units = Lake(built_lake).model_table("unit_profit", day.isoformat()).to_pylist()
        agg = row(built_lake, "aggregate_profit", day.isoformat())
        assert sum(u["orders"] for u in units) == agg["orders"]
        assert sum((u["profit"] for u in units), Decimal("0.00")) == agg["profit"]


def test_aggregate_growth_of_a_month_with_no_daily_rows_is_empty(tmp_path: Path) -> None:
    # Before daily_growth is built the upstream relation is empty; it must still type-check.
    lake = make_lake(tmp_path / "lake", users=200)
    runner = ModelRunner(lake)
    try:
        result = runner.run("aggregate_growth", START, END)
    finally:
        runner.close()
    assert result.rows == 0


# ------------------------------------------------------------------ re-deliveries: latest load wins
def _redeliver(lake: Path, table: str, key_column: str, key: int, changes: dict,
               tie: bool = False) -> date:
    """Append a later load of one row (same key, `changes` applied) beside its partition's file;
    with `tie`, a load with the same loaded_at as the row's."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for part in sorted((lake / "sources" / table).glob("date=*/part-0.parquet")):
        t = pq.read_table(part)
        hit = t.filter(pc.equal(t.column(key_column), key))
        if hit.num_rows == 0:
            continue
        loaded = pc.max(t.column("loaded_at")).as_py() + timedelta(hours=1)
        if tie:
            loaded = hit.column("loaded_at")[0].as_py()
        later = hit.slice(0, 1)
        for name, value in {**changes, "loaded_at": loaded}.items():
            i = later.schema.get_field_index(name)
            later = later.set_column(i, later.schema.field(i),
                                     pa.array([value]).cast(later.schema.field(i).type))
        pq.write_table(later, part.with_name("part-1.parquet"))
        return date.fromisoformat(part.parent.name.removeprefix("date="))
    raise AssertionError(f"no {table} row with {key_column} = {key}")


def _build(lake: Path) -> None:
    runner = ModelRunner(lake)
    try:
        for name in ORDER:
            runner.run(name, START, END)
    finally:
        runner.close()


def test_a_later_load_wins_before_the_filters(tmp_path: Path) -> None:
    """An order re-delivered as cancelled and a user re-delivered as a test user stop counting."""
    lake = make_lake(tmp_path / "lake", users=300)
    before = Reference(lake)
    orders, active = before.orders, before.active
    day = date(2025, 2, 20)
    # an order of a user with one completed order on the day; a different user active that day
    on_day = orders[orders.day == day]
    single = on_day.groupby("user_id").order_id.transform("size") == 1
    order = on_day[single].iloc[0]
    # a user active on the day who also ordered on it (another one)
    both = sorted((set(active[active.day == day].user_id) & set(on_day.user_id))
                  - {order.user_id})
    assert both, "the generator should produce active users who order"
    user = int(both[0])
    assert _redeliver(lake, "orders", "order_id", int(order.order_id),
                      {"status": "cancelled"}) == day
    _redeliver(lake, "users", "user_id", user, {"is_test": True})
    _build(lake)

    after = Reference(lake)
    assert int(order.order_id) not in set(after.orders.order_id)
    assert user not in set(after.qualifying.user_id)
    units = Lake(lake).model_table("unit_profit", day.isoformat()).to_pylist()
    counted = {u["user_id"] for u in units}
    assert int(order.user_id) not in counted and user not in counted
    profit = row(lake, "aggregate_profit", day.isoformat())
    assert profit["orders"] == len(on_day) - 1 - int((on_day.user_id == user).sum())
    growth = row(lake, "daily_growth", day.isoformat())
    assert growth["active_users"] == len(before.active_by_day[day]) - 1
    assert growth["total_users"] == before._day_figures(day)["total_users"] - 1
    eng = row(lake, "aggregate_engagement", day.isoformat())
    assert eng["dau"] == growth["active_users"]
    for model in ORDER:
        assert_same_rows(rows_of(lake, model), getattr(after, model)(START, END), model)


def test_a_tie_in_loaded_at_goes_to_the_load_that_counts_less(tmp_path: Path) -> None:
    """Two loads of one id with the same loaded_at: the cancelled order and the test user win,
    whichever file holds them (so DuckDB and Spark pick the same row)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    lake = make_lake(tmp_path / "lake", users=300)
    before = Reference(lake)
    day = date(2025, 2, 20)
    on_day = before.orders[before.orders.day == day]
    single = on_day.groupby("user_id").order_id.transform("size") == 1
    completed = on_day[single].iloc[0]
    # a completed order tied by a cancelled load (in the later file) ...
    _redeliver(lake, "orders", "order_id", int(completed.order_id), {"status": "cancelled"},
               tie=True)
    # ... and a cancelled order of a qualifying user tied by a completed load (in a later file)
    qualifying = set(before.qualifying.user_id)
    for part in sorted((lake / "sources" / "orders").glob("date=*/part-0.parquet")):
        rows = [r for r in pq.read_table(part).to_pylist()
                if r["status"] == "cancelled" and r["user_id"] in qualifying]
        if rows:
            break
    assert rows, "the generator should produce cancelled orders"
    tied_day = date.fromisoformat(part.parent.name.removeprefix("date="))
    schema = pq.read_schema(part)
    pq.write_table(pa.Table.from_pylist([{**rows[0], "status": "completed"}], schema=schema),
                   part.with_name("part-2.parquet"))
    # ties break the contract (one row per order_id and loaded_at): here the models' own
    # tie-break is under test
    for tied in {day, tied_day}:
        accept(lake, "orders", tied, "a tie on purpose")
    _build(lake)

    units = Lake(lake).model_table("unit_profit", day.isoformat()).to_pylist()
    assert int(completed.user_id) not in {u["user_id"] for u in units}
    profit = row(lake, "aggregate_profit", day.isoformat())
    assert profit["orders"] == len(on_day) - 1
    growth = row(lake, "daily_growth", day.isoformat())
    assert float(growth["revenue"]) == pytest.approx(
        float(on_day.revenue.sum()) - float(completed.revenue), abs=0.01)
    if tied_day != day:
        completed_that_day = before.orders[before.orders.day == tied_day]
        assert row(lake, "aggregate_profit", tied_day.isoformat())["orders"] == len(
            completed_that_day)
