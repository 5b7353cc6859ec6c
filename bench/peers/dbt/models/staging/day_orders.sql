{{ config(materialized='ephemeral') }}
-- Completed orders of qualifying users, from the day before the first to the last day; an
-- order loaded more than once counts as its latest load.
WITH latest AS (
    SELECT * FROM {{ source('lake', 'orders') }}
    WHERE date BETWEEN {{ day_before() }} AND {{ last_day() }}
    QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY loaded_at DESC) = 1
)
SELECT CAST(o.ordered_at AS DATE) AS day, o.user_id, o.revenue,
       o.cost_of_goods + o.shipping_cost + o.payment_fee + o.refunded_amount AS cost
FROM latest o
JOIN {{ ref('qualifying_users') }} USING (user_id)
WHERE o.status = 'completed'
  AND CAST(o.ordered_at AS DATE) BETWEEN {{ day_before() }} AND {{ last_day() }}
