{#
  Every loaded report with its normalised text: the text the facts' quotes and offsets (char_start, char_end)
  refer to, so a quote can be read in its context (the review page and `govreport correct --add` use it).
  Grain: report_id.
#}
with reports as (

    select * from {{ ref('stg_raw__reports') }}

),

final as (

    select * from reports

)

select * from final
