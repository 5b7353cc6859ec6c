-- active_user_day_parts (state of active_user_days): the active user-days of each events
-- partition, kept in the lake so a daily run reads its own day's events only. One row per
-- partition (`date`), user and reporting day (`day`: a late event, or a reporting zone other
-- than UTC, gives a row on another day than its partition's), with the platforms as a bit
-- mask (web 1, ios 2, android 4). Relations: events (the partitions to build, with the
-- partition day as `_partition`). No parameters: a partition's rows depend on its files only.
SELECT
    _partition AS date,
    user_id,
    reporting_day(event_at) AS day,
    bit_or(CASE platform WHEN 'web' THEN 1 WHEN 'ios' THEN 2 WHEN 'android' THEN 4 END)
        AS platforms
FROM events
WHERE active_event(event_type)
GROUP BY _partition, user_id, reporting_day(event_at)
