{#
  Target set in report Y for year Y beside the actual reported (normally in report Y+1), with gap and met.
  One row per region / indicator_id / measure / year that has a one-year target (kind = target; multi-year
  measures excluded). Met rules, tolerance and gap: models/_docs.md, block met_rule.
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
          meta={'publish_rows_by': ['region', 'region_level']}) }}
with indicator_values as (

    select * from {{ ref('int_indicator_values') }}
    where not is_multi_year
      and {{ in_pending_regions() }}

),

targets as (

    select * from indicator_values where kind = 'target'

),

actuals as (

    select * from indicator_values where kind = 'actual'

),

directions as (

    select indicator_id, direction from {{ ref('indicator_direction') }}

),

joined as (

    select
        t.region,
        t.region_level,
        t.indicator_id,
        t.measure,
        t.period_year                                   as year,
        t.unit,
        coalesce(d.direction, 'higher')                 as direction,
        t.value                                         as target_value,
        t.value_low                                     as target_value_low,
        t.value_high                                    as target_value_high,
        t.qualifier                                     as target_qualifier,
        t.report_id                                     as target_report_id,
        t.report_year                                   as target_report_year,
        t.candidate_count                               as target_candidates,
        a.value_mid                                     as actual_value,
        a.qualifier                                     as actual_qualifier,
        a.report_id                                     as actual_report_id,
        a.report_year                                   as actual_report_year,
        a.candidate_count                               as actual_candidates,
        a.unit                                          as actual_unit
    from targets as t
    left join actuals as a
        on  a.region = t.region
        and a.region_level = t.region_level
        and a.indicator_id = t.indicator_id
        and a.measure = t.measure
        and a.period_year = t.period_year
    left join directions as d
        on d.indicator_id = t.indicator_id

),

ruled as (

    select
        *,
        case
            when target_qualifier in ('at_least', 'over') then 'at_least'
            when target_qualifier = 'at_most' then 'at_most'
            when target_qualifier = 'range' and direction = 'lower' then 'range_high'
            when target_qualifier = 'range' then 'range_low'
            when target_qualifier = 'about' and direction = 'higher' then 'about_higher'
            when target_qualifier = 'about' and direction = 'lower' then 'about_lower'
            when target_qualifier = 'about' then 'about_band'
            when direction = 'higher' then 'reach_higher'
            when direction = 'lower' then 'reach_lower'
            else 'exact_band'
        end as met_rule,
        case
            when target_qualifier in ('at_least', 'over')
                then coalesce(target_value, target_value_low, target_value_high)
            when target_qualifier = 'at_most'
                then coalesce(target_value, target_value_high, target_value_low)
            when target_qualifier = 'range' and direction = 'lower'
                then coalesce(target_value_high, target_value, target_value_low)
            when target_qualifier = 'range'
                then coalesce(target_value_low, target_value, target_value_high)
            else coalesce(target_value, (target_value_low + target_value_high) / 2, target_value_low, target_value_high)
        end as compared_target,
        actual_unit is not null and actual_unit is distinct from unit as unit_mismatch
    from joined

),

measured as (

    select
        *,
        round(actual_value - compared_target, 6) as gap,
        round(
            case
                when {{ is_percent_unit('unit') }} then {{ var('about_tolerance_pp', 0.5) }}
                else {{ var('about_tolerance_rel', 0.05) }} * abs(compared_target)
            end, 6
        ) as tolerance
    from ruled

),

judged as (

    select
        *,
        case
            when actual_value is null or compared_target is null or unit_mismatch then null
            when met_rule in ('at_least', 'range_low', 'reach_higher') then gap >= 0
            when met_rule in ('at_most', 'range_high', 'reach_lower') then gap <= 0
            when met_rule = 'about_higher' then gap >= -tolerance
            when met_rule = 'about_lower' then gap <= tolerance
            else abs(gap) <= tolerance  -- about_band, exact_band
        end as met
    from measured

),

final as (

    select
        region,
        region_level,
        indicator_id,
        measure,
        year,
        unit,
        direction,
        direction = 'lower'                             as lower_is_better,
        target_value,
        target_value_low,
        target_value_high,
        target_qualifier,
        target_report_id,
        target_report_year,
        target_candidates,
        actual_value,
        actual_qualifier,
        actual_report_id,
        actual_report_year,
        actual_candidates,
        compared_target,
        case when not unit_mismatch then gap end        as gap,
        case when met_rule like 'about%' or met_rule like '%band' then tolerance end as tolerance,
        met,
        met_rule,
        case
            when target_qualifier = 'about' and gap is not null and not unit_mismatch
                then abs(gap) <= tolerance
        end                                             as within_tolerance,
        case
            when actual_value is null then 'no_actual_yet'
            when met is null then 'not_comparable'
            when met then 'met'
            else 'not_met'
        end                                             as status
    from judged

)

select * from final
