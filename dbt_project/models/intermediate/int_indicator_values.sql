{#
  One value per region / region_level / indicator_id / measure / kind / period_year, chosen from all extracted
  facts by the documented rule (models/_docs.md, block dedup_rule). Multi-year measures (avg_growth_rate,
  cumulative_*) stay as their own measure rows, flagged is_multi_year, so they never pose as one year's value.
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}") }}
with facts as (

    select * from {{ ref('int_facts_corrected') }}  -- corrections applied
    where period_year is not null
      and subject is null  -- a part of the region (a city, a zone, a sub-sector) is not the region
      and {{ in_pending_regions() }}

),

standardised as (

    select
        facts.*,
        coalesce(unit_std, unit) as std_unit,
        coalesce(
            {{ unit_conversion_factor('unit', 'coalesce(unit_std, unit)') }},
            case when value is not null and value <> 0 and value_std is not null then value_std / value end
        ) as std_factor
    from facts

),

valued as (

    select
        *,
        coalesce(value_std, value * std_factor)    as v_std,
        value_low * std_factor                     as v_low_std,
        value_high * std_factor                    as v_high_std,
        case kind
            when 'actual' then period_year + 1
            when 'target' then period_year
        end                                        as expected_report_year,
        case qualifier
            when 'exact' then 1
            when 'about' then 2
            when 'at_least' then 3
            when 'at_most' then 3
            when 'over' then 3
            when 'range' then 3
            when 'strive' then 4
            when 'expected' then 5
            else 6
        end                                        as qualifier_rank
    from standardised

),

ranked as (

    -- one named window per cell: the candidates' rank, their number and how many distinct values they carry
    select
        *,
        count(*) over cell                          as candidate_count,
        count(distinct round(v_std, 6)) over cell   as distinct_value_count
    from valued
    window cell as (partition by region, region_level, indicator_id, measure, kind, period_year)
    qualify row_number() over (
        cell
        order by
            (v_std is not null or v_low_std is not null or v_high_std is not null) desc,
            coalesce(is_headline, false) desc,
            coalesce(abs(report_year - expected_report_year), 0) asc,
            case when kind = 'plan_target' then report_year else -report_year end asc,
            qualifier_rank asc,
            char_start asc,
            fact_id asc
    ) = 1

),

final as (

    select
        region,
        region_level,
        indicator_id,
        measure,
        kind,
        period_year,
        v_std                                                            as value,
        v_low_std                                                        as value_low,
        v_high_std                                                       as value_high,
        coalesce(v_std, (v_low_std + v_high_std) / 2, v_low_std, v_high_std) as value_mid,
        std_unit                                                         as unit,
        qualifier,
        coalesce(is_headline, false)                                     as is_headline,
        {{ is_multi_year_measure('measure') }} as is_multi_year,
        report_id,
        report_year,
        fact_id,
        quote,
        char_start,
        candidate_count,
        distinct_value_count
    from ranked

)

select * from final
