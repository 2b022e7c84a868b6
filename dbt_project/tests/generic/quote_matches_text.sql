{#
  Provenance: fails for every fact whose quote is not exactly its report's text at [char_start, char_end)
  (0-based code-point offsets, as Python slices: DuckDB's substring is 1-based over code points too), or that
  has no quote, no offsets or no loaded report. Each failing row says what is wrong in `problem`.
  Usage (model level):
    data_tests:
      - quote_matches_text:
          arguments:
            texts: ref('stg_raw__reports')   # report_id, report_text
#}
{% test quote_matches_text(model, texts) %}

with facts as (

    select fact_id, report_id, indicator_id, quote, char_start, char_end from {{ model }}

),

checked as (

    select
        facts.*,
        substring(texts.report_text, facts.char_start + 1, facts.char_end - facts.char_start) as text_at_offsets,
        case
            when facts.quote is null or facts.quote = '' then 'the fact has no quote'
            when texts.report_id is null then 'its report ' || facts.report_id || ' is not loaded'
            when facts.char_start is null or facts.char_end is null then 'the fact has no offsets'
            when facts.char_start < 0 or facts.char_end < facts.char_start
                 or facts.char_end > length(texts.report_text)
                then 'offsets ' || facts.char_start || ':' || facts.char_end || ' lie outside the report text'
            when substring(texts.report_text, facts.char_start + 1, facts.char_end - facts.char_start) <> facts.quote
                then 'the quote is not the report text at ' || facts.char_start || ':' || facts.char_end
        end as problem
    from facts
    left join {{ texts }} as texts
        on texts.report_id = facts.report_id

)

select * from checked where problem is not null

{% endtest %}
