"""Publishing a read-only snapshot for BI tools, and Parquet exports of the marts.

The concurrency tests use real second processes: a reader that holds the published file open
read-only while publishes happen, and a publisher killed part-way through.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.warehouse.exports import mart_bucket_name, mart_bucket_sql
from pipelines.warehouse.publish import (
    SnapshotDelta,
    connect_read_only,
    export_marts,
    publish_snapshot,
    publish_with_exports,
    snapshot_identity,
)
from tests.paths import PROJECT_ROOT


def _build_warehouse(path: Path) -> None:
    """A small warehouse shaped like the real one: raw and staging schemas; marts, a dim, a view, ingest_quarantine in main."""
    con = duckdb.connect(str(path))
    con.execute(
        """
        CREATE SCHEMA raw;
        CREATE TABLE raw.facts (report_id VARCHAR NOT NULL, value DOUBLE);
        INSERT INTO raw.facts VALUES ('city/南京市/2024', 4.6), ('city/南京市/2024', 5);
        CREATE TABLE dim_indicator (indicator_id VARCHAR NOT NULL, name_zh VARCHAR, default_unit VARCHAR);
        INSERT INTO dim_indicator VALUES ('gdp_growth', '地区生产总值增长', '%'), ('population', '常住人口', '万人');
        CREATE TABLE fct_target_vs_actual (region VARCHAR NOT NULL, indicator_id VARCHAR, year INTEGER,
            target_value DOUBLE, actual_value DOUBLE, met BOOLEAN, amount DECIMAL(18, 3));
        INSERT INTO fct_target_vs_actual VALUES ('南京市', 'gdp_growth', 2023, 5, 4.6, false, 1.5);
        CREATE SCHEMA staging;
        CREATE VIEW staging.stg_raw__facts AS SELECT report_id, value * 2 AS doubled FROM raw.facts;
        CREATE TABLE ingest_quarantine (partition_key VARCHAR, reason VARCHAR);
        INSERT INTO ingest_quarantine VALUES ('city/某市/2024', 'binary');
        CREATE VIEW fct_doubled AS SELECT sum(doubled) AS doubled FROM staging.stg_raw__facts;
        CREATE VIEW fct_recent AS SELECT * FROM fct_target_vs_actual WHERE year >= 2023;
        COMMENT ON TABLE fct_target_vs_actual IS '目标与实际：report Y''s target vs report Y+1''s actual';
        COMMENT ON COLUMN fct_target_vs_actual.met IS '是否完成目标';
        COMMENT ON COLUMN dim_indicator.name_zh IS '指标中文名';
        COMMENT ON VIEW fct_recent IS 'recent years';
        COMMENT ON COLUMN fct_recent.region IS '地区';
        """
    )
    con.close()


def _write_generation(path: Path, generation: int) -> None:
    """(Re)build a warehouse whose tables all carry one ``generation`` value."""
    con = duckdb.connect(str(path))
    rows = 20_000 * generation
    con.execute("BEGIN")
    con.execute(
        "CREATE OR REPLACE TABLE gen_meta AS SELECT ?::INTEGER AS generation, ?::BIGINT AS n",
        [generation, rows],
    )
    con.execute(
        "CREATE OR REPLACE TABLE gen AS SELECT ?::INTEGER AS generation, i AS id, 'row ' || i AS label "
        "FROM range(?) t(i)",
        [generation, rows],
    )
    con.execute("COMMIT")
    con.close()


def _generation(published: Path) -> int:
    con = connect_read_only(published)
    try:
        gen, count, low, high, n = con.execute(
            "SELECT (SELECT generation FROM gen_meta), (SELECT count(*) FROM gen), "
            "(SELECT min(generation) FROM gen), (SELECT max(generation) FROM gen), (SELECT n FROM gen_meta)"
        ).fetchone()
    finally:
        con.close()
    assert gen == low == high and count == n
    return gen


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or p.name.endswith(".wal"))


def test_publish_copies_main_tables_views_and_comments(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    published = tmp_path / "out" / "wh.published.duckdb"
    _build_warehouse(warehouse)

    result = publish_snapshot(warehouse, published)

    assert result.path == published.resolve()
    assert result.tables == {
        "dim_indicator": 2,
        "fct_recent": 1,
        "fct_doubled": 1,
        "fct_target_vs_actual": 1,
        "ingest_quarantine": 1,
    }
    # only schema main: no raw tables, no staging views
    assert sorted(result.materialised_views) == ["fct_doubled", "fct_recent"]
    assert result.total_rows == 6
    assert _leftovers(published.parent) == []

    con = connect_read_only(published)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() ORDER BY table_name"
        ).fetchall()
        assert result.updated_by_region == [] and result.snapshot_id == snapshot_identity(published) != ""
        assert tables == [
            ("main", "dim_indicator", None),
            ("main", "fct_doubled", None),
            ("main", "fct_recent", "recent years"),
            ("main", "fct_target_vs_actual", "目标与实际：report Y's target vs report Y+1's actual"),
            ("main", "ingest_quarantine", None),
        ]
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone() == (0,)
        column_comments = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE comment IS NOT NULL "
            "ORDER BY table_name, column_name"
        ).fetchall()
        assert column_comments == [
            ("dim_indicator", "name_zh", "指标中文名"),
            ("fct_recent", "region", "地区"),
            ("fct_target_vs_actual", "met", "是否完成目标"),
        ]
        nullability = dict(
            con.execute(
                "SELECT column_name, is_nullable FROM duckdb_columns() WHERE table_name = 'fct_target_vs_actual'"
            ).fetchall()
        )
        assert nullability["region"] is False and nullability["met"] is True
        row = con.execute(
            "SELECT region, target_value, actual_value, met, amount FROM fct_target_vs_actual"
        ).fetchone()
        assert row[:4] == ("南京市", 5.0, 4.6, False)
        assert str(row[4]) == "1.500"
        assert con.execute("SELECT doubled FROM fct_doubled").fetchone() == (19.2,)
    finally:
        con.close()

    # The building warehouse is released: the pipeline can write to it again right away.
    writer = duckdb.connect(str(warehouse))
    writer.execute("INSERT INTO dim_indicator VALUES ('cpi', '居民消费价格涨幅', '%')")
    writer.close()


def test_publish_other_schemas_on_request(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    _build_warehouse(warehouse)
    result = publish_snapshot(warehouse, tmp_path / "p.duckdb", schemas=("main", "raw"))
    assert result.tables["raw.facts"] == 2
    con = connect_read_only(tmp_path / "p.duckdb")
    try:
        assert con.execute("SELECT count(*) FROM raw.facts").fetchone() == (2,)
    finally:
        con.close()


def test_publish_with_older_storage_version(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    _build_warehouse(warehouse)
    publish_snapshot(warehouse, tmp_path / "p.duckdb", storage_version="v1.1.0")
    con = connect_read_only(tmp_path / "p.duckdb")
    try:
        assert con.execute("SELECT count(*) FROM fct_target_vs_actual").fetchone() == (1,)
    finally:
        con.close()


def test_publish_refuses_to_overwrite_the_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    _build_warehouse(warehouse)
    with pytest.raises(ValueError):
        publish_snapshot(warehouse, warehouse)


def test_failed_publish_keeps_previous_snapshot(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    published = tmp_path / "wh.published.duckdb"
    _write_generation(warehouse, 1)
    publish_snapshot(warehouse, published)
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE TABLE doomed AS SELECT 1 AS x")
    con.execute("CREATE VIEW broken AS SELECT x FROM doomed")
    con.execute("DROP TABLE doomed")  # the view no longer binds: the copy must fail as a whole
    con.close()
    _write_generation(warehouse, 2)

    with pytest.raises(duckdb.Error):
        publish_snapshot(warehouse, published)

    assert _generation(published) == 1
    assert _leftovers(tmp_path) == []


READER = textwrap.dedent(
    """
    import sys, threading, duckdb
    path = sys.argv[1]
    QUERY = ("SELECT (SELECT generation FROM gen_meta), (SELECT n FROM gen_meta), (SELECT count(*) FROM gen),"
             " (SELECT min(generation) FROM gen), (SELECT max(generation) FROM gen)")
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()

    def check(con, where):
        gen, n, count, low, high = con.execute(QUERY).fetchone()
        if not (gen == low == high and count == n):
            print(f"BAD {where}: {gen} {n} {count} {low} {high}", flush=True)
            sys.exit(1)
        return gen

    held = duckdb.connect(path, read_only=True)   # what a BI tool does; kept open throughout
    held_gen = check(held, "held")
    print(f"ready {held_gen}", flush=True)
    last, iterations = held_gen, 0
    while not stop.is_set():
        if check(held, "held") != held_gen:
            print("BAD held connection changed generation", flush=True)
            sys.exit(1)
        fresh = duckdb.connect(":memory:")          # a new connection: sees the file now at `path`
        fresh.execute(f"ATTACH '{path}' AS p (READ_ONLY)")
        fresh.execute("USE p")
        gen = check(fresh, "fresh")
        fresh.close()
        if gen < last:
            print(f"BAD generation went back {last} -> {gen}", flush=True)
            sys.exit(1)
        if gen != last:
            print(f"gen {gen}", flush=True)
            last = gen
        iterations += 1
    held.close()
    print(f"done {iterations} {held_gen}", flush=True)
    """
)


def test_reader_process_never_blocks_publish_and_sees_consistent_states(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    published = tmp_path / "wh.published.duckdb"
    _write_generation(warehouse, 1)
    publish_snapshot(warehouse, published)

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().split() == ["ready", "1"]
        for generation in range(2, 6):
            _write_generation(warehouse, generation)
            result = publish_snapshot(warehouse, published)  # must not block on the open reader
            assert result.tables == {"gen": 20_000 * generation, "gen_meta": 1}
            assert _generation(published) == generation
            line = reader.stdout.readline()  # the reader picked up the new snapshot
            assert line.split() == ["gen", str(generation)], line + reader.stderr.read()
        reader.stdin.write("stop\n")
        reader.stdin.flush()
        out, err = reader.communicate()
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert reader.returncode == 0, out + err
    done = out.split()
    assert done[0] == "done" and int(done[1]) >= 4 and done[2] == "1"  # held connection kept generation 1
    assert _leftovers(tmp_path) == []


PUBLISHER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pipelines.warehouse.faults import marker_pause
    from pipelines.warehouse.publish import publish_snapshot
    publish_snapshot(Path(sys.argv[1]), Path(sys.argv[2]), pause=marker_pause(sys.argv[3]))
    """
)


@pytest.mark.parametrize("stage", ["copying", "before_replace"])
def test_killed_publish_leaves_previous_snapshot_and_republish_works(tmp_path: Path, stage: str) -> None:
    warehouse = tmp_path / "wh.duckdb"
    published = tmp_path / "wh.published.duckdb"
    marker = tmp_path / "paused"
    _write_generation(warehouse, 1)
    publish_snapshot(warehouse, published)
    _write_generation(warehouse, 2)

    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    victim = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(warehouse), str(published), f"{stage}:{marker}"],
                              env=env)
    try:
        while not marker.exists():
            assert victim.poll() is None, "publisher exited before reaching the pause point"
            time.sleep(0.01)
    finally:
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
    assert victim.returncode == -signal.SIGKILL

    stale = [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert stale, "the killed publish should have left its temp file behind"
    assert _generation(published) == 1  # previous snapshot intact and readable

    result = publish_snapshot(warehouse, published)  # lock released by the dead process; stale temp removed
    assert result.tables["gen"] == 40_000
    assert _generation(published) == 2
    assert _leftovers(tmp_path) == []


def test_export_marts_writes_parquet_per_mart(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    published = tmp_path / "wh.published.duckdb"
    exports = tmp_path / "exports"
    _build_warehouse(warehouse)
    publish_snapshot(warehouse, published)
    (exports).mkdir()
    (exports / ".fct_recent.parquet.tmp-1-dead").write_bytes(b"stale")

    counts = export_marts(published, exports)

    # every table of the snapshot, ingest_quarantine included
    assert counts == {"dim_indicator": 2, "fct_doubled": 1, "fct_recent": 1, "fct_target_vs_actual": 1,
                      "ingest_quarantine": 1}
    assert sorted(p.name for p in exports.glob("*.parquet")) == [
        "dim_indicator.parquet",
        "fct_doubled.parquet",
        "fct_recent.parquet",
        "fct_target_vs_actual.parquet",
        "ingest_quarantine.parquet",
    ]
    assert not list(exports.glob(".*.tmp-*"))
    table = pq.read_table(exports / "fct_target_vs_actual.parquet")
    assert table.num_rows == 1
    assert table.column("region").to_pylist() == ["南京市"]
    assert table.column("actual_value").to_pylist() == [4.6]
    assert table.column("met").to_pylist() == [False]


def test_publish_with_exports_removes_exports_of_tables_the_snapshot_lost(tmp_path: Path) -> None:
    warehouse, exports = tmp_path / "wh.duckdb", tmp_path / "exports"
    _build_warehouse(warehouse)
    exports.mkdir()
    (exports / "stg_raw__facts.parquet").write_bytes(b"an export of a table an older layout published")

    _, counts = publish_with_exports(warehouse, tmp_path / "wh.published.duckdb", exports)

    assert sorted(p.stem for p in exports.glob("*.parquet")) == sorted(counts)
    assert "stg_raw__facts" not in counts


def test_export_marts_explicit_tables_from_the_building_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    _build_warehouse(warehouse)
    assert export_marts(warehouse, tmp_path / "x", ["fct_recent"]) == {"fct_recent": 1}
    assert pq.read_table(tmp_path / "x" / "fct_recent.parquet").column("region").to_pylist() == ["南京市"]
    with pytest.raises(ValueError, match="no_such"):
        export_marts(warehouse, tmp_path / "x", ["no_such"])


def test_snapshot_and_exports_are_published_together_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    """An export that fails after the new snapshot is built: neither the snapshot nor the Parquet changes."""
    from pipelines.warehouse import publish as publish_module

    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "wh.published.duckdb", tmp_path / "exports"
    _build_warehouse(warehouse)
    result, counts = publish_module.publish_with_exports(warehouse, published, exports)
    assert counts == {"dim_indicator": 2, "fct_doubled": 1, "fct_recent": 1, "fct_target_vs_actual": 1,
                      "ingest_quarantine": 1}
    assert sorted(result.tables) == sorted(counts)
    before = {p.name: p.read_bytes() for p in [published, *exports.glob("*.parquet")]}

    con = duckdb.connect(str(warehouse))
    con.execute("INSERT INTO fct_target_vs_actual VALUES ('苏州市', 'gdp_growth', 2023, 5, 5.1, true, 2)")
    con.close()
    real_export = publish_module._export_to

    def export_then_fail(*args):
        real_export(*args)  # the new Parquet files exist, in the temp folder
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module, "_export_to", export_then_fail)
    with pytest.raises(OSError, match="No space left"):
        publish_module.publish_with_exports(warehouse, published, exports)
    assert {p.name: p.read_bytes() for p in [published, *exports.glob("*.parquet")]} == before
    assert not list(exports.glob(".next-*")) and not list(tmp_path.glob("*.tmp-*"))

    monkeypatch.setattr(publish_module, "_export_to", real_export)
    _, counts = publish_module.publish_with_exports(warehouse, published, exports)
    assert counts["fct_target_vs_actual"] == 2
    assert pq.read_table(exports / "fct_target_vs_actual.parquet").num_rows == 2
    with connect_read_only(published) as con:
        assert con.execute("SELECT count(*) FROM fct_target_vs_actual").fetchone()[0] == 2


def _report_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT report_id, title, content_sha256, report_text FROM dim_report ORDER BY report_id").fetchall()


def test_an_incremental_publish_merges_the_report_texts_into_the_previous_snapshot(tmp_path: Path, monkeypatch) -> None:
    """dim_report (one text per report) is brought up to date row by row in a copy of the previous snapshot:
    a report added, one removed, one re-titled; the result equals a full copy, comments and all."""
    from pipelines.warehouse import publish as publish_module

    merges: list[str] = []
    real_merge = publish_module._merge_table
    monkeypatch.setattr(publish_module, "_merge_table", lambda con, rel, *args: (merges.append(rel),
                                                                                 real_merge(con, rel, *args)))
    warehouse, published, full = tmp_path / "wh.duckdb", tmp_path / "p.duckdb", tmp_path / "full.duckdb"
    _build_warehouse(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE TABLE raw.reports AS SELECT 'city/市' || i || '/2024' AS report_id, 'title ' || i AS title, "
                "md5(i::VARCHAR) AS content_sha256, repeat('政府工作报告' || i, 50) AS report_text FROM range(5) t(i)")
    con.execute("CREATE VIEW dim_report AS SELECT * FROM raw.reports")
    con.execute("COMMENT ON VIEW dim_report IS 'one row per report'")
    con.close()
    publish_snapshot(warehouse, published)
    assert merges == []  # nothing to merge into yet

    con = duckdb.connect(str(warehouse))
    con.execute("DELETE FROM raw.reports WHERE report_id = 'city/市0/2024'")
    con.execute("UPDATE raw.reports SET title = 'retitled' WHERE report_id = 'city/市2/2024'")
    con.execute("INSERT INTO raw.reports VALUES ('county/某县/2025', NULL, 'abc', '新报告')")
    con.execute("INSERT INTO fct_target_vs_actual VALUES ('苏州市', 'gdp_growth', 2023, 5, 5.1, true, 2)")
    con.execute("DROP VIEW fct_doubled")
    con.close()
    merged = publish_snapshot(warehouse, published)
    assert merges == ['"main"."dim_report"']
    copied = publish_snapshot(warehouse, full, incremental=False)
    assert merges == ['"main"."dim_report"']

    assert merged.tables == copied.tables and merged.tables["dim_report"] == 5 and "fct_doubled" not in merged.tables
    a, b = connect_read_only(published), connect_read_only(full)
    try:
        assert _report_rows(a) == _report_rows(b)
        assert ("city/市2/2024", "retitled") in [r[:2] for r in _report_rows(a)]
        for query in ("SELECT table_name, comment FROM duckdb_tables() ORDER BY 1",
                      "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() ORDER BY 1, 2",
                      "SELECT * FROM fct_target_vs_actual ORDER BY region"):
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), query
    finally:
        a.close()
        b.close()

    # more new reports than are inserted one by one: one scan of the source
    con = duckdb.connect(str(warehouse))
    con.execute("INSERT INTO raw.reports SELECT 'town/镇' || i || '/2025', NULL, md5(i::VARCHAR), '文本' || i "
                "FROM range(?) t(i)", [publish_module._ROW_BY_ROW_INSERTS + 1])
    con.close()
    merged = publish_snapshot(warehouse, published)
    copied = publish_snapshot(warehouse, full, incremental=False)
    assert merges == ['"main"."dim_report"'] * 2
    assert merged.tables["dim_report"] == 5 + publish_module._ROW_BY_ROW_INSERTS + 1
    with connect_read_only(published) as a, connect_read_only(full) as b:
        assert _report_rows(a) == _report_rows(b)


def test_a_previous_snapshot_that_cannot_be_merged_into_is_replaced_by_a_full_copy(tmp_path: Path) -> None:
    warehouse, published = tmp_path / "wh.duckdb", tmp_path / "p.duckdb"
    _build_warehouse(warehouse)
    published.write_bytes(b"not a DuckDB file")
    result = publish_snapshot(warehouse, published)
    assert result.tables["dim_indicator"] == 2
    assert _leftovers(tmp_path) == []


def _regional_warehouse(path: Path) -> None:
    """A warehouse with two region-scoped marts: facts by region, and ranks within (indicator, year) groups."""
    con = duckdb.connect(str(path))
    con.execute("""
        CREATE TABLE fct_facts (region VARCHAR NOT NULL, region_level VARCHAR NOT NULL, year INTEGER, value DOUBLE);
        INSERT INTO fct_facts VALUES ('南京市', 'city', 2023, 4.6), ('苏州市', 'city', 2023, 4.8),
                                     ('无锡市', 'city', 2023, 5.0), ('江苏省', 'province', 2023, 5.8);
        CREATE TABLE fct_ranks (indicator_id VARCHAR, year INTEGER, region VARCHAR NOT NULL,
                                region_level VARCHAR NOT NULL, unit VARCHAR, rank_in_level INTEGER);
        INSERT INTO fct_ranks VALUES ('gdp_growth', 2023, '南京市', 'city', NULL, 3), ('gdp_growth', 2023, '苏州市', 'city', NULL, 2),
                                     ('gdp_growth', 2023, '无锡市', 'city', NULL, 1), ('gdp', 2023, '苏州市', 'city', '亿元', 1);
        COMMENT ON TABLE fct_facts IS '事实';
        COMMENT ON COLUMN fct_facts.value IS '数值';
    """)
    con.close()


_BY_REGION = {"fct_facts": ("region", "region_level"), "fct_ranks": ("indicator_id", "year", "region_level", "unit")}


def _rows(db: Path, table: str) -> list[tuple]:
    with connect_read_only(db) as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def test_a_publish_by_region_replaces_only_the_changed_regions_rows_and_their_groups(tmp_path: Path) -> None:
    """On top of the snapshot it names as its base, a publish replaces the rows of the changed regions (and, for a
    table of groups, every row of a group one of them is in) and keeps the rest of the snapshot's rows: here a
    region left out of the delta on purpose keeps its old rows, which shows the snapshot was updated, not copied."""
    warehouse, published = tmp_path / "wh.duckdb", tmp_path / "p.duckdb"
    _regional_warehouse(warehouse)
    first = publish_snapshot(warehouse, published)

    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE fct_facts SET value = 4.7 WHERE region = '南京市'")  # changed
    con.execute("INSERT INTO fct_facts VALUES ('常州市', 'city', 2023, 6.1)")  # new
    con.execute("DELETE FROM fct_facts WHERE region = '江苏省'")  # removed
    con.execute("UPDATE fct_facts SET value = 9.9 WHERE region = '无锡市'")  # changed, but not in the delta
    # the ranks of the gdp_growth group change for every city in it; the gdp group has no changed region
    con.execute("UPDATE fct_ranks SET rank_in_level = rank_in_level + 1 WHERE indicator_id = 'gdp_growth'")
    con.execute("INSERT INTO fct_ranks VALUES ('gdp_growth', 2023, '常州市', 'city', NULL, 1)")
    con.execute("UPDATE fct_ranks SET rank_in_level = 7 WHERE indicator_id = 'gdp'")  # not in a changed group
    con.close()
    changed = [("南京市", "city"), ("常州市", "city"), ("江苏省", "province")]
    second = publish_snapshot(warehouse, published, delta=SnapshotDelta(base=first.snapshot_id, regions=changed,
                                                                       tables=_BY_REGION))

    assert second.updated_by_region == ["fct_facts", "fct_ranks"] and second.snapshot_id != first.snapshot_id
    assert _rows(published, "fct_facts") == [("南京市", "city", 2023, 4.7), ("常州市", "city", 2023, 6.1),
                                             ("无锡市", "city", 2023, 5.0), ("苏州市", "city", 2023, 4.8)]
    assert _rows(published, "fct_ranks") == [
        ("gdp", 2023, "苏州市", "city", "亿元", 1),  # its group held no changed region: kept
        ("gdp_growth", 2023, "南京市", "city", None, 4), ("gdp_growth", 2023, "常州市", "city", None, 1),
        ("gdp_growth", 2023, "无锡市", "city", None, 2), ("gdp_growth", 2023, "苏州市", "city", None, 3)]
    assert second.tables == {"fct_facts": 4, "fct_ranks": 5}
    assert second.snapshot_id == snapshot_identity(published)
    with connect_read_only(published) as con:
        assert con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'fct_facts' "
                           "AND comment IS NOT NULL").fetchall() == [("value", "数值")]
        assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'fct_facts'").fetchall() == [("事实",)]


def test_a_publish_by_region_on_another_base_copies_every_table(tmp_path: Path) -> None:
    """A delta whose base is not the file in place (another publish came between, a file put there or opened for
    writing by hand) is not applied: every table is copied whole, so the snapshot equals the warehouse."""
    warehouse, published = tmp_path / "wh.duckdb", tmp_path / "p.duckdb"
    _regional_warehouse(warehouse)
    publish_snapshot(warehouse, published)
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE fct_facts SET value = 9.9 WHERE region = '无锡市'")
    con.close()
    result = publish_snapshot(warehouse, published, delta=SnapshotDelta(base="another", regions=[("南京市", "city")],
                                                                       tables=_BY_REGION))
    assert result.updated_by_region == []
    assert ("无锡市", "city", 2023, 9.9) in _rows(published, "fct_facts")

    # the file in place was written since the last publish (here: a copy of it put there): not its base either
    before = result.snapshot_id
    shutil.copyfile(published, tmp_path / "copy.duckdb")
    os.replace(tmp_path / "copy.duckdb", published)
    assert snapshot_identity(published) != before
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE fct_facts SET value = 8.8 WHERE region = '无锡市'")
    con.close()
    result = publish_snapshot(warehouse, published, delta=SnapshotDelta(base=before, regions=[("南京市", "city")],
                                                                       tables=_BY_REGION))
    assert result.updated_by_region == [] and ("无锡市", "city", 2023, 8.8) in _rows(published, "fct_facts")


def _parquet_rows(folder: Path) -> list[tuple]:
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT * FROM read_parquet('{folder}/*.parquet') ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_region_scoped_marts_are_exported_in_buckets_and_a_publish_by_region_rewrites_only_the_changed(
        tmp_path: Path) -> None:
    """fct_facts and fct_ranks become folders of buckets (a file of the old layout is removed); a publish by region
    writes only the buckets of the groups it replaced, and the folders always hold exactly the snapshot's rows."""
    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "p.duckdb", tmp_path / "exports"
    _regional_warehouse(warehouse)
    exports.mkdir()
    (exports / "fct_facts.parquet").write_bytes(b"old layout")
    first, counts = publish_with_exports(warehouse, published, exports, bucketed=_BY_REGION)
    assert not (exports / "fct_facts.parquet").exists() and counts == {"fct_facts": 4, "fct_ranks": 4}
    for table in _BY_REGION:
        assert _parquet_rows(exports / table) == _rows(published, table)
        manifest = json.loads((exports / table / ".export.json").read_text(encoding="utf-8"))
        assert manifest["snapshot"] == first.snapshot_id and manifest["columns"] == list(_BY_REGION[table])
    before = {p: p.stat().st_mtime_ns for p in exports.glob("fct_*/*.parquet")}
    assert 2 <= len(before) <= 8  # whole groups per bucket: the three cities and the province, two rank groups

    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE fct_facts SET value = 4.7 WHERE region = '南京市'")
    con.execute("UPDATE fct_ranks SET rank_in_level = rank_in_level + 1 WHERE indicator_id = 'gdp_growth'")
    con.close()
    time.sleep(0.01)
    second, _ = publish_with_exports(warehouse, published, exports, bucketed=_BY_REGION, delta=SnapshotDelta(
        base=first.snapshot_id, regions=[("南京市", "city")], tables=_BY_REGION))
    assert second.updated_by_region == ["fct_facts", "fct_ranks"]
    for table in _BY_REGION:
        assert _parquet_rows(exports / table) == _rows(published, table)
    rewritten = sorted(f"{p.parent.name}/{p.name}" for p, t in before.items() if p.stat().st_mtime_ns != t)
    with duckdb.connect() as con:  # the bucket of 南京市's rows, and of the gdp_growth 2023 group of cities
        bucket = {t: con.execute(f"SELECT {mart_bucket_sql(cols)} FROM (SELECT 'gdp_growth' AS indicator_id, 2023 AS "
                                 "year, '南京市' AS region, 'city' AS region_level, NULL::VARCHAR AS unit)").fetchone()[0]
                  for t, cols in _BY_REGION.items()}
    assert rewritten == sorted(f"{t}/{mart_bucket_name(b)}.parquet" for t, b in bucket.items())


def test_an_empty_mart_is_exported_as_a_folder_that_still_reads_as_a_table(tmp_path: Path) -> None:
    """A mart without rows (fct_value_conflicts on a small corpus) keeps one empty bucket with its columns, whole or
    after a publish by region emptied it, so readers of the folder get an empty table, not an error."""
    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "p.duckdb", tmp_path / "exports"
    _regional_warehouse(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE TABLE fct_empty AS SELECT * FROM fct_facts WHERE false")
    con.close()
    by_region = {**_BY_REGION, "fct_empty": ("region", "region_level")}
    first, counts = publish_with_exports(warehouse, published, exports, bucketed=by_region)
    assert counts["fct_empty"] == 0
    with duckdb.connect() as con:
        assert con.execute(f"SELECT count(*) FROM read_parquet('{exports / 'fct_empty'}/*.parquet')").fetchone() == (0,)
        assert [c[0] for c in con.execute(f"DESCRIBE SELECT * FROM '{exports / 'fct_empty'}/*.parquet'").fetchall()] == [
            "region", "region_level", "year", "value"]
    # every row of fct_facts gone by region: its folder keeps bucket 00, empty
    con = duckdb.connect(str(warehouse))
    regions = con.execute("SELECT DISTINCT region, region_level FROM fct_facts").fetchall()
    con.execute("DELETE FROM fct_facts")
    con.close()
    second, counts = publish_with_exports(warehouse, published, exports, bucketed=by_region, delta=SnapshotDelta(
        base=first.snapshot_id, regions=regions, tables=by_region))
    assert "fct_facts" in second.updated_by_region and counts["fct_facts"] == 0
    assert sorted(p.name for p in (exports / "fct_facts").glob("*.parquet")) == ["00.parquet"]
    assert _parquet_rows(exports / "fct_facts") == []
