-- Day-over-day rates are x(d) / x(d-1) - 1, NULL when x(d-1) is 0.
WITH signups AS (
    SELECT signup_day AS day, count(*) AS n FROM {{ ref('qualifying_users') }} GROUP BY 1
),
earlier AS (
    SELECT count(*) AS n FROM {{ ref('qualifying_users') }} WHERE signup_day < {{ day_before() }}
),
actives AS (
    SELECT day, count(*) AS n FROM {{ ref('user_days') }} GROUP BY 1
),
revenue AS (
    SELECT day, sum(revenue) AS r FROM {{ ref('day_orders') }} GROUP BY 1
),
days AS (
    SELECT c.day, coalesce(s.n, 0) AS new_users, coalesce(a.n, 0) AS active_users,
           coalesce(r.r, 0) AS revenue
    FROM {{ calendar(day_before()) }} c
    LEFT JOIN signups s USING (day) LEFT JOIN actives a USING (day) LEFT JOIN revenue r USING (day)
),
running AS (
    SELECT *, (SELECT n FROM earlier) + sum(new_users) OVER (ORDER BY day) AS total_users,
           lag(new_users) OVER (ORDER BY day) AS new_before,
           lag(active_users) OVER (ORDER BY day) AS active_before,
           lag(revenue) OVER (ORDER BY day) AS revenue_before
    FROM days
)
SELECT day AS date, new_users, CAST(total_users AS BIGINT) AS total_users, active_users, revenue,
       new_users / nullif(new_before, 0) - 1 AS new_users_dod,
       active_users / nullif(active_before, 0) - 1 AS active_users_dod,
       CAST(revenue AS DOUBLE) / nullif(CAST(revenue_before AS DOUBLE), 0) - 1 AS revenue_dod
FROM running
WHERE day BETWEEN {{ first_day() }} AND {{ last_day() }}
