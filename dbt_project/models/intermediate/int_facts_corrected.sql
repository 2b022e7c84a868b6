{#
  Every fact as the marts use it: the extractor's facts with the analysts' corrections applied
  (stg_raw__corrections; for one fact_id the correction on the highest CSV line is in effect).
    reject  the fact leaves (it stays visible in fct_fact_corrections)
    set     the filled fields replace the extractor's; value_std is recomputed when value, unit or indicator change
    add     a fact the extractor missed, on its quote; it applies only while the report text is the one it was
            made on (its fact_id is the loader's hash of the text's content_sha256, the offsets and the indicator).
            When the extractor later finds the same fact (same id) the add acts as a set.
  Grain: fact_id.
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}") }}
with facts as (

    select * from {{ ref('stg_raw__facts') }}
    where {{ in_pending_regions() }}

),

reports as (

    -- only the reports an 'add' correction points into: their texts are read, no other report's
    select report_id, partition_key, region, region_level, report_year, content_sha256, report_text
    from {{ ref('stg_raw__reports') }}
    where report_id in (select report_id from {{ ref('stg_raw__corrections') }} where action = 'add')
      and {{ in_pending_regions() }}

),

indicators as (

    select indicator_id, measure as default_measure, default_unit from {{ ref('dim_indicator') }}

),

corrections as (

    select * from {{ ref('stg_raw__corrections') }}
    qualify row_number() over (partition by fact_id order by line_no desc) = 1

),

overlaid as (

    select
        f.fact_id,
        f.report_id,
        f.partition_key,
        f.region,
        f.region_level,
        f.report_year,
        {{ corrected('indicator_id') }}  as indicator_id,
        {{ corrected('kind') }}          as kind,
        {{ corrected('period_year') }}   as period_year,
        {{ corrected('measure') }}       as measure,
        {{ corrected('value') }}         as value,
        {{ corrected('value_low') }}     as value_low,
        {{ corrected('value_high') }}    as value_high,
        {{ corrected('unit') }}          as unit,
        f.value_std,
        f.unit_std,
        {{ corrected('qualifier') }}     as qualifier,
        f.quote,
        f.char_start,
        f.char_end,
        f.section,
        f.extractor_version,
        f.is_headline,
        {{ corrected('subject') }}       as subject,
        f.loaded_at,
        c.action                         as correction_action,
        c.line_no                        as correction_line,
        coalesce(c.set_value or c.set_unit or c.set_indicator_id, false) as restandardise,
        coalesce(c.set_indicator_id, false)                             as indicator_changed,
        f.value                          as extracted_value,
        f.unit                           as extracted_unit
    from facts as f
    left join corrections as c
        on c.fact_id = f.fact_id
    where c.action is distinct from 'reject'

),

added as (

    select
        c.fact_id,
        r.report_id,
        r.partition_key,
        r.region,
        r.region_level,
        r.report_year,
        c.indicator_id,
        c.kind,
        c.period_year,
        coalesce(c.measure, i.default_measure)          as measure,
        c.value,
        c.value_low,
        c.value_high,
        coalesce(c.unit, i.default_unit)                as unit,
        cast(null as double)                            as value_std,
        cast(null as varchar)                           as unit_std,
        coalesce(c.qualifier, 'exact')                  as qualifier,
        c.quote,
        c.char_start,
        c.char_start + length(c.quote)                  as char_end,
        cast(null as varchar)                           as section,
        'correction'                                    as extractor_version,
        false                                           as is_headline,
        c.subject,
        c.loaded_at,
        c.action                                        as correction_action,
        c.line_no                                       as correction_line,
        true                                            as restandardise,
        true                                            as indicator_changed,
        cast(null as double)                            as extracted_value,
        cast(null as varchar)                           as extracted_unit
    from corrections as c
    inner join reports as r
        on r.report_id = c.report_id
    left join indicators as i
        on i.indicator_id = c.indicator_id
    where c.action = 'add'
      and c.fact_id not in (select fact_id from facts)
      and substr(r.report_text, c.char_start + 1, length(c.quote)) = c.quote
      and left(sha256(
            r.content_sha256 || '|' || c.char_start || '|' || (c.char_start + length(c.quote)) || '|' || c.indicator_id
          ), 20) = c.fact_id

),

combined as (

    select * from overlaid
    union all by name
    select * from added

),

restandardised as (

    select
        combined.*,
        case
            when combined.indicator_changed then coalesce(i.default_unit, combined.unit_std, combined.unit)
            else combined.unit_std
        end as new_unit_std
    from combined
    left join indicators as i
        on i.indicator_id = combined.indicator_id

),

final as (

    select
        fact_id,
        report_id,
        partition_key,
        region,
        region_level,
        report_year,
        indicator_id,
        kind,
        period_year,
        measure,
        value,
        value_low,
        value_high,
        unit,
        case
            when not restandardise then value_std
            else value * coalesce(
                {{ unit_conversion_factor('unit', 'new_unit_std') }},
                case when unit is not distinct from extracted_unit and extracted_value <> 0
                     then value_std / extracted_value end
            )
        end                                     as value_std,
        new_unit_std                            as unit_std,
        qualifier,
        quote,
        char_start,
        char_end,
        section,
        extractor_version,
        is_headline,
        nullif(trim(subject), '')               as subject,
        loaded_at,
        correction_action is not null           as corrected,
        correction_action,
        correction_line
    from restandardised

)

select * from final
