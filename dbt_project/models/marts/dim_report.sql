{#
  Every loaded report with its normalised text: the text the facts' quotes and offsets (char_start, char_end)
  refer to, so a quote can be read in its context (the review page and `govreport correct --add` use it).
  Grain: report_id.
  A view: the texts are the biggest column of the warehouse, and a table would copy all of them on
  every build (memory and time growing with the warehouse); the published snapshot stores it as a table.
#}
{{ config(materialized='view') }}
with reports as (

    select * from {{ ref('stg_raw__reports') }}

),

final as (

    select * from reports

)

select * from final
