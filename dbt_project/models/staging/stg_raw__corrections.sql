{# The analysts' corrections CSV, typed. Grain: line_no (one row per data line of the file). #}
with source as (

    select * from {{ source('raw', 'corrections') }}

),

renamed as (

    select
        cast(line_no as integer)                    as line_no,
        cast(source_path as varchar)                as source_path,
        trim(cast(fact_id as varchar))              as fact_id,
        nullif(trim(cast(report_id as varchar)), '') as report_id,
        cast(quote as varchar)                      as quote,
        lower(trim(cast(action as varchar)))        as action,
        {{ correction_field('indicator_id', 'varchar') }},
        {{ correction_field('kind', 'varchar') }},
        {{ correction_field('period_year', 'integer') }},
        {{ correction_field('measure', 'varchar') }},
        {{ correction_field('value', 'double') }},
        {{ correction_field('value_low', 'double') }},
        {{ correction_field('value_high', 'double') }},
        {{ correction_field('unit', 'varchar') }},
        {{ correction_field('qualifier', 'varchar') }},
        {{ correction_field('subject', 'varchar') }},
        try_cast(char_start as integer)             as char_start,
        cast(note as varchar)                       as note,
        cast(author as varchar)                     as author,
        try_cast(date as date)                      as corrected_on,
        cast(loaded_at as timestamp)                as loaded_at
    from source

),

final as (

    select * from renamed

)

select * from final
