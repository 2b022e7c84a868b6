with source as (

    select * from {{ source('raw', 'reports') }}

),

renamed as (

    select
        cast(report_id as varchar)       as report_id,
        cast(partition_key as varchar)   as partition_key,
        cast(region as varchar)          as region,
        cast(region_level as varchar)    as region_level,
        cast(report_year as integer)     as report_year,
        cast(source_path as varchar)     as source_path,
        cast(source_format as varchar)   as source_format,
        cast(encoding as varchar)        as encoding,
        cast(content_sha256 as varchar)  as content_sha256,
        cast(size_bytes as bigint)       as size_bytes,
        cast(title as varchar)           as title,
        cast(char_count as integer)      as char_count,
        cast(attribution as varchar)     as attribution,
        cast(warnings as varchar)        as warnings,
        cast(text as varchar)            as report_text,
        cast(loaded_at as timestamp)     as loaded_at
    from source

),

final as (

    select * from renamed

)

select * from final
