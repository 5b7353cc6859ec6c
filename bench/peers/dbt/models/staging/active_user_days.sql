-- Active events grouped by source partition, user and day, with the platforms seen as a bit
-- mask (web 1, ios 2, android 4). Incremental by source partition: a daily run reads only its
-- own day's events; a full refresh reads the 30-day window before the first day too.
SELECT date, user_id, CAST(event_at AS DATE) AS day,
       bit_or(CASE platform WHEN 'web' THEN 1 WHEN 'ios' THEN 2 WHEN 'android' THEN 4
              ELSE 0 END) AS platforms
FROM {{ source('lake', 'events') }}
{% if is_incremental() %}
WHERE date BETWEEN {{ first_day() }} AND {{ last_day() }}
{% else %}
WHERE date BETWEEN {{ window_start() }} AND {{ last_day() }}
{% endif %}
  AND event_type IN ('session_start', 'page_view', 'purchase')
  AND CAST(event_at AS DATE) BETWEEN {{ window_start() }} AND {{ last_day() }}
GROUP BY ALL
