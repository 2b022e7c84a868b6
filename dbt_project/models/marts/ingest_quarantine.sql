{# Files set aside by ingestion (or loaded with a warning), with the reason. Grain: source file / reason. #}
with quarantine as (

    select * from {{ ref('stg_raw__ingest_quarantine') }}

),

final as (

    select
        partition_key,
        source_path,
        reason_code,
        reason,
        severity,
        severity = 'warning' as was_loaded,
        detected_encoding,
        size_bytes,
        first_chars,
        duplicate_of,
        recorded_at
    from quarantine

)

select * from final
