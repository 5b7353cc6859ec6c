-- active_user_days (shared): each user's active days once, from 29 days before $start (the MAU
-- window) to $end, with the platforms they were active on as a bit mask (web 1, ios 2,
-- android 4). Any user's: the models keep the qualifying ones. daily_growth (active users) and
-- aggregate_engagement (DAU, WAU, MAU) both read it.
-- Relations: active_user_day_parts (the state of the events partitions from $start - 29 days:
-- a user-day may come from two partitions, so the platforms are combined again).
-- Parameters: $start, $end (dates).
SELECT
    user_id,
    day AS date,
    bit_or(platforms) AS platforms
FROM active_user_day_parts
WHERE day BETWEEN CAST($start - INTERVAL 29 DAY AS DATE) AND CAST($end AS DATE)
GROUP BY user_id, day
