-- daily_growth (daily): signups, cumulative users, active users and revenue, with day-over-day
-- rates x(d) / x(d-1) - 1 (NULL when x(d-1) is 0 or missing). Every day of the range has a row.
-- Relations: users (all signups up to $end), events and orders (from $start - 1 day).
-- Parameters: $start, $end (dates).
-- A re-delivered row (same user_id, same order_id) counts once: its latest load wins, and the
-- filters (qualifying user, completed order) apply to that load only. De-duplicate first, then
-- filter: an order re-delivered as cancelled, or a user re-delivered as a test user, no longer
-- counts through an earlier load.
WITH latest_users AS (
    SELECT user_id, signup_at, is_test
    FROM users
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY loaded_at DESC) = 1
),
qualifying_users AS (
    SELECT user_id, reporting_day(signup_at) AS signup_day
    FROM latest_users
    WHERE qualifying_user(is_test)
),
days AS (
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
-- active users: the distinct active user-days first, then the qualifying filter on that much
-- smaller set (not a semi join of every event), then a count per day
active_user_days AS (
    SELECT DISTINCT user_id, reporting_day(event_at) AS date
    FROM events
    WHERE active_event(event_type)
),
active_users AS (
    SELECT date, count(*) AS n
    FROM active_user_days
    WHERE user_id IN (SELECT user_id FROM qualifying_users)
    GROUP BY date
),
latest_orders AS (
    SELECT order_id, user_id, ordered_at, status, revenue
    FROM orders
    QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY loaded_at DESC) = 1
),
completed AS (
    SELECT reporting_day(ordered_at) AS date, user_id, revenue
    FROM latest_orders
    WHERE completed_order(status)
),
revenue AS (
    SELECT date, sum(revenue) AS revenue
    FROM completed
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
