-- qualifying_users (shared): every qualifying user once, with the reporting day they signed up.
-- Relations: users (all signups up to $end). Parameters: $start, $end (dates).
-- A user delivered more than once counts as their latest load: de-duplicate first, then filter,
-- so a user re-delivered as a test user no longer counts through an earlier load. Two loads
-- with the same loaded_at: the one that counts less wins (a test user), then the earlier signup,
-- so every engine picks the same row.
SELECT user_id, signup_day
FROM (
    SELECT user_id, reporting_day(signup_at) AS signup_day, is_test
    FROM users
    QUALIFY row_number() OVER (
        PARTITION BY user_id ORDER BY loaded_at DESC, is_test DESC NULLS FIRST, signup_at
    ) = 1
) AS latest_users
WHERE qualifying_user(is_test)
