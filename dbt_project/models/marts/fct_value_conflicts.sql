{#
  The cells where whole-region facts disagree: one row per region / region_level / indicator_id / measure /
  kind / period_year with more than one distinct standardised value among its candidate facts, with the value
  the marts chose (int_indicator_values, the de-duplication rule in models/_docs.md). Grain: that cell.
#}
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_pending_regions() }}",
          meta={'publish_rows_by': ['region', 'region_level']}) }}
with indicator_values as (

    select * from {{ ref('int_indicator_values') }}
    where {{ in_pending_regions() }}

),

final as (

    select * from indicator_values
    where distinct_value_count > 1

)

select * from final
