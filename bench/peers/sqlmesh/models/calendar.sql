MODEL (name peers.calendar, kind FULL);

-- One row per day, from the day before the first to the last day.
SELECT CAST(range AS DATE) AS day FROM range(@day_before(), @last_day() + 1, INTERVAL 1 DAY);
