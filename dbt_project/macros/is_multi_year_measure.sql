{#- True for measures that describe a span of years (五年年均, 累计), never one year's result: the measures seed's is_multi_year. -#}
{% macro is_multi_year_measure(column) -%}
    {{ column }} in (select my.measure as multi_year_measure from {{ ref('measures') }} as my where my.is_multi_year)
{%- endmacro %}
