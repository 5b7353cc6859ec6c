-- unit_profit (daily): one row per qualifying user with at least one completed order on the day.
-- Relations: completed_orders, qualifying_users (shared). Parameters: $start, $end (dates).
SELECT
    c.date,
    c.user_id,
    count(*) AS orders,
    CAST(sum(c.revenue) AS DECIMAL(18, 2)) AS revenue,
    CAST(sum(c.cost) AS DECIMAL(18, 2)) AS cost,
    CAST(sum(c.profit) AS DECIMAL(18, 2)) AS profit
FROM completed_orders AS c
WHERE c.date BETWEEN $start AND $end
  AND c.user_id IN (SELECT user_id FROM qualifying_users)
GROUP BY c.date, c.user_id
ORDER BY c.date, c.user_id
