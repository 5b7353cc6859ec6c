{# The run's days as DuckDB DATE literals. #}
{% macro first_day() %}DATE '{{ var("start") }}'{% endmacro %}
{% macro last_day() %}DATE '{{ var("end") }}'{% endmacro %}
{# The day before the first: the day-over-day rates need it. #}
{% macro day_before() %}(DATE '{{ var("start") }}' - 1){% endmacro %}
{# The first day of the 30-day engagement window of the first day. #}
{% macro window_start() %}(DATE '{{ var("start") }}' - 29){% endmacro %}
{# A calendar of one row per day, from `lo` to the last day. #}
{% macro calendar(lo) %}
  (SELECT CAST(range AS DATE) AS day FROM range({{ lo }}, {{ last_day() }} + 1, INTERVAL 1 DAY))
{% endmacro %}
