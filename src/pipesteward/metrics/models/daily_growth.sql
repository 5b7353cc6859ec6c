-- daily_growth (daily): signups, cumulative users, active users and revenue, with day-over-day
-- rates x(d) / x(d-1) - 1 (NULL when x(d-1) is 0 or missing). Every day of the range has a row.
-- Relations: qualifying_users, active_user_days, completed_orders (shared).
-- Parameters: $start, $end (dates).
WITH days AS (
    -- the day before the range too: the base of the first day's rates
    SELECT CAST(d AS DATE) AS date
    FROM unnest(generate_series(
        CAST($start - INTERVAL 1 DAY AS DATE), CAST($end AS DATE), INTERVAL 1 DAY)) AS t(d)
),
signed_up_before AS (
    SELECT count(*) AS n
    FROM qualifying_users
    WHERE signup_day < CAST($start - INTERVAL 1 DAY AS DATE)
),
new_users AS (
    SELECT signup_day AS date, count(*) AS n
    FROM qualifying_users
    GROUP BY signup_day
),
active_users AS (
    SELECT date, count(*) AS n
    FROM active_user_days
    WHERE user_id IN (SELECT user_id FROM qualifying_users)
    GROUP BY date
),
revenue AS (
    SELECT date, sum(revenue) AS revenue
    FROM completed_orders
    WHERE user_id IN (SELECT user_id FROM qualifying_users)
    GROUP BY date
),
daily AS (
    SELECT
        days.date,
        coalesce(n.n, 0) AS new_users,
        (SELECT n FROM signed_up_before)
            + sum(coalesce(n.n, 0)) OVER (ORDER BY days.date) AS total_users,
        coalesce(a.n, 0) AS active_users,
        coalesce(r.revenue, 0) AS revenue
    FROM days
    LEFT JOIN new_users AS n ON n.date = days.date
    LEFT JOIN active_users AS a ON a.date = days.date
    LEFT JOIN revenue AS r ON r.date = days.date
),
with_previous AS (
    SELECT
        *,
        lag(new_users) OVER (ORDER BY date) AS new_users_prev,
        lag(active_users) OVER (ORDER BY date) AS active_users_prev,
        lag(revenue) OVER (ORDER BY date) AS revenue_prev
    FROM daily
)
SELECT
    date,
    CAST(new_users AS BIGINT) AS new_users,
    CAST(total_users AS BIGINT) AS total_users,
    CAST(active_users AS BIGINT) AS active_users,
    CAST(revenue AS DECIMAL(18, 2)) AS revenue,
    CAST(new_users AS DOUBLE) / nullif(CAST(new_users_prev AS DOUBLE), 0) - 1 AS new_users_dod,
    CAST(active_users AS DOUBLE) / nullif(CAST(active_users_prev AS DOUBLE), 0) - 1
        AS active_users_dod,
    CAST(revenue AS DOUBLE) / nullif(CAST(revenue_prev AS DOUBLE), 0) - 1 AS revenue_dod
FROM with_previous
WHERE date BETWEEN $start AND $end
ORDER BY date
