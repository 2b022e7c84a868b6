{#-
  One settable field of a correction, as two columns: set_<name> (the cell was filled) and <name> (its typed
  value; the cell NULL clears the field). An empty cell leaves the extractor's value as it is.
-#}
{% macro correction_field(name, type) -%}
    (nullif(trim({{ name }}), '') is not null)                                         as set_{{ name }},
    case when trim({{ name }}) = 'NULL' then null
         else try_cast(nullif(trim({{ name }}), '') as {{ type }}) end                   as {{ name }}
{%- endmacro %}

{#- The corrected value of a field: the correction's when it sets one, else the extractor's. -#}
{% macro corrected(name, correction='c', fact='f') -%}
    case when coalesce({{ correction }}.set_{{ name }}, false) then {{ correction }}.{{ name }}
         else {{ fact }}.{{ name }} end
{%- endmacro %}
