{{ config(materialized='table') }}
-- Qualifying users signed up by the last day: not test users, each user's latest load.
SELECT user_id, CAST(signup_at AS DATE) AS signup_day
FROM {{ source('lake', 'users') }}
WHERE date <= {{ last_day() }}
QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY loaded_at DESC) = 1
    AND NOT is_test AND CAST(signup_at AS DATE) <= {{ last_day() }}
