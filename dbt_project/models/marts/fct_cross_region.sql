{#
  Cross-region comparison: one row per indicator_id / measure / kind / year / region, ranked among regions of the
  same level. Ranks compare only values in the same standard unit (the partition includes unit), so a region whose
  value could not be converted never outranks one in 亿元 with a number in 万吨.
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_comparisons() }}",
          meta={'publish_rows_by': ['indicator_id', 'measure', 'kind', 'year', 'region_level', 'unit']}) }}
with indicator_values as (

    select * from {{ ref('int_indicator_values') }}
    {% if is_incremental() %}
    -- the comparison groups the pre-hook deleted, or new ones: rebuilt whole (macros/incremental_by_region.sql)
    where {{ comparison_key('period_year') }} not in (select {{ comparison_key() }} from {{ this }})
    {% endif %}

),

indicators as (

    select indicator_id, name_zh from {{ ref('dim_indicator') }}

),

directions as (

    select indicator_id, direction from {{ ref('indicator_direction') }}

),

ranked as (

    select
        v.indicator_id,
        i.name_zh                                   as indicator_name_zh,
        v.measure,
        v.kind,
        v.period_year                               as year,
        v.region_level,
        v.region,
        v.value,
        v.value_low,
        v.value_high,
        v.value_mid,
        v.qualifier,
        v.unit,
        v.report_id,
        coalesce(d.direction, 'higher')             as direction,
        case when v.value_mid is not null then
            dense_rank() over (valued_in_level order by v.value_mid desc)
        end                                         as rank_in_level,
        case when v.value_mid is not null then
            dense_rank() over (
                valued_in_level order by case when d.direction = 'lower' then v.value_mid else -v.value_mid end asc
            )
        end                                         as rank_best_in_level,
        count(v.value_mid) over level_and_unit      as regions_in_level
    from indicator_values as v
    left join indicators as i
        on i.indicator_id = v.indicator_id
    left join directions as d
        on d.indicator_id = v.indicator_id
    window
        level_and_unit as (partition by v.indicator_id, v.measure, v.kind, v.period_year, v.region_level, v.unit),
        valued_in_level as (
            partition by v.indicator_id, v.measure, v.kind, v.period_year, v.region_level, v.unit, v.value_mid is null
        )

),

final as (

    select * from ranked

)

select * from final
