{#
  Plausibility: fails for every row in a percent unit whose value, value_low or value_high lies outside the
  bounds of its measure, or that has neither value nor value_low. Measures without bounds are not checked.
  Usage (model level):
    data_tests:
      - values_within_bounds:
          arguments:
            bounds: {growth_rate: [-60, 200], share: [0, 100]}
            units: ['%', '％']
#}
{% test values_within_bounds(model, bounds, units=['%', '％']) %}

with bounds (measure, low, high) as (

    values
    {%- for measure, range in bounds.items() %}
        ('{{ measure }}', {{ range[0] }}, {{ range[1] }}){{ "," if not loop.last }}
    {%- endfor %}

),

facts as (

    select f.fact_id, f.report_id, f.indicator_id, f.measure, f.unit, f.value, f.value_low, f.value_high,
           b.low, b.high
    from {{ model }} as f
    inner join bounds as b
        on b.measure = f.measure
    where f.unit in ({% for u in units %}'{{ u }}'{{ "," if not loop.last }}{% endfor %})

),

checked as (

    select
        *,
        case
            when value is null and value_low is null then 'no value'
            when value not between low and high then 'value ' || value || unit
            when value_low not between low and high then 'value_low ' || value_low || unit
            when value_high not between low and high then 'value_high ' || value_high || unit
        end as out_of_range
    from facts

)

select
    *,
    case
        when out_of_range = 'no value' then 'a ' || measure || ' fact in ' || unit || ' without a value'
        else out_of_range || ' is outside the plausible range [' || low || ', ' || high || '] of ' || measure
    end as problem
from checked
where out_of_range is not null

{% endtest %}
