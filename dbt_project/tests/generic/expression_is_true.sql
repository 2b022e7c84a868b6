{#
  Fails for every row where `expression` is false (null counts as passing, as in dbt_utils).
  Usage (model level):
    data_tests:
      - expression_is_true:
          arguments:
            expression: "value_low_std <= value_high_std"
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
