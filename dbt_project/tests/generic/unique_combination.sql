{#
  Fails for every combination of `combination_of_columns` that occurs more than once
  (our own stand-in for dbt_utils.unique_combination_of_columns; no hub packages here).
  Usage (model level):
    data_tests:
      - unique_combination:
          arguments:
            combination_of_columns: [region, indicator_id, measure, year]
#}
{% test unique_combination(model, combination_of_columns) %}

{%- set cols = combination_of_columns | join(', ') -%}

select
    {{ cols }},
    count(*) as n_rows
from {{ model }}
group by {{ cols }}
having count(*) > 1

{% endtest %}
