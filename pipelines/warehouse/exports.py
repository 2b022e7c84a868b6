"""Parquet exports of a published snapshot: one file per table, the report texts in buckets.

Every table of the snapshot's ``main`` schema is written whole to ``<table>.parquet``, except the large
text column of :data:`TEXT_BUCKETS` (``dim_report.report_text``): ``dim_report.parquet`` holds every other
column, and the texts go to ``report_texts/<bucket>.parquet`` (``report_id``, ``content_sha256``,
``report_text``), 256 buckets by the first two hex digits of ``md5(report_id)``. A bucket is written again
only when the rows it holds changed (a fingerprint of their other columns, kept in
``report_texts/.buckets.json``), so a run that adds one report rewrites one bucket of texts, not all of
them: the texts are most of the export's bytes and time (5.7 of 12.8 s of a publish of 10,000 reports).

The marts that grow with the warehouse and change region by region (those a publish updates by region, see
:class:`~pipelines.warehouse.publish.SnapshotDelta`) are exported the same way, as folders: ``<table>/<bucket>.parquet``,
64 buckets by DuckDB's ``hash`` of the columns that group their rows (:class:`MartBuckets`; fewer than the texts'
256: DuckDB's partitioned write of a mart into 64 files takes about twice as long as into one, into 256 three times). A publish that
updated the snapshot by region rewrites only the buckets of the groups it replaced, when the folder is the export
of the snapshot it updated (``<table>/.export.json`` names that snapshot and the DuckDB version whose ``hash`` placed
the rows); otherwise every bucket is written in one pass.

Files are written into a temp folder first (:func:`write_exports`) and moved into place by
:func:`move_exports`; the bucket fingerprints are saved last, so an interrupted move is repaired by the
next export (a bucket whose saved fingerprint is not its new one is written again).

No Dagster imports here; :mod:`pipelines.warehouse.publish` calls these functions.
"""

from __future__ import annotations

import json
import os
import shutil
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
    fingerprints: dict[str, dict[str, str]]  # bucket -> key -> fingerprint of the row's other columns
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MartBuckets:
    """A mart exported as a folder of buckets (see the module's docstring).

    ``columns`` group its rows (a bucket holds whole groups); ``changed`` are the bucket numbers whose rows changed since
    the snapshot ``base`` (None: unknown, every bucket is written); ``snapshot`` is the identity of the snapshot
    being exported, recorded in the folder's manifest.
    """

    columns: tuple[str, ...]
    snapshot: str
    base: str | None = None
    changed: frozenset[int] | None = None


MART_BUCKETS = 64


def mart_bucket_sql(columns: tuple[str, ...]) -> str:
    """The SQL expression of a mart row's bucket number: DuckDB's ``hash`` of its group columns modulo
    :data:`MART_BUCKETS` (an integer, so a filter on it is cheap); its file is :func:`mart_bucket_name`."""
    return f"(hash({', '.join(quote_ident(c) for c in columns)}) % {MART_BUCKETS})"


def mart_bucket_name(number: int) -> str:
    """The file stem of bucket ``number``: two hex digits (``00``–``3f``)."""
    return f"{number:02x}"


MART_MANIFEST = ".export.json"


@dataclass
class FolderUpdate:
    """What an export changes in one mart's folder: every bucket (``whole``) or the buckets written and removed."""

    table: str
    manifest: dict
    whole: bool
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class ExportBatch:
    """Row count of every exported table, the text buckets and the mart folders the export changes."""

    counts: dict[str, int] = field(default_factory=dict)
    buckets: list[BucketUpdate] = field(default_factory=list)
    folders: list[FolderUpdate] = field(default_factory=list)


def write_exports(
    con: duckdb.DuckDBPyConnection, catalog: str, tables: list[str], incoming: Path, current: Path,
    marts: dict[str, MartBuckets] | None = None,
) -> ExportBatch:
    """Write the Parquet files of ``catalog.main``'s ``tables`` into the folder ``incoming``.

    ``current`` is the folder the files will be moved to: text buckets whose rows are those of its
    export are not written again. ``marts`` are exported as folders of buckets (:class:`MartBuckets`). Tables
    and columns are written as they are in the snapshot (zstd, 32 MB row groups, insertion order not kept).
    """
    incoming.mkdir(parents=True, exist_ok=True)
    batch = ExportBatch()
    for name in tables:
        relation = f"{catalog}.main.{quote_ident(name)}"
        if marts and name in marts:
            update, batch.counts[name] = _write_mart_buckets(con, relation, name, marts[name], incoming, current)
            batch.folders.append(update)
            continue
        split = TEXT_BUCKETS.get(name)
        columns = _columns(con, catalog, name)
        if split is not None and all(c in columns for c in split.columns):
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
    folders = {u.table for u in batch.folders}
    for name in sorted(set(batch.counts) - folders):
        os.replace(incoming / f"{name}.parquet", export_dir / f"{name}.parquet")
    for folder_update in batch.folders:
        _move_mart_folder(folder_update, incoming, export_dir)
    for update in batch.buckets:
        folder = export_dir / update.folder
        _move_buckets(incoming / update.folder, folder, update.written, update.removed)
        _save_manifest(folder, BUCKET_MANIFEST, {"buckets": update.fingerprints})
    if prune:
        for old in export_dir.glob("*.parquet"):
            if old.stem not in batch.counts or old.stem in folders:  # gone, or now a folder
                old.unlink()
        for old in export_dir.iterdir():
            if old.is_dir() and (old / MART_MANIFEST).exists() and old.name not in folders:
                shutil.rmtree(old)
        kept = {u.folder for u in batch.buckets}
        for split in TEXT_BUCKETS.values():
            folder = export_dir / split.folder
            if split.folder not in kept and folder.is_dir():
                shutil.rmtree(folder)


def _write_buckets(con: duckdb.DuckDBPyConnection, relation: str, split: TextBuckets, columns: list[str],
                   incoming: Path, current: Path) -> BucketUpdate:
    """Write the buckets of ``split`` whose rows differ from ``current``'s export; say which to remove.

    A row is identified by its key and a fingerprint of its other columns. When few rows are new, a changed
    bucket is its previous file's rows that are still current plus the new rows, each read from the source
    by its key (one vector of texts each, see :class:`~pipelines.warehouse.publish.MergedTable`); otherwise
    the changed buckets are written in one pass over the source (:func:`_stream_buckets`).
    """
    others = [c for c in columns if c != split.column]
    row_fp = "md5(to_json(struct_pack(" + ", ".join(f"{quote_ident(c)} := {quote_ident(c)}" for c in others) + ")))"
    rows = con.execute(f"SELECT {split.bucket_sql()}, {quote_ident(split.key)}, {row_fp} FROM {relation}").fetchall()
    fingerprints: dict[str, dict[str, str]] = {}
    unique_keys = True
    for bucket, key, fp in rows:
        in_bucket = fingerprints.setdefault(bucket, {})
        unique_keys = unique_keys and key is not None and key not in in_bucket
        in_bucket[key] = fp
    folder = current / split.folder
    saved = _saved_fingerprints(folder)
    present = {p.stem for p in folder.glob("*.parquet")} if folder.is_dir() else set()
    update = BucketUpdate(folder=split.folder, fingerprints=fingerprints)
    update.written = sorted(b for b, fps in fingerprints.items() if saved.get(b) != fps or b not in present)
    update.removed = sorted((present | set(saved)) - set(fingerprints))
    if not update.written:
        return update
    target = incoming / split.folder
    target.mkdir(parents=True, exist_ok=True)
    kept = {b: sorted(k for k, fp in fingerprints[b].items() if b in present and saved.get(b, {}).get(k) == fp)
            for b in update.written}
    new = {b: sorted(set(fingerprints[b]) - set(kept[b])) for b in update.written}
    if not unique_keys or sum(map(len, new.values())) > _NEW_ROWS_READ_BY_KEY:
        _stream_buckets(con, relation, split, set(update.written), target)
        return update
    selected = ", ".join(quote_ident(c) for c in split.columns)
    key = quote_ident(split.key)
    try:
        for bucket in update.written:
            parts = [f"SELECT {selected} FROM {relation} WHERE {key} = {quote_literal(k)}" for k in new[bucket]]
            if kept[bucket]:
                previous = quote_literal(str(folder / f"{bucket}.parquet"))
                parts.append(f"SELECT {selected} FROM read_parquet({previous}) "
                             f"WHERE {key} IN ({', '.join(map(quote_literal, kept[bucket]))})")
            _copy(con, " UNION ALL ".join(parts), target / f"{bucket}.parquet")
    except duckdb.Error:  # a previous bucket file that cannot be read (damaged, replaced): write from the source
        _stream_buckets(con, relation, split, set(update.written), target)
    return update


# Up to this many new or changed rows are read from the source one by one by their key (each read decompresses
# one vector of texts, about 0.2 s at 10,000 reports); more, and one pass over all the texts is cheaper.
_NEW_ROWS_READ_BY_KEY = 8


def _stream_buckets(con: duckdb.DuckDBPyConnection, relation: str, split: TextBuckets, buckets: set[str],
                    target: Path) -> None:
    """Write the files of ``buckets`` in one pass over ``relation`` (DuckDB's ``PARTITION_BY``).

    One pass, because DuckDB decompresses the whole text column for any filter on another column. The partitioned
    write keeps a buffer per bucket: flushed every 4 rows, on one thread, it stays within the memory limit (the
    process peaked at 429 MB for 10,000 reports under 384MB, 6.8 s; with DuckDB's defaults it ran out of memory,
    and a Parquet writer per bucket in Python took 979 MB).
    """
    selected = ", ".join(quote_ident(c) for c in split.columns)
    wanted = ", ".join(map(quote_literal, sorted(buckets)))
    written = _partitioned_copy(con, f"SELECT {split.bucket_sql()} AS __bucket, {selected} FROM {relation} "
                                     f"WHERE {split.bucket_sql()} IN ({wanted})", target, _PARTITIONED_WRITE_SETTINGS)
    for bucket in sorted(buckets - written):  # cannot happen (a wanted bucket has rows): an empty file, not none
        _copy(con, f"SELECT {selected} FROM {relation} WHERE false", target / f"{bucket}.parquet")


_PARTITIONED_WRITE_SETTINGS = {"partitioned_write_flush_threshold": 4, "partitioned_write_max_open_files": 300,
                               "threads": 1}


def _write_mart_buckets(con: duckdb.DuckDBPyConnection, relation: str, name: str, spec: MartBuckets,
                        incoming: Path, current: Path) -> tuple[FolderUpdate, int]:
    """Write ``name``'s buckets into ``incoming/name/``: the changed ones when ``current/name`` is the export of
    ``spec.base`` made with this DuckDB's ``hash``, else all of them; the update and the table's row count.

    Bucket ``00`` is always there, with no rows when none fall in it, so that the folder of an empty mart still
    holds its columns (``read_parquet('<table>/*.parquet')`` fails on a folder without files)."""
    bucket = mart_bucket_sql(spec.columns)
    manifest = {"snapshot": spec.snapshot, "columns": list(spec.columns), "duckdb": duckdb.__version__}
    target = incoming / name
    target.mkdir(parents=True, exist_ok=True)
    total = int(con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0])
    saved = _read_json(current / name / MART_MANIFEST)
    in_step = (spec.changed is not None and spec.base is not None and saved.get("snapshot") == spec.base
               and saved.get("columns") == list(spec.columns) and saved.get("duckdb") == duckdb.__version__)
    update = FolderUpdate(table=name, manifest=manifest, whole=not in_step)
    if not in_step:
        written = _partitioned_copy(con, f"SELECT printf('%02x', {bucket}) AS __bucket, * FROM {relation}", target,
                                    _MART_WRITE_SETTINGS)
        if mart_bucket_name(0) not in written:
            _copy(con, f"SELECT * FROM {relation} WHERE false", target / f"{mart_bucket_name(0)}.parquet")
        update.written = sorted(written | {mart_bucket_name(0)})
        return update, total
    for number in sorted(spec.changed or ()):
        b = mart_bucket_name(number)
        rows = _copy(con, f"SELECT * FROM {relation} WHERE {bucket} = {int(number)}", target / f"{b}.parquet")
        if rows or number == 0:  # bucket 00 stays, empty or not
            update.written.append(b)
        else:  # the bucket's groups are gone
            remove_quietly(target / f"{b}.parquet")
            update.removed.append(b)
    return update, total


def _move_mart_folder(update: FolderUpdate, incoming: Path, export_dir: Path) -> None:
    """Put a mart's new buckets in place: the whole folder swapped for the new one, or bucket by bucket; the
    manifest last, so an interrupted move leaves a folder the next export writes whole."""
    folder = export_dir / update.table
    if update.whole:
        previous = export_dir / f".old-{update.table}-{os.getpid()}"
        shutil.rmtree(previous, ignore_errors=True)
        if folder.exists():
            os.replace(folder, previous)
        os.replace(incoming / update.table, folder)
        shutil.rmtree(previous, ignore_errors=True)
        fsync_path(folder)
    else:
        remove_quietly(folder / MART_MANIFEST)
        _move_buckets(incoming / update.table, folder, update.written, update.removed)
    _save_manifest(folder, MART_MANIFEST, update.manifest)


# A mart's rows are short: buffered by 20,000 per bucket, the whole write of the largest mart at 10,000 reports took
# 2.2 s at a process peak of 400 MB under 384MB; flushed every 4 rows (the texts' setting) 17 s.
_MART_WRITE_SETTINGS = {"partitioned_write_flush_threshold": 20000, "partitioned_write_max_open_files": 300}


def _partitioned_copy(con: duckdb.DuckDBPyConnection, select: str, target: Path, settings: dict[str, int]) -> set[str]:
    """Write ``select``'s rows (a ``__bucket`` column first) to ``target/<bucket>.parquet`` in one pass (DuckDB's
    ``PARTITION_BY``, under ``settings``); the buckets written (those with rows)."""
    staging = target / ".partitioned"
    saved = {k: con.execute(f"SELECT current_setting('{k}')").fetchone()[0] for k in settings}
    for name, value in settings.items():
        con.execute(f"SET {name} = {value}")
    try:
        con.execute(f"COPY ({select}) TO {quote_literal(str(staging))} (FORMAT parquet, COMPRESSION zstd, "
                    "PARTITION_BY (__bucket), WRITE_PARTITION_COLUMNS false, ROW_GROUP_SIZE_BYTES '8MB')")
    finally:
        for name, value in saved.items():
            con.execute(f"SET {name} = {quote_literal(str(value))}")
    written: set[str] = set()
    for part_dir in sorted(staging.glob("__bucket=*")):
        bucket = part_dir.name.split("=", 1)[1]
        parts = sorted(part_dir.glob("*.parquet"))
        destination = target / f"{bucket}.parquet"
        if len(parts) == 1:
            os.replace(parts[0], destination)
        else:  # DuckDB closed a bucket's file and opened another
            _copy(con, "SELECT * FROM read_parquet([" + ", ".join(quote_literal(str(p)) for p in parts) + "])",
                  destination)
        fsync_path(destination)
        written.add(bucket)
    shutil.rmtree(staging, ignore_errors=True)
    return written


def _move_buckets(source: Path, folder: Path, written: list[str], removed: list[str]) -> None:
    """Move the ``written`` buckets from ``source`` into ``folder`` and delete the ``removed`` ones there."""
    folder.mkdir(exist_ok=True)
    for bucket in written:
        os.replace(source / f"{bucket}.parquet", folder / f"{bucket}.parquet")
    for bucket in removed:
        remove_quietly(folder / f"{bucket}.parquet")
    fsync_path(folder)


def _save_manifest(folder: Path, name: str, content: dict) -> None:
    """Write ``folder/name`` (JSON) by a rename: last, after the files it describes."""
    tmp = folder / f"{name}.tmp"
    tmp.write_text(json.dumps(content, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / name)


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _saved_fingerprints(folder: Path) -> dict[str, dict[str, str]]:
    """The row fingerprints, by bucket, of the export in ``folder``; empty when there are none or they cannot be read."""
    try:
        saved = _read_json(folder / BUCKET_MANIFEST)["buckets"]
        return {str(b): {str(k): str(v) for k, v in rows.items()} for b, rows in saved.items()}
    except (KeyError, TypeError, AttributeError):
        return {}


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
