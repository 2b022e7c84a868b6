{#
  Targets down the hierarchy: for each region, indicator, measure and year, the region's one-year target
  beside its parent's target (the division directly above, by administrative code: county → prefecture,
  prefecture → province, province → the State Council) and the national target, the gaps, and the spread of
  its children's targets (count, min, median, max, and how many children set a higher target than the region).
  Only whole-region targets (int_indicator_values, kind = 'target', not multi-year) are compared, and only
  within the same measure and standard unit. A range target counts by its midpoint (5–5.5% → 5.25).
  A division with children's targets but no target (or no report) of its own still gets a row for the spread.
  Grain: region, indicator_id, measure, year.

  Incremental by target group (indicator_id, measure, year): every row depends only on the targets of its own group
  (its parent's, its children's, the nation's) and on dim_region, whose rows change only for pending regions. The
  pre-hook delete_pending_target_groups deletes every group a pending region is or was in (macros/
  incremental_by_region.sql); the build then computes the groups the mart lacks. The daily full build recomputes
  everything.
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_target_groups() }}") }}
with targets as (

    select
        region,
        region_level,
        indicator_id,
        measure,
        period_year     as year,
        unit,
        value_mid       as target_value,
        value_low       as target_value_low,
        value_high      as target_value_high,
        qualifier       as target_qualifier,
        report_id       as target_report_id
    from {{ ref('int_indicator_values') }} as v
    where kind = 'target'
      and not is_multi_year
      and value_mid is not null
    {% if is_incremental() %}
      -- the groups the pre-hook deleted, or new ones: rebuilt whole
      and not exists (
          select 1 from {{ this }} as kept
          where kept.indicator_id = v.indicator_id
            and kept.measure is not distinct from v.measure
            and kept.year = v.period_year
      )
    {% endif %}

),

regions as (

    select region, region_level, admin_code, admin_level, parent_code from {{ ref('dim_region') }}

),

divisions as (

    -- names and parents of divisions without a report (a parent known only from its children's reports)
    select
        admin_code,
        region,
        region_level,
        coalesce(parent_code, case when region_level = 'province' then '100000' end) as parent_code
    from {{ ref('region_codes') }}
    where status = 'current'

),

coded as (

    select
        targets.*,
        regions.admin_code,
        coalesce(regions.admin_level, targets.region_level) as admin_level,
        regions.parent_code
    from targets
    left join regions
        on regions.region = targets.region
    -- one row per region: a region reported at two levels keeps the level dim_region gives it
    qualify row_number() over (
        partition by targets.region, targets.indicator_id, targets.measure, targets.year
        order by (targets.region_level = regions.region_level) desc nulls last, targets.target_report_id desc
    ) = 1

),

by_code as (

    -- one target per division and key (two names of one division, e.g. 襄樊市 / 襄阳市: the later report wins)
    select * from coded
    where admin_code is not null
    qualify row_number() over (
        partition by admin_code, indicator_id, measure, year, unit order by target_report_id desc, region
    ) = 1

),

children as (

    select
        child.parent_code,
        child.indicator_id,
        child.measure,
        child.year,
        child.unit,
        count(*)                                as children_count,
        cast(min(child.target_value) as double)     as children_min,
        cast(median(child.target_value) as double)  as children_median,
        cast(max(child.target_value) as double)     as children_max,
        case
            when bool_or(parent.admin_code is not null)
                then count(*) filter (where child.target_value > parent.target_value)
        end                                     as children_above_count
    from by_code as child
    left join by_code as parent
        on  parent.admin_code = child.parent_code
        and parent.indicator_id = child.indicator_id
        and parent.measure = child.measure
        and parent.year = child.year
        and parent.unit = child.unit
    where child.parent_code is not null
    group by all

),

parent_only as (

    -- divisions whose children set targets while they set none (or have no report here)
    select
        coalesce(regions.region, divisions.region)              as region,
        coalesce(regions.region_level, divisions.region_level)  as region_level,
        children.indicator_id,
        children.measure,
        children.year,
        children.unit,
        cast(null as double)                                    as target_value,
        cast(null as double)                                    as target_value_low,
        cast(null as double)                                    as target_value_high,
        cast(null as varchar)                                   as target_qualifier,
        cast(null as varchar)                                   as target_report_id,
        children.parent_code                                    as admin_code,
        coalesce(regions.admin_level, divisions.region_level)   as admin_level,
        coalesce(regions.parent_code, divisions.parent_code)    as parent_code
    from children
    left join divisions
        on divisions.admin_code = children.parent_code
    left join regions
        on regions.admin_code = children.parent_code
    where not exists (
        select 1 from coded
        where coded.admin_code = children.parent_code
          and coded.indicator_id = children.indicator_id
          and coded.measure = children.measure
          and coded.year = children.year
    )
      and coalesce(regions.region, divisions.region) is not null
    qualify row_number() over (
        partition by children.parent_code, children.indicator_id, children.measure, children.year
        order by children.unit
    ) = 1

),

base as (

    select * from coded
    union all by name
    select * from parent_only

),

final as (

    select
        base.region,
        base.admin_code,
        base.region_level,
        base.admin_level,
        base.indicator_id,
        base.measure,
        base.year,
        base.unit,
        base.target_value,
        base.target_value_low,
        base.target_value_high,
        base.target_qualifier,
        base.target_report_id,
        base.parent_code,
        parent.region                                           as parent_region,
        parent.target_value                                     as parent_target_value,
        parent.target_qualifier                                 as parent_target_qualifier,
        base.target_value - parent.target_value                 as gap_to_parent,
        national.target_value                                   as national_target_value,
        base.target_value - national.target_value               as gap_to_national,
        coalesce(children.children_count, 0)                    as children_count,
        children.children_min,
        children.children_median,
        children.children_max,
        case when base.target_value is not null then coalesce(children.children_above_count, 0) end
                                                                as children_above_count
    from base
    left join by_code as parent
        on  parent.admin_code = base.parent_code
        and parent.indicator_id = base.indicator_id
        and parent.measure = base.measure
        and parent.year = base.year
        and parent.unit = base.unit
    left join by_code as national
        on  national.admin_code = '100000'
        and national.indicator_id = base.indicator_id
        and national.measure = base.measure
        and national.year = base.year
        and national.unit = base.unit
    left join children
        on  children.parent_code = base.admin_code
        and children.indicator_id = base.indicator_id
        and children.measure = base.measure
        and children.year = base.year
        and children.unit = base.unit

)

select * from final
