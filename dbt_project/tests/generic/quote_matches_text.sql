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

{% set unverified_sql %}
    select facts.fact_id, facts.report_id, facts.indicator_id, facts.quote, facts.char_start, facts.char_end
    from {{ model }} as facts
    left join (select fact_id, verified_quote_key from {{ checked }} where verified_quote_key is not null) as verified
        on verified.fact_id = facts.fact_id
       and verified.verified_quote_key = md5(concat_ws('|', facts.quote, facts.char_start, facts.char_end))
    where verified.fact_id is null
{% endset %}

{#- The reports whose texts are needed, as a list of literals: a filter on a list of values is evaluated in the
    scan, which then reads only the texts of those reports (none in the usual case, where every fact was verified
    at load). A subquery there made DuckDB read every text (0.8 s at 10,000 reports), and a join could build its
    hash table on the texts (out of memory under 512MB). -#}
{% set needed_reports = [] %}
{% if execute %}
    {% for row in run_query("select distinct report_id from (" ~ unverified_sql ~ ") where report_id is not null order by 1") %}
        {% do needed_reports.append(row[0]) %}
    {% endfor %}
{% endif %}

with unverified as (

    {{ unverified_sql }}

),

needed_texts as (

    select report_id, report_text from {{ texts }}
    {% if needed_reports %}
    where report_id in (
        {%- for report_id in needed_reports %}'{{ report_id | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
    )
    {% else %}
    where false
    {% endif %}

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
