{# Policy keyword frequencies per report (jieba counts) with region and year. Grain: report_id / keyword. #}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
          meta={'publish_rows_by': ['region', 'region_level']}) }}
with keyword_counts as (

    select * from {{ ref('stg_raw__keyword_counts') }}

),

reports as (

    select report_id, region, region_level, report_year from {{ ref('stg_raw__reports') }}

),

final as (

    select
        k.report_id,
        r.region,
        r.region_level,
        r.report_year,
        k.keyword,
        k.keyword_source,
        k.occurrences,
        k.char_count,
        case when k.char_count > 0 then k.occurrences * 10000.0 / k.char_count end as per_10k_chars
    from keyword_counts as k
    left join reports as r
        on r.report_id = k.report_id
    where {{ in_pending_regions('r.region', 'r.region_level') }}

)

select * from final
