{#
  Provenance: fails for every fact whose quote is not exactly its report's text at [char_start, char_end)
  (0-based code-point offsets, as Python slices: DuckDB's substring is 1-based over code points too), or that
  has no quote, no offsets or no loaded report. Each failing row says what is wrong in `problem`.

  The loader already compared each fact with its report's text, one report at a time, and kept
  md5(quote|char_start|char_end) in `verified_quote_key` of `checked` (raw.facts) when they matched. A fact
  whose quote and offsets still hash to that key passes without its text being read; every other fact (added
  by a correction, changed since the load, or loaded before the key existed) is checked here against the
  texts of its own report only. So the test needs memory for the facts, not for every report text.
  Usage (model level):
    data_tests:
      - quote_matches_text:
          arguments:
            texts: ref('stg_raw__reports')   # report_id, report_text
            checked: source('raw', 'facts')  # fact_id, verified_quote_key
#}
{% test quote_matches_text(model, texts, checked) %}

with facts as (

    select fact_id, report_id, indicator_id, quote, char_start, char_end from {{ model }}

),

verified as (

    select fact_id, verified_quote_key from {{ checked }} where verified_quote_key is not null

),

unverified as (

    select facts.*
    from facts
    left join verified
        on verified.fact_id = facts.fact_id
       and verified.verified_quote_key = md5(concat_ws('|', facts.quote, facts.char_start, facts.char_end))
    where verified.fact_id is null

),

needed_texts as (

    -- a filter with the (usually empty) list of reports, not a join: DuckDB would build a join's hash table on
    -- the texts whenever it estimates them smaller than the unverified facts, holding every text in memory
    select report_id, report_text from {{ texts }}
    where list_contains((select coalesce(list(distinct report_id), []) from unverified), report_id)

),

checked_here as (

    select
        unverified.*,
        substring(texts.report_text, unverified.char_start + 1, unverified.char_end - unverified.char_start)
            as text_at_offsets,
        case
            when unverified.quote is null or unverified.quote = '' then 'the fact has no quote'
            when texts.report_id is null then 'its report ' || unverified.report_id || ' is not loaded'
            when unverified.char_start is null or unverified.char_end is null then 'the fact has no offsets'
            when unverified.char_start < 0 or unverified.char_end < unverified.char_start
                 or unverified.char_end > length(texts.report_text)
                then 'offsets ' || unverified.char_start || ':' || unverified.char_end || ' lie outside the report text'
            when substring(texts.report_text, unverified.char_start + 1, unverified.char_end - unverified.char_start)
                 <> unverified.quote
                then 'the quote is not the report text at ' || unverified.char_start || ':' || unverified.char_end
        end as problem
    from unverified
    left join needed_texts as texts
        on texts.report_id = unverified.report_id

)

select * from checked_here where problem is not null

{% endtest %}
