with source as (

    select * from {{ source('raw', 'keyword_counts') }}

),

renamed as (

    select
        cast(report_id as varchar)       as report_id,
        cast(partition_key as varchar)   as partition_key,
        cast(keyword as varchar)         as keyword,
        cast(keyword_source as varchar)  as keyword_source,
        cast(occurrences as integer)     as occurrences,
        cast(char_count as integer)      as char_count,
        cast(loaded_at as timestamp)     as loaded_at
    from source

),

final as (

    select * from renamed

)

select * from final
