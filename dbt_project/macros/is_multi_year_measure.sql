{#- True for measures that describe a span of years (五年年均, 累计), never one year's result. -#}
{% macro is_multi_year_measure(column) -%}
    {{ column }} in ('avg_growth_rate', 'cumulative_growth_rate', 'cumulative_level')
{%- endmacro %}
