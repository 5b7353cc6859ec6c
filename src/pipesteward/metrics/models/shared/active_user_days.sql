-- active_user_days (shared): each user's active days once, from 29 days before $start (the MAU
-- window) to $end, with the platforms they were active on as a bit mask (web 1, ios 2,
-- android 4). Any user's: the models keep the qualifying ones. The one pass over the events:
-- daily_growth (active users) and aggregate_engagement (DAU, WAU, MAU) both read it.
-- Relations: events (from $start - 29 days). Parameters: $start, $end (dates).
SELECT
    user_id,
    reporting_day(event_at) AS date,
    bit_or(CASE platform WHEN 'web' THEN 1 WHEN 'ios' THEN 2 WHEN 'android' THEN 4 END)
        AS platforms
FROM events
WHERE active_event(event_type)
  AND reporting_day(event_at)
      BETWEEN CAST($start - INTERVAL 29 DAY AS DATE) AND CAST($end AS DATE)
GROUP BY user_id, reporting_day(event_at)
