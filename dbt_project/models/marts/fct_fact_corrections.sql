{#
  The audit of the corrections CSV: one row per line, with the extractor's original values of the fact beside
  the values the marts now hold, and whether the line is applied, superseded by a later line for the same fact,
  or orphaned (its fact no longer exists: the report text or the extractor changed). Rejected facts stay
  visible here with their original values. Grain: line_no.
#}
with corrections as (

    select * from {{ ref('stg_raw__corrections') }}

),

in_effect as (

    select fact_id, max(line_no) as line_no from corrections group by fact_id

),

extracted as (

    select * from {{ ref('stg_raw__facts') }}

),

now_in_marts as (

    select * from {{ ref('int_facts_corrected') }}

),

reports as (

    select report_id from {{ ref('stg_raw__reports') }}

),

judged as (

    select
        c.*,
        case
            when c.line_no <> e.line_no then 'superseded'
            when c.action in ('reject', 'set') and x.fact_id is not null then 'applied'
            when c.action = 'add' and (x.fact_id is not null or m.fact_id is not null) then 'applied'
            else 'orphaned'
        end                                                           as status,
        x.fact_id is not null                                         as fact_extracted,
        r.report_id is not null                                       as report_loaded
    from corrections as c
    inner join in_effect as e
        on e.fact_id = c.fact_id
    left join extracted as x
        on x.fact_id = c.fact_id
    left join now_in_marts as m
        on m.fact_id = c.fact_id
    left join reports as r
        on r.report_id = coalesce(c.report_id, x.report_id)

),

final as (

    select
        j.line_no,
        j.fact_id,
        j.action,
        j.status,
        case
            when j.status <> 'orphaned' then null
            when j.report_id is not null and not j.report_loaded then 'report ' || j.report_id || ' is not loaded'
            when j.action = 'add' then 'the report text changed: the quote is not at its offsets any more'
            else 'no such fact any more: the report text or the extractor changed'
        end                                                           as orphan_reason,
        coalesce(j.report_id, x.report_id)                            as report_id,
        j.quote,
        j.note,
        j.author,
        j.corrected_on,
        x.indicator_id                                                as original_indicator_id,
        x.kind                                                        as original_kind,
        x.period_year                                                 as original_period_year,
        x.measure                                                     as original_measure,
        x.value                                                       as original_value,
        x.value_low                                                   as original_value_low,
        x.value_high                                                  as original_value_high,
        x.unit                                                        as original_unit,
        x.qualifier                                                   as original_qualifier,
        x.subject                                                     as original_subject,
        x.extractor_version                                           as original_extractor_version,
        m.fact_id is not null                                         as in_marts,
        m.indicator_id                                                as corrected_indicator_id,
        m.kind                                                        as corrected_kind,
        m.period_year                                                 as corrected_period_year,
        m.measure                                                     as corrected_measure,
        m.value                                                       as corrected_value,
        m.value_low                                                   as corrected_value_low,
        m.value_high                                                  as corrected_value_high,
        m.unit                                                        as corrected_unit,
        m.qualifier                                                   as corrected_qualifier,
        m.subject                                                     as corrected_subject,
        j.source_path
    from judged as j
    left join extracted as x
        on x.fact_id = j.fact_id
    left join now_in_marts as m
        on m.fact_id = j.fact_id

)

select * from final
