-- completed_orders (shared): every completed order once, with its reporting day, revenue, cost
-- and profit, from the day before $start (the base of day-over-day rates) to $end. Any user's:
-- the models keep the qualifying ones.
-- Relations: orders (from $start - 1 day). Parameters: $start, $end (dates).
-- An order delivered more than once counts as its latest load: de-duplicate first, then filter,
-- so an order re-delivered as cancelled no longer counts through an earlier load. Two loads with
-- the same loaded_at: the one that counts less wins (not completed, then less revenue, more cost),
-- so every engine picks the same row.
SELECT
    reporting_day(ordered_at) AS date,
    order_id,
    user_id,
    revenue,
    order_cost(cost_of_goods, shipping_cost, payment_fee, refunded_amount) AS cost,
    order_profit(revenue, cost_of_goods, shipping_cost, payment_fee, refunded_amount) AS profit
FROM (
    SELECT order_id, user_id, ordered_at, status, revenue, cost_of_goods, shipping_cost,
           payment_fee, refunded_amount
    FROM orders
    QUALIFY row_number() OVER (
        PARTITION BY order_id
        ORDER BY loaded_at DESC, completed_order(status) NULLS FIRST, revenue,
                 refunded_amount DESC, cost_of_goods DESC, shipping_cost DESC, payment_fee DESC,
                 ordered_at, user_id
    ) = 1
) AS latest_orders
WHERE completed_order(status)
  AND reporting_day(ordered_at)
      BETWEEN CAST($start - INTERVAL 1 DAY AS DATE) AND CAST($end AS DATE)
