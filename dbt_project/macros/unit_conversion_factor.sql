{#
  Multiplier that converts a value written in `from_unit` into `to_unit`, for the unit pairs that occur in the
  reports (null when the pair is unknown). Only a fallback: the extractor's value_std is preferred; this covers
  range bounds (value_low / value_high), which the fact contract does not convert.
#}
{% macro unit_conversion_factor(from_unit, to_unit) -%}
    case
        when {{ from_unit }} is not distinct from {{ to_unit }} then 1.0
        when {{ from_unit }} = '万亿元' and {{ to_unit }} = '亿元' then 10000.0
        when {{ from_unit }} = '亿元' and {{ to_unit }} = '万亿元' then 0.0001
        when {{ from_unit }} = '万元' and {{ to_unit }} = '亿元' then 0.0001
        when {{ from_unit }} = '万元' and {{ to_unit }} = '元' then 10000.0
        when {{ from_unit }} = '亿人次' and {{ to_unit }} = '万人次' then 10000.0
        when {{ from_unit }} = '亿人' and {{ to_unit }} = '万人' then 10000.0
        when {{ from_unit }} = '万亿斤' and {{ to_unit }} = '亿斤' then 10000.0
        when {{ from_unit }} = '万吨' and {{ to_unit }} = '亿斤' then 0.2
        when {{ from_unit }} = '亿千瓦' and {{ to_unit }} = '万千瓦' then 10000.0
        when {{ from_unit }} = '万家' and {{ to_unit }} = '家' then 10000.0
        when {{ from_unit }} = '万套' and {{ to_unit }} = '套' then 10000.0
        when {{ from_unit }} in ('％', '百分比') and {{ to_unit }} = '%' then 1.0
    end
{%- endmacro %}

{# The units whose "about" tolerance is absolute percentage points rather than relative. #}
{% macro is_percent_unit(unit) -%}
    ({{ unit }} in ('%', '个百分点', '百分点'))
{%- endmacro %}
