{#
  Multiplier that converts a value written in `from_unit` into `to_unit` (null when the units are not of one
  dimension): the ratio of their factors in the units seed, the table the extractor converts with. Only a
  fallback: the extractor's value_std is preferred; this covers range bounds (value_low / value_high), which the
  fact contract does not convert, and corrections that change a unit.
#}
{% macro unit_conversion_factor(from_unit, to_unit) -%}
    case
        when {{ from_unit }} is not distinct from {{ to_unit }} then 1.0
        else (
            -- the seed's columns renamed, so that a column of the calling model (unit) is never shadowed
            select uc_src.uc_factor / uc_dst.uc_factor
            from (select unit as uc_unit, dimension as uc_dimension, factor as uc_factor from {{ ref('units') }}) as uc_src
            join (select unit as uc_unit, dimension as uc_dimension, factor as uc_factor from {{ ref('units') }}) as uc_dst
                on uc_dst.uc_dimension = uc_src.uc_dimension
            where uc_src.uc_unit = {{ from_unit }} and uc_dst.uc_unit = {{ to_unit }}
        )
    end
{%- endmacro %}

{# The units whose "about" tolerance is absolute percentage points rather than relative. #}
{% macro is_percent_unit(unit) -%}
    ({{ unit }} in ('%', '个百分点', '百分点'))
{%- endmacro %}
