{{ config(unique_key='month') }}
-- From all daily_growth rows of each month of the run (month to date until its last day is
-- in); the month-over-month and year-over-year rates compare with the months before.
WITH months AS (
    SELECT strftime(date, '%Y-%m') AS month, date_trunc('month', date) AS month_start,
           count(*) AS days, count(*) = day(last_day(min(date))) AS complete,
           sum(new_users) AS new_users, arg_max(total_users, date) AS total_users,
           avg(active_users) AS avg_dau, sum(revenue) AS revenue
    FROM {{ ref('daily_growth') }}
    GROUP BY 1, 2
)
SELECT m.month, m.days, m.complete, CAST(m.new_users AS BIGINT) AS new_users, m.total_users,
       m.avg_dau, m.revenue,
       m.new_users / nullif(prev.new_users, 0) - 1 AS new_users_mom,
       m.total_users / nullif(prev.total_users, 0) - 1 AS total_users_mom,
       m.avg_dau / nullif(prev.avg_dau, 0) - 1 AS avg_dau_mom,
       CAST(m.revenue AS DOUBLE) / nullif(CAST(prev.revenue AS DOUBLE), 0) - 1 AS revenue_mom,
       CAST(m.revenue AS DOUBLE) / nullif(CAST(year_ago.revenue AS DOUBLE), 0) - 1 AS revenue_yoy
FROM months m
LEFT JOIN months prev ON prev.month_start = m.month_start - INTERVAL 1 MONTH
LEFT JOIN months year_ago ON year_ago.month_start = m.month_start - INTERVAL 12 MONTH
WHERE m.month BETWEEN '{{ var("start")[:7] }}' AND '{{ var("end")[:7] }}'
