-- Computed from the orders, not from unit_profit; one row per day, zeros on a day without
-- orders, margin NULL when there is no revenue.
WITH per_day AS (
    SELECT day, count(*) AS orders, count(DISTINCT user_id) AS paying_users,
           sum(revenue) AS revenue, sum(cost) AS cost
    FROM {{ ref('day_orders') }}
    WHERE day BETWEEN {{ first_day() }} AND {{ last_day() }}
    GROUP BY day
)
SELECT c.day AS date, coalesce(p.orders, 0) AS orders,
       coalesce(p.paying_users, 0) AS paying_users,
       coalesce(p.revenue, 0) AS revenue, coalesce(p.cost, 0) AS cost,
       coalesce(p.revenue - p.cost, 0) AS profit,
       CAST(p.revenue - p.cost AS DOUBLE) / nullif(CAST(p.revenue AS DOUBLE), 0) AS margin
FROM {{ calendar(first_day()) }} c
LEFT JOIN per_day p USING (day)
