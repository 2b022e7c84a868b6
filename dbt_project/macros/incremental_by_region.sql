{#
  Marts incremental by region. A region's marts depend only on that region's reports, so when a load adds,
  changes or removes reports, only their regions need rebuilding. The loader records those regions in
  raw.pending_regions (same transaction as the load); an incremental build deletes the pending regions' rows
  (pre-hook delete_pending_regions) and appends them again from the upstream rows of those regions only
  (filter in_pending_regions). A full build (first build, --full-refresh: the pipeline passes it when the
  project or the corrections changed, and on forced runs) renders the filter as `true` and deletes nothing.
  The pipeline empties raw.pending_regions after a complete build.
  The source is read only in incremental builds, so dbt does not count it among a model's inputs: the unit
  tests (never incremental) need no rows for it, and the journal does not show in the asset graph as an input.
  Usage:
    {{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
              meta={'publish_rows_by': ['region', 'region_level']}) }}
    ... where {{ in_pending_regions() }}
  meta.publish_rows_by tells the publish (pipelines/warehouse/publish.py, SnapshotDelta) that the published
  snapshot can be updated the same way: the rows of every group (equal on those columns) holding a row of a
  region changed since the last publish are replaced, the rest of the snapshot's table is kept.
#}
{% macro in_pending_regions(region='region', region_level='region_level') -%}
    {%- if is_incremental() -%}
        ({{ region }}, {{ region_level }}) in (select region, region_level from {{ source('raw', 'pending_regions') }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro delete_pending_regions() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_pending_regions() }}
    {%- endif -%}
{%- endmacro %}

{#
  fct_cross_region ranks regions against each other, so a changed region changes the ranks of every region in
  its comparison groups (indicator_id, measure, kind, year, region_level, unit). Its incremental build deletes
  every group a pending region is in, before or after the load (pre-hook delete_pending_comparisons), and
  rebuilds the groups the mart then lacks. Its meta.publish_rows_by names the same columns as comparison_key.
#}
{% macro comparison_key(year='year') -%}
    concat_ws(chr(31), indicator_id, measure, kind, {{ year }}, region_level, coalesce(unit, chr(0)))
{%- endmacro %}

{% macro delete_pending_comparisons() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ comparison_key() }} in (
            select {{ comparison_key() }} from {{ this }} where {{ in_pending_regions() }}
            union
            select {{ comparison_key('period_year') }} from {{ ref('int_indicator_values') }}
            where {{ in_pending_regions() }}
        )
    {%- endif -%}
{%- endmacro %}

{#
  fct_target_escalation compares a region's target with its parent's, its children's and the nation's in the same
  target group (indicator_id, measure, year). A pending region changes the groups it has or had a row in: by name
  (any level: a region's rows take their level from dim_region) or by division code (a division known only from
  its children's targets is named from region_codes until a report of it names it), and the groups of its targets
  now. The pre-hook deletes all of them; the model rebuilds the groups the mart then lacks.
#}
{% macro delete_pending_target_groups() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as t
        where exists (
            select 1 from (
                select indicator_id, measure, year from {{ this }}
                where region in (select region from {{ source('raw', 'pending_regions') }})
                   or admin_code in (
                       select admin_code from {{ ref('dim_region') }}
                       where region in (select region from {{ source('raw', 'pending_regions') }})
                       union
                       select admin_code from {{ this }}
                       where region in (select region from {{ source('raw', 'pending_regions') }})
                   )
                union
                select indicator_id, measure, period_year from {{ ref('int_indicator_values') }}
                where region in (select region from {{ source('raw', 'pending_regions') }})
                  and kind = 'target' and not is_multi_year and value_mid is not null
            ) as g
            where g.indicator_id = t.indicator_id and g.measure is not distinct from t.measure and g.year = t.year
        )
    {%- endif -%}
{%- endmacro %}
