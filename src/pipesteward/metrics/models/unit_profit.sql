-- unit_profit (daily): one row per qualifying user with at least one completed order on the day.
-- Relations: users, orders (registered by the engine). Parameters: $start, $end (dates).
-- A re-delivered row (same user_id, same order_id) counts once: its latest load wins, and the
-- filters (qualifying user, completed order) apply to that load only. De-duplicate first, then
-- filter: an order re-delivered as cancelled, or a user re-delivered as a test user, no longer
-- counts through an earlier load.
WITH latest_users AS (
    SELECT user_id, is_test
    FROM users
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY loaded_at DESC) = 1
),
qualifying_users AS (
    SELECT user_id
    FROM latest_users
    WHERE qualifying_user(is_test)
),
latest_orders AS (
    SELECT order_id, user_id, ordered_at, status, revenue, cost_of_goods, shipping_cost,
           payment_fee, refunded_amount
    FROM orders
    QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY loaded_at DESC) = 1
),
completed AS (
    SELECT
        reporting_day(ordered_at) AS date,
        user_id,
        revenue,
        order_cost(cost_of_goods, shipping_cost, payment_fee, refunded_amount) AS cost,
        order_profit(revenue, cost_of_goods, shipping_cost, payment_fee, refunded_amount) AS profit
    FROM latest_orders
    WHERE completed_order(status)
)
SELECT
    c.date,
    c.user_id,
    count(*) AS orders,
    CAST(sum(c.revenue) AS DECIMAL(18, 2)) AS revenue,
    CAST(sum(c.cost) AS DECIMAL(18, 2)) AS cost,
    CAST(sum(c.profit) AS DECIMAL(18, 2)) AS profit
FROM completed AS c
WHERE c.date BETWEEN $start AND $end
  AND c.user_id IN (SELECT user_id FROM qualifying_users)
GROUP BY c.date, c.user_id
ORDER BY c.date, c.user_id
