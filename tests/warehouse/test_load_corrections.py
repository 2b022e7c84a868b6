"""The loader and corrections: fact ids by the current rule, raw.corrections replaced in the load transaction."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.landing.store import LandingStore
from pipelines.warehouse.connection import open_warehouse
from pipelines.warehouse.load import fact_id, sync_raw_tables, verified_quote_key
from tests.warehouse.test_load_faults import stage


def _row(line_no: int, fid: str, action: str | None = "reject") -> dict:
    return {"line_no": line_no, "source_path": "c.csv", "fact_id": fid, "action": action}


def test_older_warehouse_is_reloaded_with_the_current_fact_ids(tmp_path: Path):
    reports, store, warehouse = tmp_path / "reports", LandingStore(tmp_path / "landing"), tmp_path / "wh.duckdb"
    stage(reports, store, ["甲市"])
    with open_warehouse(warehouse) as con:
        sync_raw_tables(con, store)
        # a warehouse written by an older loader: other ids, load_state holding the bare stage hash
        con.execute("UPDATE raw.facts SET fact_id = 'legacy-' || fact_id")
        con.execute("UPDATE raw.load_state SET stage_sha = ?", [store.ready_partitions()["city/甲市/2024"].stage_sha])
        summary = sync_raw_tables(con, store)
        assert summary.partitions_loaded == ["city/甲市/2024"]
        sha = con.execute("SELECT content_sha256 FROM raw.reports").fetchone()[0]
        rows = con.execute("SELECT fact_id, char_start, char_end, indicator_id FROM raw.facts").fetchall()
        assert rows and all(fid == fact_id(sha, s, e, ind) for fid, s, e, ind in rows)
        assert sync_raw_tables(con, store).partitions_loaded == []  # and then nothing to do


def test_corrections_are_replaced_in_the_load_transaction(tmp_path: Path):
    reports, store, warehouse = tmp_path / "reports", LandingStore(tmp_path / "landing"), tmp_path / "wh.duckdb"
    stage(reports, store, ["甲市"])
    with open_warehouse(warehouse) as con:
        summary = sync_raw_tables(con, store, corrections=[_row(1, "a"), _row(2, "b", "set")])
        assert summary.rows_inserted["corrections"] == 2
        sync_raw_tables(con, store)  # None: the table is left alone
        assert con.execute("SELECT line_no, fact_id, action FROM raw.corrections ORDER BY 1").fetchall() == [
            (1, "a", "reject"), (2, "b", "set")]
        stage(reports, store, ["乙市"])
        with pytest.raises(duckdb.ConstraintException):  # a bad row fails the whole load
            sync_raw_tables(con, store, corrections=[_row(1, "c", None)])
        assert con.execute("SELECT count(*) FROM raw.reports").fetchone()[0] == 1  # 乙市 not loaded either
        assert con.execute("SELECT fact_id FROM raw.corrections ORDER BY 1").fetchall() == [("a",), ("b",)]
        sync_raw_tables(con, store, corrections=[])
        assert con.execute("SELECT count(*) FROM raw.corrections").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM raw.reports").fetchone()[0] == 2


def test_the_loader_verifies_each_quote_against_its_text_with_the_md5_sql_recomputes(tmp_path: Path):
    """Provenance is checked in the load, one report at a time: every extracted fact of the real Nanjing
    text gets a key, and DuckDB's md5 of quote|start|end is the same key (what the dbt test compares)."""
    reports, store, warehouse = tmp_path / "reports", LandingStore(tmp_path / "landing"), tmp_path / "wh.duckdb"
    stage(reports, store, ["甲市"])
    with open_warehouse(warehouse) as con:
        sync_raw_tables(con, store)
        total, verified, same_in_sql = con.execute(
            "SELECT count(*), count(verified_quote_key), "
            "count(*) FILTER (WHERE verified_quote_key = md5(concat_ws('|', quote, char_start, char_end))) "
            "FROM raw.facts").fetchone()
    assert total > 30 and verified == total and same_in_sql == total
    text = "全年地区生产总值增长4.6%。"
    assert verified_quote_key(text, "地区生产总值增长4.6%", 2, 14) is not None
    assert verified_quote_key(text, "地区生产总值增长4.6%", 3, 15) is None  # one off
    assert verified_quote_key(text, "地区生产总值增长4.6%", 2, 99) is None  # past the end
    assert verified_quote_key(text, "", 0, 0) is None and verified_quote_key(text, "全年", None, 2) is None


def test_the_load_records_the_regions_whose_reports_it_added_changed_or_removed(tmp_path: Path):
    """raw.pending_regions: what the next dbt build rebuilds, written in the load's transaction."""
    reports, store, warehouse = tmp_path / "reports", LandingStore(tmp_path / "landing"), tmp_path / "wh.duckdb"
    stage(reports, store, ["甲市", "乙市"])
    with open_warehouse(warehouse) as con:
        summary = sync_raw_tables(con, store)
        pending = "SELECT region, region_level FROM raw.pending_regions ORDER BY region"
        assert summary.regions_touched == 2
        assert con.execute(pending).fetchall() == [("乙市", "city"), ("甲市", "city")]
        con.execute("DELETE FROM raw.pending_regions")  # what a complete dbt build does
        assert sync_raw_tables(con, store).regions_touched == 0  # nothing changed: nothing pending
        assert con.execute(pending).fetchall() == []
        sync_raw_tables(con, store, registered={"city/甲市/2024"})  # 乙市's file is gone
        assert con.execute(pending).fetchall() == [("乙市", "city")]
        stage(reports, store, ["甲市"])  # staged again: same text, same stage hash, not reloaded
        sync_raw_tables(con, store, registered={"city/甲市/2024"})
        assert con.execute(pending).fetchall() == [("乙市", "city")]  # recorded once, kept until a build


def test_the_headline_flags_set_in_the_load_agree_with_the_sql_patterns_of_the_recall_test(tmp_path: Path):
    """The loader's flags (Python re) and the fallback of dbt test headline_facts_present (DuckDB's RE2) agree,
    on the Nanjing text (which states both) and on sentences that state neither."""
    from pipelines.warehouse.load import headline_signals

    reports, store, warehouse = tmp_path / "reports", LandingStore(tmp_path / "landing"), tmp_path / "wh.duckdb"
    stage(reports, store, ["甲市"])
    sql = (Path(__file__).parents[2] / "dbt_project" / "tests" / "headline_facts_present.sql").read_text(encoding="utf-8")
    growth, targets = (line.split("regexp_matches(text, ")[1].rsplit(")", 1)[0] for line in sql.splitlines()
                       if "regexp_matches(text, " in line)
    with open_warehouse(warehouse) as con:
        sync_raw_tables(con, store)
        flags = con.execute(f"SELECT states_gdp_growth, states_main_targets, regexp_matches(text, {growth}), "
                            f"regexp_matches(text, {targets}) FROM raw.reports").fetchall()
        assert flags == [(True, True, True, True)]
        for text in ("全市地区生产总值增长５．２%。", "经济增速放缓。", "今年发展的主要预期目标是：", "城乡居民收入稳步增长。"):
            in_sql = con.execute(f"SELECT regexp_matches(?, {growth}), regexp_matches(?, {targets})",
                                 [text, text]).fetchone()
            assert tuple(headline_signals(text).values()) == in_sql, text
