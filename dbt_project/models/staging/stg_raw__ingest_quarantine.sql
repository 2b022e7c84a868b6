with source as (

    select * from {{ source('raw', 'ingest_quarantine') }}

),

renamed as (

    select
        cast(partition_key as varchar)      as partition_key,
        cast(source_path as varchar)        as source_path,
        cast(reason_code as varchar)        as reason_code,
        cast(reason as varchar)             as reason,
        cast(severity as varchar)           as severity,
        cast(detected_encoding as varchar)  as detected_encoding,
        cast(size_bytes as bigint)          as size_bytes,
        cast(first_chars as varchar)        as first_chars,
        cast(duplicate_of as varchar)       as duplicate_of,
        cast(recorded_at as timestamp)      as recorded_at
    from source

),

final as (

    select * from renamed

)

select * from final
