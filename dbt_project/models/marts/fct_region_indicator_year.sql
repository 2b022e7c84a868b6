{#
  The cross-year panel: one row per region / indicator_id / measure / year, with the de-duplicated actual,
  target and multi-year plan target for that year side by side (all in the standard unit).
#}
with indicator_values as (

    select * from {{ ref('int_indicator_values') }}

),

indicators as (

    select indicator_id, name_zh from {{ ref('dim_indicator') }}

),

pivoted as (

    select
        region,
        region_level,
        indicator_id,
        measure,
        period_year                                                     as year,
        bool_or(is_multi_year)                                          as is_multi_year,

        max(case when kind = 'actual' then value_mid end)               as actual_value,
        max(case when kind = 'actual' then qualifier end)               as actual_qualifier,
        max(case when kind = 'actual' then report_id end)               as actual_report_id,
        max(case when kind = 'actual' then candidate_count end)         as actual_candidates,
        max(case when kind = 'actual' then unit end)                    as actual_unit,

        max(case when kind = 'target' then value end)                   as target_value,
        max(case when kind = 'target' then value_low end)               as target_value_low,
        max(case when kind = 'target' then value_high end)              as target_value_high,
        max(case when kind = 'target' then qualifier end)               as target_qualifier,
        max(case when kind = 'target' then report_id end)               as target_report_id,
        max(case when kind = 'target' then candidate_count end)         as target_candidates,
        max(case when kind = 'target' then unit end)                    as target_unit,

        max(case when kind = 'plan_target' then value end)              as plan_target_value,
        max(case when kind = 'plan_target' then value_low end)          as plan_target_value_low,
        max(case when kind = 'plan_target' then value_high end)         as plan_target_value_high,
        max(case when kind = 'plan_target' then qualifier end)          as plan_target_qualifier,
        max(case when kind = 'plan_target' then report_id end)          as plan_target_report_id,
        max(case when kind = 'plan_target' then unit end)               as plan_target_unit
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
