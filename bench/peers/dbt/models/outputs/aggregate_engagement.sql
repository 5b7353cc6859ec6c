-- WAU and MAU: a user's active day a covers the days [a, a+6] (WAU) and [a, a+29] (MAU), each
-- stretch cut at the user's next active day so that a user is counted once per day.
WITH spans AS (
    SELECT day, least(day + 7, coalesce(next_day, day + 7)) AS week_end,
           least(day + 30, coalesce(next_day, day + 30)) AS month_end
    FROM (SELECT day, lead(day) OVER (PARTITION BY user_id ORDER BY day) AS next_day
          FROM {{ ref('user_days') }})
),
windows AS (
    SELECT c.day, count(*) FILTER (WHERE c.day < s.week_end) AS wau, count(*) AS mau
    FROM {{ calendar(first_day()) }} c
    JOIN spans s ON s.day <= c.day AND c.day < s.month_end
    GROUP BY c.day
),
daily AS (
    SELECT day, count(*) AS dau,
           count(*) FILTER (WHERE platforms & 1 <> 0) AS dau_web,
           count(*) FILTER (WHERE platforms & 2 <> 0) AS dau_ios,
           count(*) FILTER (WHERE platforms & 4 <> 0) AS dau_android,
           count(*) FILTER (WHERE signup_day = day) AS dau_new,
           count(*) FILTER (WHERE signup_day < day) AS dau_returning
    FROM {{ ref('user_days') }}
    WHERE day BETWEEN {{ first_day() }} AND {{ last_day() }}
    GROUP BY day
)
SELECT c.day AS date, coalesce(d.dau, 0) AS dau, coalesce(w.wau, 0) AS wau,
       coalesce(w.mau, 0) AS mau, coalesce(d.dau, 0) / nullif(coalesce(w.mau, 0), 0) AS stickiness,
       coalesce(d.dau_web, 0) AS dau_web, coalesce(d.dau_ios, 0) AS dau_ios,
       coalesce(d.dau_android, 0) AS dau_android, coalesce(d.dau_new, 0) AS dau_new,
       coalesce(d.dau_returning, 0) AS dau_returning
FROM {{ calendar(first_day()) }} c
LEFT JOIN daily d USING (day) LEFT JOIN windows w USING (day)
