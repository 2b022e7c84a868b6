{#
  Fails for every row where one of `columns` is null; `null_columns` names which of them are.
  One query per model in place of one not_null test per column: a one-report build paid dbt's
  cost per test node 75 times for these checks (docs/scaling.md, "One new report").
  Usage (model or seed level):
    data_tests:
      - not_null_columns:
          arguments:
            columns: [report_id, region, report_year]
#}
{% test not_null_columns(model, columns) %}

select
    concat_ws(', ', {% for column in columns %}case when {{ column }} is null then '{{ column }}' end{{ ", " if not loop.last }}{% endfor %}) as null_columns,
    *
from {{ model }}
where {% for column in columns %}{{ column }} is null{{ " or " if not loop.last }}{% endfor %}

{% endtest %}
