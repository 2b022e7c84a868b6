"""Parquet exports of a published snapshot: one file per table, the report texts in buckets.

Every table of the snapshot's ``main`` schema is written whole to ``<table>.parquet``, except the large
text column of :data:`TEXT_BUCKETS` (``dim_report.report_text``): ``dim_report.parquet`` holds every other
column, and the texts go to ``report_texts/<bucket>.parquet`` (``report_id``, ``content_sha256``,
``report_text``), 256 buckets by the first two hex digits of ``md5(report_id)``. A bucket is written again
only when the rows it holds changed (a fingerprint of their other columns, kept in
``report_texts/.buckets.json``), so a run that adds one report rewrites one bucket of texts, not all of
them: the texts are most of the export's bytes and time (5.7 of 12.8 s of a publish of 10,000 reports).

Files are written into a temp folder first (:func:`write_exports`) and moved into place by
:func:`move_exports`; the bucket fingerprints are saved last, so an interrupted move is repaired by the
next export (a bucket whose saved fingerprint is not its new one is written again).

No Dagster imports here; :mod:`pipelines.warehouse.publish` calls these functions.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.warehouse.fsutil import fsync_path, remove_quietly
from pipelines.warehouse.quoting import quote_ident, quote_literal

BUCKET_MANIFEST = ".buckets.json"


@dataclass(frozen=True)
class TextBuckets:
    """A table's large text column, exported apart from the table in buckets of rows."""

    column: str
    key: str
    folder: str
    columns: tuple[str, ...]

    def bucket_sql(self) -> str:
        """The SQL expression of a row's bucket: the first two hex digits of md5 of its key."""
        return f"substr(md5(coalesce({quote_ident(self.key)}, '')), 1, 2)"


TEXT_BUCKETS: dict[str, TextBuckets] = {
    "dim_report": TextBuckets(column="report_text", key="report_id", folder="report_texts",
                              columns=("report_id", "content_sha256", "report_text")),
}


@dataclass
class BucketUpdate:
    """What an export changes in one text folder: buckets written (now in the temp folder) and removed."""

    folder: str
    fingerprints: dict[str, str]
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rows_written: int = 0


@dataclass
class ExportBatch:
    """Row count of every exported table, and the text buckets the export changes."""

    counts: dict[str, int] = field(default_factory=dict)
    buckets: list[BucketUpdate] = field(default_factory=list)


def write_exports(
    con: duckdb.DuckDBPyConnection, catalog: str, tables: list[str], incoming: Path, current: Path
) -> ExportBatch:
    """Write the Parquet files of ``catalog.main``'s ``tables`` into the folder ``incoming``.

    ``current`` is the folder the files will be moved to: text buckets whose rows are those of its
    export are not written again. Tables and columns are written as they are in the snapshot (zstd,
    32 MB row groups, insertion order not kept).
    """
    incoming.mkdir(parents=True, exist_ok=True)
    batch = ExportBatch()
    for name in tables:
        relation = f"{catalog}.main.{quote_ident(name)}"
        split = TEXT_BUCKETS.get(name)
        columns = _columns(con, catalog, name)
        if split is not None and split.column in columns and all(c in columns for c in split.columns):
            select = f"SELECT * EXCLUDE ({quote_ident(split.column)}) FROM {relation}"
            batch.buckets.append(_write_buckets(con, relation, split, columns, incoming, current))
        else:
            select = f"SELECT * FROM {relation}"
        batch.counts[name] = _copy(con, select, incoming / f"{name}.parquet")
    return batch


def move_exports(batch: ExportBatch, incoming: Path, export_dir: Path, prune: bool) -> None:
    """Move the files :func:`write_exports` wrote in ``incoming`` into ``export_dir`` (renames in one file
    system), remove the text buckets that no longer hold rows, then save the bucket fingerprints.

    With ``prune``, Parquet files and text folders of tables not in ``batch`` are removed too (the snapshot
    no longer holds those tables).
    """
    for name in sorted(batch.counts):
        os.replace(incoming / f"{name}.parquet", export_dir / f"{name}.parquet")
    for update in batch.buckets:
        folder = export_dir / update.folder
        folder.mkdir(exist_ok=True)
        for bucket in update.written:
            os.replace(incoming / update.folder / f"{bucket}.parquet", folder / f"{bucket}.parquet")
        for bucket in update.removed:
            remove_quietly(folder / f"{bucket}.parquet")
        fsync_path(folder)
        manifest_tmp = folder / f"{BUCKET_MANIFEST}.tmp"
        manifest_tmp.write_text(json.dumps({"buckets": update.fingerprints}, sort_keys=True), encoding="utf-8")
        os.replace(manifest_tmp, folder / BUCKET_MANIFEST)
    if prune:
        for old in export_dir.glob("*.parquet"):
            if old.stem not in batch.counts:
                old.unlink()
        kept = {u.folder for u in batch.buckets}
        for split in TEXT_BUCKETS.values():
            folder = export_dir / split.folder
            if split.folder not in kept and folder.is_dir():
                for child in folder.iterdir():
                    child.unlink()
                folder.rmdir()


def _write_buckets(con: duckdb.DuckDBPyConnection, relation: str, split: TextBuckets, columns: list[str],
                   incoming: Path, current: Path) -> BucketUpdate:
    """Write the buckets of ``split`` whose rows differ from ``current``'s export; say which to remove."""
    others = [c for c in columns if c != split.column]
    row = "to_json(struct_pack(" + ", ".join(f"{quote_ident(c)} := {quote_ident(c)}" for c in others) + "))::VARCHAR"
    fingerprints = dict(con.execute(
        f"SELECT {split.bucket_sql()} AS bucket, md5(string_agg({row}, chr(10) ORDER BY {row})) "
        f"FROM {relation} GROUP BY bucket").fetchall())
    folder = current / split.folder
    saved = _saved_fingerprints(folder)
    present = {p.stem for p in folder.glob("*.parquet")} if folder.is_dir() else set()
    update = BucketUpdate(folder=split.folder, fingerprints=fingerprints)
    update.written = sorted(b for b, fp in fingerprints.items() if saved.get(b) != fp or b not in present)
    update.removed = sorted((present | set(saved)) - set(fingerprints))
    (incoming / split.folder).mkdir(parents=True, exist_ok=True)
    selected = ", ".join(quote_ident(c) for c in split.columns)
    for bucket in update.written:
        update.rows_written += _copy(
            con, f"SELECT {selected} FROM {relation} WHERE {split.bucket_sql()} = {quote_literal(bucket)}",
            incoming / split.folder / f"{bucket}.parquet")
    return update


def _saved_fingerprints(folder: Path) -> dict[str, str]:
    """The bucket fingerprints of the export in ``folder``; empty when there are none or they cannot be read."""
    try:
        saved = json.loads((folder / BUCKET_MANIFEST).read_text(encoding="utf-8"))["buckets"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(k): str(v) for k, v in saved.items()} if isinstance(saved, dict) else {}


def _copy(con: duckdb.DuckDBPyConnection, select: str, target: Path) -> int:
    """``COPY (select) TO target`` as zstd Parquet, flushed to disk; the number of rows written."""
    row = con.execute(f"COPY ({select}) TO {quote_literal(str(target))} "
                      "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE_BYTES '32MB')").fetchone()
    fsync_path(target)
    return int(row[0]) if row else 0


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, name: str) -> list[str]:
    return [c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = ? ORDER BY column_index", [catalog, name]).fetchall()]
