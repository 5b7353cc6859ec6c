{#- After the models: write the rows of the run's days to <out>/<model>/date=YYYY-MM-DD/
    (aggregate_growth: month=YYYY-MM/) as Parquet. A full refresh replaces the whole folder; a
    daily run rewrites only its own partitions (one file each, same name). -#}
{% macro export_outputs() %}
  {% if execute and var('out', none) %}
    {% set outputs = [('unit_profit', 'date'), ('aggregate_profit', 'date'),
                      ('daily_growth', 'date'), ('aggregate_growth', 'month'),
                      ('aggregate_engagement', 'date')] %}
    {% for model, key in outputs %}
      {% if key == 'month' %}
        {% set lo, hi = "'" ~ var('start')[:7] ~ "'", "'" ~ var('end')[:7] ~ "'" %}
      {% else %}
        {% set lo, hi = first_day(), last_day() %}
      {% endif %}
      {% set mode = 'OVERWRITE' if flags.FULL_REFRESH else 'OVERWRITE_OR_IGNORE' %}
      {% do run_query(
        "COPY (SELECT * FROM " ~ target.schema ~ "." ~ model ~ " WHERE " ~ key ~ " BETWEEN "
        ~ lo ~ " AND " ~ hi ~ " ORDER BY ALL) TO '" ~ var('out') ~ "/" ~ model
        ~ "' (FORMAT parquet, PARTITION_BY (" ~ key ~ "), " ~ mode ~ " true, "
        ~ "FILENAME_PATTERN 'part_{i}')") %}
    {% endfor %}
  {% endif %}
{% endmacro %}
