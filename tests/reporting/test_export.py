"""``govreport export``: all four formats, facts and wide panel, written and read back with the same values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from pipelines.cli import main
from pipelines.reporting import export
from pipelines.reporting.export import read_export, read_labels, variable_label, variable_name

FORMATS = ["csv", "parquet", "dta", "xlsx"]


@pytest.fixture(scope="module")
def exported(reporting_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Path]:
    """Every format, long and wide, written once through the command line."""
    out_dir = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in FORMATS:
        for wide in (False, True):
            out = out_dir / f"{'panel' if wide else 'facts'}.{fmt}"
            argv = ["export", "--format", fmt, "--out", str(out), "--warehouse", str(reporting_warehouse)]
            assert main(argv + (["--wide"] if wide else [])) == 0
            files[(fmt, wide)] = out
    return files


@pytest.mark.parametrize("fmt", FORMATS)
def test_facts_round_trip(fmt, exported, reporting_warehouse):
    expected = export.load_facts(reporting_warehouse)
    back = read_export(exported[(fmt, False)])
    assert_frame_equal(back, expected, check_dtype=True)
    assert len(back) == 33  # 27 fixture facts + 6 added for the hierarchy


@pytest.mark.parametrize("fmt", FORMATS)
def test_wide_round_trip(fmt, exported, reporting_warehouse):
    expected, variables, _ = export.wide_panel(export.load_panel_values(reporting_warehouse))
    back = read_export(exported[(fmt, True)], wide=True)
    assert_frame_equal(back, expected, check_dtype=True)
    labels = read_labels(exported[(fmt, True)])
    assert labels["gdp_growth_t_gr"] == "地区生产总值增速 目标 (%) [gdp_growth]"
    assert {v.name for v in variables} <= set(labels)
    assert labels["gdp_a_lv"] == "地区生产总值 实际 (亿元) [gdp]"
    assert labels["gdp_growth_a_agr"] == "地区生产总值增速 实际 年均增速 (%) [gdp_growth]"


def test_wide_panel_values_and_codes(exported):
    panel = read_export(exported[("parquet", True)], wide=True).set_index(["region", "year"])
    assert panel.loc[("南京市", 2026), "gdp_growth_t_gr"] == 5.5
    assert panel.loc[("苏州市", 2026), "gdp_growth_t_gr"] == 5.75  # range 5.5–6: the midpoint
    assert panel.loc[("国务院", 2026), "gdp_growth_t_gr"] == 4.75
    assert panel.loc[("南京市", 2023), "gdp_a_lv"] == 17400  # 1.74万亿元 in 亿元
    assert panel.loc[("南京市", 2026), "admin_code"] == "320100"
    assert panel.loc[("南京市", 2026), "parent_code"] == "320000"
    assert panel.loc[("国务院", 2026), "admin_code"] == "100000"
    assert panel.loc[("江宁区", 2026), ["admin_code", "parent_code", "province_code"]].tolist() == [
        "320115", "320100", "320000"
    ]
    assert panel["admin_code"].notna().all()
    assert not panel.index.duplicated().any()  # one row per region and year


def test_facts_carry_region_codes(exported):
    facts = read_export(exported[("csv", False)])
    assert facts["admin_code"].notna().all()
    row = facts.loc[facts["fact_id"] == "x06"].iloc[0]
    assert (row["region"], row["admin_code"], row["parent_code"], row["province_code"]) == (
        "鄂尔多斯市", "150600", "150000", "150000"
    )
    assert facts.loc[facts["fact_id"] == "p01", "subject"].item() == "县域经济"


def test_stata_names_and_labels_fit(exported):
    with pd.io.stata.StataReader(exported[("dta", True)]) as reader:
        labels = reader.variable_labels()
        data = reader.read()
    assert all(len(name) <= 32 and name.isascii() for name in data.columns)
    assert all(len(label) <= 80 for label in labels.values())
    assert labels["admin_code"].startswith("行政区划代码")
    assert data.loc[data["region"] == "南京市", "admin_code"].unique().tolist() == ["320100"]


def test_excel_provenance_sheet(exported):
    prov = pd.read_excel(exported[("xlsx", True)], sheet_name="provenance", dtype=str)
    row = prov[(prov["region"] == "南京市") & (prov["year"] == "2026") & (prov["variable"] == "gdp_growth_t_gr")]
    assert row[["quote", "report_id", "fact_id", "qualifier"]].values.tolist() == [
        ["地区生产总值增长5.5%以上", "city/南京市/2026", "x02", "at_least"]
    ]
    facts_prov = pd.read_excel(exported[("xlsx", False)], sheet_name="provenance", dtype=str)
    assert facts_prov.loc[facts_prov["fact_id"] == "f01", "quote"].item() == "地区生产总值增长4.6%"


def test_variable_names_are_short_and_stable():
    assert variable_name("gdp_growth", "target", "growth_rate") == "gdp_growth_t_gr"
    long_name = variable_name("urban_per_capita_disposable_income_growth", "actual", "growth_rate")
    assert len(long_name) == 32 and long_name.endswith("_a_gr") and long_name.startswith("urban_per_capita")
    assert long_name == variable_name("urban_per_capita_disposable_income_growth", "actual", "growth_rate")
    assert long_name != variable_name("urban_per_capita_disposable_income_growth", "target", "growth_rate")
    assert len(variable_label("很长的名字" * 20, "x", "target", "level", "亿元")) == 80


def test_errors_are_reported(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--warehouse", str(missing)]) == 1
    assert "govreport export: error:" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "sav", "--out", str(tmp_path / "x.sav")])
    assert exc.value.code == 2
    assert not (tmp_path / "x.csv").exists()


def test_values_in_another_unit_get_their_own_column():
    base = {"admin_code": "320100", "region_level": "city", "admin_level": "city", "parent_code": "320000",
            "province_code": "320000", "indicator_id": "foreign_trade_total", "indicator_name_zh": "外贸进出口总额",
            "kind": "actual", "measure": "level", "value_low": None, "value_high": None,
            "indicator_default_unit": "亿元", "qualifier": "exact", "report_id": "r", "fact_id": "f", "quote": "q"}
    values = pd.DataFrame([
        base | {"region": "南京市", "year": 2023, "value": 5000.0, "unit": "亿元"},
        base | {"region": "苏州市", "year": 2023, "value": 3500.0, "unit": "亿美元", "admin_code": "320500"},
    ])
    wide, variables, _ = export.wide_panel(values)
    names = {v.name: v for v in variables}
    other = variable_name("foreign_trade_total", "actual", "level", "亿美元")
    assert set(names) == {"foreign_trade_total_a_lv", other} and other.startswith("foreign_trade_total_a_lv_u")
    assert names[other].label == "外贸进出口总额 实际 总量 (亿美元) [foreign_trade_total]"
    rows = wide.set_index("region")
    assert rows.loc["南京市", "foreign_trade_total_a_lv"] == 5000.0 and pd.isna(rows.loc["南京市", other])
    assert rows.loc["苏州市", other] == 3500.0 and pd.isna(rows.loc["苏州市", "foreign_trade_total_a_lv"])


def test_default_reads_the_published_snapshot_read_only(reporting_warehouse, tmp_path, monkeypatch, capsys):
    before = reporting_warehouse.read_bytes()
    monkeypatch.setenv("GOVREPORT_PUBLISHED", str(reporting_warehouse))
    out = tmp_path / "facts.parquet"
    assert main(["export", "--format", "parquet", "--out", str(out)]) == 0
    assert "facts: 33 rows" in capsys.readouterr().out
    assert reporting_warehouse.read_bytes() == before  # opened read-only: the snapshot is untouched
    assert not reporting_warehouse.with_name(reporting_warehouse.name + ".wal").exists()


def test_an_old_snapshot_without_the_mart_is_a_clear_error(tmp_path, capsys):
    import duckdb

    old = tmp_path / "old.duckdb"
    duckdb.connect(str(old)).close()
    assert main(["export", "--format", "csv", "--wide", "--out", str(tmp_path / "p.csv"), "--warehouse", str(old)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("govreport export: error: cannot read the warehouse") and "govreport run" in err


def test_facts_dta_has_labels(exported):
    labels = read_labels(exported[("dta", False)])
    assert labels["admin_code"].startswith("行政区划代码")
    assert labels["subject"] == "局部主体(空=全地区) subject, empty = whole region"
