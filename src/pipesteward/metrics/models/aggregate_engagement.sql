-- aggregate_engagement (daily): DAU, WAU (distinct active users in [d-6, d]), MAU ([d-29, d]),
-- stickiness, DAU per platform (a user active on several platforms counts once in each), and
-- DAU split into users who signed up on the day and before it. Every day of the range has a row.
-- Relations: qualifying_users, active_user_days (shared). Parameters: $start, $end (dates).
WITH user_days AS (
    -- the qualifying users' active days, with their signup day
    SELECT a.user_id, a.date, q.signup_day, a.platforms
    FROM active_user_days AS a
    JOIN qualifying_users AS q ON q.user_id = a.user_id
),
-- WAU and MAU set-based, without joining every day to its 30-day window: a user who was last
-- active on day a (before their next active day n) is counted on the days
-- [a, least(n, a + 7)) for WAU and [a, least(n, a + 30)) for MAU. These stretches are disjoint
-- per user, so +1 where one starts and -1 where it ends, summed up to d, counts each user once.
stretches AS (
    SELECT date, lead(date) OVER (PARTITION BY user_id ORDER BY date) AS next_date
    FROM user_days
),
deltas AS (
    SELECT date, 1 AS dw, 1 AS dm FROM stretches
    UNION ALL
    SELECT least(coalesce(next_date, CAST(date + INTERVAL 7 DAY AS DATE)),
                 CAST(date + INTERVAL 7 DAY AS DATE)), -1, 0
    FROM stretches
    UNION ALL
    SELECT least(coalesce(next_date, CAST(date + INTERVAL 30 DAY AS DATE)),
                 CAST(date + INTERVAL 30 DAY AS DATE)), 0, -1
    FROM stretches
),
days AS (
    SELECT CAST(d AS DATE) AS date
    FROM unnest(generate_series(
        CAST($start - INTERVAL 29 DAY AS DATE), CAST($end AS DATE), INTERVAL 1 DAY)) AS t(d)
),
windows AS (
    SELECT
        days.date,
        sum(coalesce(x.dw, 0)) OVER (ORDER BY days.date) AS wau,
        sum(coalesce(x.dm, 0)) OVER (ORDER BY days.date) AS mau
    FROM days
    LEFT JOIN (SELECT date, sum(dw) AS dw, sum(dm) AS dm FROM deltas GROUP BY date) AS x
        ON x.date = days.date
),
dau AS (
    SELECT
        date,
        count(*) AS dau,
        count(*) FILTER (WHERE signup_day = date) AS dau_new,
        count(*) FILTER (WHERE signup_day < date) AS dau_returning,
        count(*) FILTER (WHERE platforms & 1 <> 0) AS dau_web,
        count(*) FILTER (WHERE platforms & 2 <> 0) AS dau_ios,
        count(*) FILTER (WHERE platforms & 4 <> 0) AS dau_android
    FROM user_days
    GROUP BY date
)
SELECT
    w.date,
    CAST(coalesce(d.dau, 0) AS BIGINT) AS dau,
    CAST(w.wau AS BIGINT) AS wau,
    CAST(w.mau AS BIGINT) AS mau,
    CAST(coalesce(d.dau, 0) AS DOUBLE) / nullif(CAST(w.mau AS DOUBLE), 0) AS stickiness,
    CAST(coalesce(d.dau_web, 0) AS BIGINT) AS dau_web,
    CAST(coalesce(d.dau_ios, 0) AS BIGINT) AS dau_ios,
    CAST(coalesce(d.dau_android, 0) AS BIGINT) AS dau_android,
    CAST(coalesce(d.dau_new, 0) AS BIGINT) AS dau_new,
    CAST(coalesce(d.dau_returning, 0) AS BIGINT) AS dau_returning
FROM windows AS w
LEFT JOIN dau AS d ON d.date = w.date
WHERE w.date BETWEEN $start AND $end
ORDER BY w.date
