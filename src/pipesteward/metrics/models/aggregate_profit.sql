-- aggregate_profit (daily): the day's profit from the orders source (not from unit_profit or
-- the shared completed_orders, so that profit.reconciliation compares two independent
-- computations of the orders). Every day of the range has a row; a day without orders has
-- zeros and a NULL margin.
-- Relations: orders, qualifying_users (shared). Parameters: $start, $end (dates).
-- An order delivered more than once counts as its latest load: de-duplicate first, then filter,
-- so an order re-delivered as cancelled no longer counts through an earlier load. Two loads with
-- the same loaded_at: the one that counts less wins (not completed, then less revenue, more cost),
-- so every engine picks the same row.
WITH latest_orders AS (
    SELECT order_id, user_id, ordered_at, status, revenue, cost_of_goods, shipping_cost,
           payment_fee, refunded_amount
    FROM orders
    QUALIFY row_number() OVER (
        PARTITION BY order_id
        ORDER BY loaded_at DESC, completed_order(status) NULLS FIRST, revenue,
                 refunded_amount DESC, cost_of_goods DESC, shipping_cost DESC, payment_fee DESC,
                 ordered_at, user_id
    ) = 1
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
),
days AS (
    SELECT CAST(d AS DATE) AS date
    FROM unnest(generate_series(CAST($start AS DATE), CAST($end AS DATE), INTERVAL 1 DAY)) AS t(d)
),
per_day AS (
    SELECT
        date,
        count(*) AS orders,
        count(DISTINCT user_id) AS paying_users,
        sum(revenue) AS revenue,
        sum(cost) AS cost,
        sum(profit) AS profit
    FROM completed
    WHERE date BETWEEN $start AND $end
      AND user_id IN (SELECT user_id FROM qualifying_users)
    GROUP BY date
)
SELECT
    days.date,
    coalesce(p.orders, 0) AS orders,
    coalesce(p.paying_users, 0) AS paying_users,
    CAST(coalesce(p.revenue, 0) AS DECIMAL(18, 2)) AS revenue,
    CAST(coalesce(p.cost, 0) AS DECIMAL(18, 2)) AS cost,
    CAST(coalesce(p.profit, 0) AS DECIMAL(18, 2)) AS profit,
    -- a rate is NULL, never inf or NaN, when its base is 0 or missing
    CAST(p.profit AS DOUBLE) / nullif(CAST(p.revenue AS DOUBLE), 0) AS margin
FROM days
LEFT JOIN per_day AS p ON p.date = days.date
ORDER BY days.date
