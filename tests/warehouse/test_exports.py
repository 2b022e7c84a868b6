"""The Parquet exports of the report texts: buckets, rewritten only where the reports they hold changed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipelines.warehouse.exports import BUCKET_MANIFEST
from pipelines.warehouse.publish import publish_with_exports


def _bucket(report_id: str) -> str:
    return hashlib.md5(report_id.encode()).hexdigest()[:2]


def _warehouse(path: Path, reports: int) -> None:
    """A warehouse whose dim_report is a view over raw.reports (as dbt builds it) and one small mart."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.reports AS SELECT 'county/县' || i || '/2024' AS report_id, 2024 AS report_year, "
                    "md5(i::VARCHAR) AS content_sha256, repeat('政府工作报告第' || i || '号', 200) AS report_text "
                    "FROM range(?) t(i)", [reports])
        con.execute("CREATE VIEW dim_report AS SELECT * FROM raw.reports")
        con.execute("CREATE TABLE fct_small AS SELECT 1 AS x")


def _texts(exports: Path) -> dict[str, str]:
    table = pq.read_table(exports / "report_texts")
    return dict(zip(table.column("report_id").to_pylist(), table.column("report_text").to_pylist(), strict=True))


def _bucket_bytes(exports: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in (exports / "report_texts").glob("*.parquet")}


def test_texts_are_exported_in_buckets_beside_a_dim_report_without_them(tmp_path: Path) -> None:
    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "wh.published.duckdb", tmp_path / "exports"
    _warehouse(warehouse, 40)

    _, counts = publish_with_exports(warehouse, published, exports)

    assert counts == {"dim_report": 40, "fct_small": 1}
    dim = pq.read_table(exports / "dim_report.parquet")
    assert dim.num_rows == 40 and "report_text" not in dim.column_names and "content_sha256" in dim.column_names
    texts = _texts(exports)
    assert len(texts) == 40 and texts["county/县7/2024"] == "政府工作报告第7号" * 200
    buckets = {_bucket(f"county/县{i}/2024") for i in range(40)}
    assert set(_bucket_bytes(exports)) == buckets
    for bucket in buckets:  # each file holds exactly its bucket's reports
        ids = pq.read_table(exports / "report_texts" / f"{bucket}.parquet").column("report_id").to_pylist()
        assert ids and {_bucket(i) for i in ids} == {bucket}
    saved = json.loads((exports / "report_texts" / BUCKET_MANIFEST).read_text())["buckets"]
    assert set(saved) == buckets
    assert not list(exports.glob(".next-*"))


def test_a_new_changed_or_removed_report_rewrites_only_its_bucket(tmp_path: Path) -> None:
    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "wh.published.duckdb", tmp_path / "exports"
    _warehouse(warehouse, 40)
    publish_with_exports(warehouse, published, exports)
    before = _bucket_bytes(exports)

    new, changed, removed = "county/新县/2025", "county/县3/2024", "county/县5/2024"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("INSERT INTO raw.reports VALUES (?, 2025, 'n', '新的报告')", [new])
        con.execute("UPDATE raw.reports SET content_sha256 = 'c', report_text = '改过的报告' WHERE report_id = ?", [changed])
        con.execute("DELETE FROM raw.reports WHERE report_id = ?", [removed])
    _, counts = publish_with_exports(warehouse, published, exports)

    after = _bucket_bytes(exports)
    rewritten = {b for b in after if before.get(b) != after[b]} | (set(before) - set(after))
    left_in_removed_bucket = [i for i in range(40) if i != 5 and _bucket(f"county/县{i}/2024") == _bucket(removed)]
    assert rewritten == {_bucket(new), _bucket(changed), _bucket(removed)}
    assert (_bucket(removed) in after) == bool(left_in_removed_bucket)
    texts = _texts(exports)
    assert counts["dim_report"] == 40 and len(texts) == 40
    assert texts[new] == "新的报告" and texts[changed] == "改过的报告" and removed not in texts

    # the same as an export made from scratch
    fresh = tmp_path / "fresh"
    publish_with_exports(warehouse, tmp_path / "fresh.duckdb", fresh)
    assert _texts(fresh) == texts
    assert set(_bucket_bytes(fresh)) == set(after)


def test_an_export_without_its_saved_fingerprints_writes_every_bucket_again(tmp_path: Path) -> None:
    """An export interrupted between moving the buckets and saving their fingerprints is repaired by the next."""
    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "wh.published.duckdb", tmp_path / "exports"
    _warehouse(warehouse, 12)
    publish_with_exports(warehouse, published, exports)
    (exports / "report_texts" / BUCKET_MANIFEST).unlink()
    stale = exports / "report_texts" / "zz.parquet"
    stale.write_bytes(b"a bucket no report hashes to")
    for path in (exports / "report_texts").glob("*.parquet"):
        if path != stale:
            path.write_bytes(b"damaged")

    publish_with_exports(warehouse, published, exports)

    assert len(_texts(exports)) == 12 and not stale.exists()
    assert (exports / "report_texts" / BUCKET_MANIFEST).exists()


def test_a_damaged_bucket_file_is_written_again_from_the_snapshot(tmp_path: Path) -> None:
    """The previous file of a bucket that changes cannot be read: the bucket is written from the snapshot."""
    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "wh.published.duckdb", tmp_path / "exports"
    _warehouse(warehouse, 50)
    publish_with_exports(warehouse, published, exports)
    ids = [f"county/县{i}/2024" for i in range(50)]
    # a report whose bucket holds another one, so the bucket's previous file is read for the rows it keeps
    changed = next(i for i in ids if sum(_bucket(j) == _bucket(i) for j in ids) > 1)
    (exports / "report_texts" / f"{_bucket(changed)}.parquet").write_bytes(b"PAR1 damaged")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE raw.reports SET content_sha256 = 'c', report_text = '改过的报告' WHERE report_id = ?", [changed])

    publish_with_exports(warehouse, published, exports)

    texts = _texts(exports)
    assert len(texts) == 50 and texts[changed] == "改过的报告"
    assert texts["county/县9/2024"] == "政府工作报告第9号" * 200


def test_texts_of_a_dim_report_the_snapshot_lost_are_removed(tmp_path: Path) -> None:
    warehouse, published, exports = tmp_path / "wh.duckdb", tmp_path / "wh.published.duckdb", tmp_path / "exports"
    _warehouse(warehouse, 3)
    publish_with_exports(warehouse, published, exports)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DROP VIEW dim_report")
    _, counts = publish_with_exports(warehouse, published, exports)
    assert counts == {"fct_small": 1}
    assert not (exports / "report_texts").exists() and not (exports / "dim_report.parquet").exists()
