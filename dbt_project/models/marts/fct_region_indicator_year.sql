{#
  The cross-year panel: one row per region / indicator_id / measure / year, with the de-duplicated actual,
  target and multi-year plan target for that year side by side (all in the standard unit).
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
          meta={'publish_rows_by': ['region', 'region_level']}) }}
with indicator_values as (

    select * from {{ ref('int_indicator_values') }}
    where {{ in_pending_regions() }}

),

indicators as (

    select indicator_id, name_zh from {{ ref('dim_indicator') }}

),

pivoted as (

    -- one row per cell, the three kinds side by side (FILTER: each aggregate sees only its kind's row)

    select
        region,
        region_level,
        indicator_id,
        measure,
        period_year                                                     as year,
        bool_or(is_multi_year)                                          as is_multi_year,

        max(value_mid) filter (where kind = 'actual')                   as actual_value,
        max(qualifier) filter (where kind = 'actual')                   as actual_qualifier,
        max(report_id) filter (where kind = 'actual')                   as actual_report_id,
        max(candidate_count) filter (where kind = 'actual')             as actual_candidates,
        max(unit) filter (where kind = 'actual')                        as actual_unit,

        max(value) filter (where kind = 'target')                       as target_value,
        max(value_low) filter (where kind = 'target')                   as target_value_low,
        max(value_high) filter (where kind = 'target')                  as target_value_high,
        max(qualifier) filter (where kind = 'target')                   as target_qualifier,
        max(report_id) filter (where kind = 'target')                   as target_report_id,
        max(candidate_count) filter (where kind = 'target')             as target_candidates,
        max(unit) filter (where kind = 'target')                        as target_unit,

        max(value) filter (where kind = 'plan_target')                  as plan_target_value,
        max(value_low) filter (where kind = 'plan_target')              as plan_target_value_low,
        max(value_high) filter (where kind = 'plan_target')             as plan_target_value_high,
        max(qualifier) filter (where kind = 'plan_target')              as plan_target_qualifier,
        max(report_id) filter (where kind = 'plan_target')              as plan_target_report_id,
        max(unit) filter (where kind = 'plan_target')                   as plan_target_unit
    from indicator_values
    group by all

),

final as (

    select
        pivoted.region,
        pivoted.region_level,
        pivoted.indicator_id,
        indicators.name_zh                                              as indicator_name_zh,
        pivoted.measure,
        pivoted.year,
        pivoted.is_multi_year,
        coalesce(pivoted.actual_unit, pivoted.target_unit, pivoted.plan_target_unit) as unit,
        (pivoted.actual_unit is not null and pivoted.target_unit is not null
            and pivoted.actual_unit <> pivoted.target_unit)             as unit_mismatch,
        pivoted.actual_value,
        pivoted.actual_qualifier,
        pivoted.actual_report_id,
        pivoted.actual_candidates,
        pivoted.target_value,
        pivoted.target_value_low,
        pivoted.target_value_high,
        pivoted.target_qualifier,
        pivoted.target_report_id,
        pivoted.target_candidates,
        pivoted.plan_target_value,
        pivoted.plan_target_value_low,
        pivoted.plan_target_value_high,
        pivoted.plan_target_qualifier,
        pivoted.plan_target_report_id
    from pivoted
    left join indicators
        on indicators.indicator_id = pivoted.indicator_id

)

select * from final
