{#
  Files set aside by ingestion (or loaded with a warning), with the reason. Grain: source file / reason.
  A view: it is a projection of one raw table, so a table would only cost every build a copy (an incremental build
  leaves views as they are, and the view shows the current rows); the published snapshot stores it as a table.
#}
{{ config(materialized='view') }}
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
