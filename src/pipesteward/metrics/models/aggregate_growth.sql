-- aggregate_growth (monthly): the month's figures from its daily_growth rows, with rates
-- against the month before (mom) and the same month a year before (yoy). `complete` is true
-- once every day of the month has a daily_growth row (a month to date is not complete).
-- Relations: daily_growth (the model's partitions from 12 months before $start to $end).
-- Parameters: $start, $end (dates; every month they touch is computed).
WITH months AS (
    SELECT
        CAST(date_trunc('month', date) AS DATE) AS month_start,
        count(*) AS days,
        sum(new_users) AS new_users,
        arg_max(total_users, date) AS total_users,
        avg(active_users) AS avg_dau,
        sum(revenue) AS revenue
    FROM daily_growth
    GROUP BY date_trunc('month', date)
)
SELECT
    strftime(m.month_start, '%Y-%m') AS month,
    CAST(m.days AS BIGINT) AS days,
    m.days = day(last_day(m.month_start)) AS complete,
    CAST(m.new_users AS BIGINT) AS new_users,
    CAST(m.total_users AS BIGINT) AS total_users,
    CAST(m.avg_dau AS DOUBLE) AS avg_dau,
    CAST(m.revenue AS DECIMAL(18, 2)) AS revenue,
    CAST(m.new_users AS DOUBLE) / nullif(CAST(p.new_users AS DOUBLE), 0) - 1 AS new_users_mom,
    CAST(m.total_users AS DOUBLE) / nullif(CAST(p.total_users AS DOUBLE), 0) - 1
        AS total_users_mom,
    CAST(m.avg_dau AS DOUBLE) / nullif(CAST(p.avg_dau AS DOUBLE), 0) - 1 AS avg_dau_mom,
    CAST(m.revenue AS DOUBLE) / nullif(CAST(p.revenue AS DOUBLE), 0) - 1 AS revenue_mom,
    CAST(m.revenue AS DOUBLE) / nullif(CAST(y.revenue AS DOUBLE), 0) - 1 AS revenue_yoy
FROM months AS m
LEFT JOIN months AS p ON p.month_start = CAST(m.month_start - INTERVAL 1 MONTH AS DATE)
LEFT JOIN months AS y ON y.month_start = CAST(m.month_start - INTERVAL 12 MONTH AS DATE)
WHERE m.month_start BETWEEN CAST(date_trunc('month', CAST($start AS DATE)) AS DATE)
                        AND CAST(date_trunc('month', CAST($end AS DATE)) AS DATE)
ORDER BY m.month_start
