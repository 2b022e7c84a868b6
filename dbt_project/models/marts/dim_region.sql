{#
  Every region that has a report, with its level, parent province and administrative code where the seed
  region_codes knows it (a region missing from the seed still appears, with a null code). Matching: the full
  name first, else the name prefixed with its parent (呼伦贝尔市海拉尔区, 江苏省南京市), else the short name (江苏 / 南京)
  at the same level. Grain: region.
#}
with reports as (

    select * from {{ ref('stg_raw__reports') }}

),

codes as (

    select * from {{ ref('region_codes') }}

),

per_region as (

    select
        region,
        arg_max(region_level, report_year)  as region_level,
        count(distinct report_id)           as report_count,
        min(report_year)                    as first_year,
        max(report_year)                    as last_year
    from reports
    group by region

),

matched as (

    select
        per_region.*,
        codes.region            as official_name,
        codes.parent_province,
        codes.parent_city,
        codes.admin_code,
        row_number() over (
            partition by per_region.region
            order by case when codes.region = per_region.region then 0 else 1 end, codes.admin_code
        ) as match_rank
    from per_region
    left join codes
        on codes.region = per_region.region
        -- names written with their parent: 呼伦贝尔市海拉尔区, 江苏省南京市
        or per_region.region = codes.parent_city || codes.region
        or per_region.region = codes.parent_province || codes.region
        or (codes.short_name = per_region.region and codes.region_level = per_region.region_level)

),

final as (

    select
        region,
        region_level,
        official_name,
        parent_province,
        parent_city,
        admin_code,
        report_count,
        first_year,
        last_year
    from matched
    where match_rank = 1

)

select * from final
