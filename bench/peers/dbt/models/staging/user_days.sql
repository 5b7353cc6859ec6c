{{ config(materialized='ephemeral') }}
-- One row per qualifying user and active day of the engagement window (up to the last day).
SELECT a.user_id, a.day, bit_or(a.platforms) AS platforms, any_value(u.signup_day) AS signup_day
FROM {{ ref('active_user_days') }} a
JOIN {{ ref('qualifying_users') }} u USING (user_id)
WHERE a.day BETWEEN {{ window_start() }} AND {{ last_day() }}
GROUP BY a.user_id, a.day
