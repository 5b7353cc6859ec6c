SELECT day AS date, user_id, count(*) AS orders, sum(revenue) AS revenue, sum(cost) AS cost,
       sum(revenue - cost) AS profit
FROM {{ ref('day_orders') }}
WHERE day BETWEEN {{ first_day() }} AND {{ last_day() }}
GROUP BY day, user_id
