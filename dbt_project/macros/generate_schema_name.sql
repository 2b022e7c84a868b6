{#
  The schema of a model is exactly its configured `+schema` (staging, intermediate), not dbt's default
  `<target schema>_<custom schema>` (main_staging); models without one (marts, seeds) go to the target schema,
  `main`, which is the schema the published snapshot holds and BI tools open by default.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
