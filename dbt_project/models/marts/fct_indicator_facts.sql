{# Every fact (extracted, with corrections applied) with its provenance, plus the indicator's name and category. Grain: fact_id. #}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
          meta={'publish_rows_by': ['region', 'region_level']}) }}
with facts as (

    select * from {{ ref('int_facts_corrected') }}
    where {{ in_pending_regions() }}

),

indicators as (

    select indicator_id, name_zh, category, default_unit from {{ ref('dim_indicator') }}

),

final as (

    select
        facts.fact_id,
        facts.report_id,
        facts.partition_key,
        facts.region,
        facts.region_level,
        facts.report_year,
        facts.indicator_id,
        indicators.name_zh    as indicator_name_zh,
        indicators.category   as indicator_category,
        facts.kind,
        facts.period_year,
        facts.measure,
        facts.value,
        facts.value_low,
        facts.value_high,
        facts.unit,
        facts.value_std,
        facts.unit_std,
        facts.qualifier,
        coalesce(facts.is_headline, false) as is_headline,
        facts.subject,
        facts.subject is null              as is_whole_region,
        {{ is_multi_year_measure('facts.measure') }} as is_multi_year,
        facts.quote,
        facts.char_start,
        facts.char_end,
        facts.section,
        facts.extractor_version,
        facts.corrected,
        facts.correction_action,
        facts.loaded_at
    from facts
    left join indicators
        on indicators.indicator_id = facts.indicator_id

)

select * from final
