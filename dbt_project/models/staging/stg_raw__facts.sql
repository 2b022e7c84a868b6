with source as (

    select * from {{ source('raw', 'facts') }}

),

renamed as (

    select
        cast(fact_id as varchar)            as fact_id,
        cast(report_id as varchar)          as report_id,
        cast(partition_key as varchar)      as partition_key,
        cast(region as varchar)             as region,
        cast(region_level as varchar)       as region_level,
        cast(report_year as integer)        as report_year,
        cast(indicator_id as varchar)       as indicator_id,
        cast(kind as varchar)               as kind,
        cast(period_year as integer)        as period_year,
        cast(measure as varchar)            as measure,
        cast(value as double)               as value,
        cast(value_low as double)           as value_low,
        cast(value_high as double)          as value_high,
        cast(unit as varchar)               as unit,
        cast(value_std as double)           as value_std,
        cast(unit_std as varchar)           as unit_std,
        cast(qualifier as varchar)          as qualifier,
        cast(quote as varchar)              as quote,
        cast(char_start as integer)         as char_start,
        cast(char_end as integer)           as char_end,
        cast(section as varchar)            as section,
        cast(extractor_version as varchar)  as extractor_version,
        cast(is_headline as boolean)        as is_headline,
        nullif(trim(cast(subject as varchar)), '') as subject,
        cast(loaded_at as timestamp)        as loaded_at
    from source

),

final as (

    select * from renamed

)

select * from final
