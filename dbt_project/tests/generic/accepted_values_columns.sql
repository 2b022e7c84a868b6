{#
  Fails for every row where one of the columns holds a value outside its list (null passes, as in
  dbt's accepted_values); `unexpected_columns` names which. One query per model in place of one
  accepted_values test per column (dbt's cost per test node: docs/scaling.md, "One new report").
  Usage (model or seed level):
    data_tests:
      - accepted_values_columns:
          arguments:
            values:
              region_level: [national, province, city, county]
              kind: [actual, target, plan_target]
#}
{% test accepted_values_columns(model, values) %}

select *
from (
    select
        concat_ws(', ', {% for column, accepted in values.items() -%}
            case when {{ column }} is not null and cast({{ column }} as varchar) not in (
                {%- for value in accepted %}'{{ value }}'{{ ", " if not loop.last }}{% endfor -%}
            ) then '{{ column }}' end{{ ", " if not loop.last }}
        {%- endfor %}) as unexpected_columns,
        *
    from {{ model }}
) checked
where unexpected_columns <> ''

{% endtest %}
