{#
  The values of the region × year panel, long: one row per region / indicator_id / kind / measure / year, the
  de-duplicated whole-region value (int_indicator_values) with the region's administrative codes and the
  winning fact's quote and report. `govreport export --wide` pivots it to one row per region and year.
  value is the number, or the midpoint of a range (value_low / value_high keep the bounds).
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
          meta={'publish_rows_by': ['region', 'region_level']}) }}
with indicator_values as (

    select * from {{ ref('int_indicator_values') }}
    where {{ in_pending_regions() }}

),

regions as (

    select region, admin_code, admin_level, parent_code, province_code from {{ ref('dim_region') }}

),

indicators as (

    select indicator_id, name_zh, measure as default_measure, default_unit from {{ ref('dim_indicator') }}

),

final as (

    select
        v.region,
        regions.admin_code,
        v.region_level,
        regions.admin_level,
        regions.parent_code,
        regions.province_code,
        v.period_year                   as year,
        v.indicator_id,
        indicators.name_zh              as indicator_name_zh,
        v.kind,
        v.measure,
        indicators.default_measure      as indicator_default_measure,
        v.value_mid                     as value,
        v.value_low,
        v.value_high,
        v.unit,
        indicators.default_unit         as indicator_default_unit,
        v.qualifier,
        v.is_multi_year,
        v.report_id,
        v.fact_id,
        v.quote,
        v.candidate_count
    from indicator_values as v
    left join regions
        on regions.region = v.region
    left join indicators
        on indicators.indicator_id = v.indicator_id

)

select * from final
