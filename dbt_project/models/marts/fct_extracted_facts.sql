{#
  Every fact exactly as the extractor found it, before the analysts' corrections (a rejected fact is here and
  not in fct_indicator_facts; a corrected one has its extracted values here). The review page and the
  corrections commands compare against it. Grain: fact_id.
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
          meta={'publish_rows_by': ['region', 'region_level']}) }}
with facts as (

    select * from {{ ref('stg_raw__facts') }}
    where {{ in_pending_regions() }}

),

final as (

    select * from facts

)

select * from final
