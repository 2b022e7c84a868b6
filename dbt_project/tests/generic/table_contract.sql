{#
  The contract of one model or seed in a single test: columns that must not be null, the values a
  column may hold, row expressions that must hold, and the keys that must be unique. One failing row
  per broken rule and row (per duplicated key), with `problem` naming the rule and the columns and
  `failing` the row (or the duplicated key and its count) as JSON.

  Why one test and not one per rule: a one-report build paid dbt's and Dagster's cost per test node
  (dbt compiles, runs and reports each node; Dagster stores three events per asset check) for 71 tests;
  folding the row rules and keys of each table into one brought that to 33 (docs/scaling.md).

  Semantics are those of the tests it replaces: a null passes `accepted_values` (as in dbt's
  accepted_values) and an expression that is null passes (as in dbt_utils' expression_is_true); a
  one-column key ignores nulls (dbt's `unique`), a key of several columns counts null as a value
  (dbt_utils' unique_combination_of_columns).

  Usage (model or seed level):
    data_tests:
      - table_contract:
          name: dim_region_contract
          arguments:
            not_null: [region, region_level]
            accepted_values:
              region_level: [national, province, city, county]
            expressions: ["admin_code is null or parent_code is not null"]
            unique: [[region]]
#}
{% test table_contract(model, not_null=[], accepted_values={}, expressions=[], unique=[]) %}
{%- set parts = [] -%}

{%- if not_null -%}
{%- set null_columns -%}
concat_ws(', ', {% for column in not_null %}case when {{ column }} is null then '{{ column }}' end{{ ", " if not loop.last }}{% endfor %})
{%- endset -%}
{%- do parts.append(
    "select 'null: ' || " ~ null_columns ~ " as problem, to_json(checked) as failing from " ~ model ~ " as checked where "
    ~ (not_null | map('string') | join(' is null or ')) ~ " is null"
) -%}
{%- endif -%}

{%- if accepted_values -%}
{%- set unexpected -%}
concat_ws(', ', {% for column, accepted in accepted_values.items() -%}
    case when {{ column }} is not null and cast({{ column }} as varchar) not in (
        {%- for value in accepted %}'{{ value }}'{{ ", " if not loop.last }}{% endfor -%}
    ) then '{{ column }}' end{{ ", " if not loop.last }}
{%- endfor %})
{%- endset -%}
{%- do parts.append(
    "select 'unexpected value: ' || unexpected as problem, failing from (select " ~ unexpected
    ~ " as unexpected, to_json(checked) as failing from " ~ model ~ " as checked) where unexpected <> ''"
) -%}
{%- endif -%}

{%- for expression in expressions -%}
{%- do parts.append(
    "select 'expression false: ' || " ~ ("'" ~ expression | replace("'", "''") ~ "'") ~ " as problem, to_json(checked) as failing from "
    ~ model ~ " as checked where not (" ~ expression ~ ")"
) -%}
{%- endfor -%}

{%- for key in unique -%}
{%- set columns = key | join(', ') -%}
{%- do parts.append(
    "select 'duplicate key: " ~ columns ~ "' as problem, to_json(duplicated) as failing from (select " ~ columns
    ~ ", count(*) as n_rows from " ~ model ~ (" where " ~ key[0] ~ " is not null" if key | length == 1 else "")
    ~ " group by " ~ columns ~ " having count(*) > 1) as duplicated"
) -%}
{%- endfor -%}

{%- if not parts -%}
{{ exceptions.raise_compiler_error("table_contract on " ~ model ~ " states no rule") }}
{%- endif -%}

{{ parts | join('\nunion all\n') }}

{% endtest %}
