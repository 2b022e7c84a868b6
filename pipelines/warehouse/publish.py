"""Publish the warehouse for BI tools: an atomic read-only DuckDB snapshot and Parquet exports.

The building warehouse is written only by the pipeline. BI tools and analysts open the *published*
snapshot instead: ``publish_snapshot`` copies the tables (and views, materialised as tables) of the
chosen schemas with their comments into a temp file in the same folder, checkpoints and closes it,
then ``os.replace``-s it onto the published path. A reader holding the old file keeps its inode
(Linux/POSIX), so it never blocks the next publish and never sees a half-built state.

No Dagster imports here; the Dagster asset that calls these functions is a thin wrapper.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.warehouse.exports import ExportBatch, MartBuckets, mart_bucket_sql, move_exports, write_exports
from pipelines.warehouse.faults import Pause, pause_at
from pipelines.warehouse.fsutil import fsync_path, remove_quietly
from pipelines.warehouse.limits import connect_duckdb, publish_memory_limit
from pipelines.warehouse.quoting import quote_ident, quote_literal

try:  # POSIX only; on other platforms publishes are not serialised across processes
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

_SRC = "__govreport_src"
_DST = "__govreport_dst"
_RO = "wh"


@dataclass(frozen=True)
class SnapshotDelta:
    """How a publish may update the previous snapshot instead of copying the marts whole.

    ``base`` is the identity of the file the last publish swapped in (:func:`snapshot_identity`: inode, size and
    modification time; not a table, which BI tools would list among the marts);
    ``regions`` the ``(region, region_level)`` whose rows changed in the warehouse since then; ``tables`` says,
    for each table updated that way, the columns of its row groups: every group holding a row of a changed
    region, in the snapshot or in the warehouse, is replaced with the warehouse's rows of that group
    (``("region", "region_level")`` for a mart whose rows depend on their own region only). Used only when the
    file in place is still ``base``; every other table is copied whole.
    """

    base: str
    regions: list[tuple[str, str]]
    tables: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class SwapContext:
    """What :func:`publish_snapshot` tells ``before_swap`` about the new snapshot: its future identity (a rename
    keeps inode, size and modification time), the snapshot it updated by region (``base``, None when copied whole)
    and, per table updated that way, the export buckets (:func:`~pipelines.warehouse.exports.mart_bucket_sql`) of
    the row groups it replaced."""

    identity: str
    base: str | None = None
    changed_buckets: dict[str, frozenset[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote: the published path, the row count of every copied table, the new file's
    :func:`snapshot_identity`, and the tables it updated by region instead of copying (:class:`SnapshotDelta`)."""

    path: Path
    source: Path
    tables: dict[str, int]
    materialised_views: list[str] = field(default_factory=list)
    snapshot_id: str = ""
    updated_by_region: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        """Sum of rows over all published tables."""
        return sum(self.tables.values())


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only in a fresh in-memory DuckDB instance, with it as the default catalog.

    Unlike ``duckdb.connect(path, read_only=True)`` this bypasses DuckDB's per-process instance
    cache, so a new connection sees the file currently at ``path`` (the latest published snapshot),
    not the one an older open connection of the same process still holds.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    con = connect_duckdb()
    try:
        con.execute(f"ATTACH {quote_literal(str(path))} AS {_RO} (READ_ONLY)")
        con.execute(f"USE {_RO}")
    except Exception:
        con.close()
        raise
    return con


def publish_snapshot(
    warehouse: Path,
    published: Path,
    schemas: tuple[str, ...] = ("main",),
    *,
    storage_version: str | None = None,
    before_swap: Callable[[Path, SwapContext], None] | None = None,
    pause: Pause | None = None,
    incremental: bool = True,
    delta: SnapshotDelta | None = None,
) -> PublishResult:
    """Copy the warehouse's ``schemas`` into a new file and atomically swap it onto ``published``.

    With ``incremental`` (the default) and a previous snapshot in place, the new file starts as a copy of
    the previous one and the tables of :data:`MERGED_TABLES` (the report texts) are brought up to date
    row by row instead of being copied whole: a run that adds one report writes one text, not all of
    them. With a ``delta`` whose base is the previous snapshot, its tables are updated by region
    (:class:`SnapshotDelta`). Every other table is copied whole. A previous snapshot that cannot be used that
    way (another layout, unreadable) is ignored and everything is copied; ``incremental=False`` always copies
    everything (the daily full build does, so the file never keeps the free space of deleted rows for long).

    Tables are copied with CREATE TABLE AS (types kept, NOT NULL restored), views are materialised
    as tables, and table/view/column comments are carried over so BI tools show descriptions. The
    source is attached read-only only for the copy transaction. Concurrent publishes to the same
    target are serialised with a lock file; stale temp files of killed publishes are removed.
    ``storage_version`` (e.g. ``"v1.1.0"``) writes a file older DuckDB readers can open.
    ``before_swap(tmp, context)`` runs on the complete new snapshot just before it is swapped in (the
    Parquet exports are made there, see :func:`publish_with_exports`); if it raises, nothing is swapped.
    Raises on any failure, leaving the previous published file untouched. ``pause`` is a fault-test
    hook called at ``"copying"`` (inside the copy transaction) and ``"before_replace"`` (temp file
    complete, not yet swapped in); see :mod:`pipelines.warehouse.faults`.
    """
    warehouse = Path(warehouse).resolve()
    published = Path(published).resolve()
    if not warehouse.exists():
        raise FileNotFoundError(warehouse)
    if warehouse == published:
        raise ValueError("the published snapshot must be a different file from the warehouse")
    published.parent.mkdir(parents=True, exist_ok=True)

    with _exclusive_lock(published.with_name(f".{published.name}.lock")):
        _remove_stale_temps(published)
        tmp = published.with_name(f"{published.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        previous = published if incremental and storage_version is None and published.exists() else None
        by_region = delta if delta is not None and previous is not None and \
            snapshot_identity(previous) == delta.base else None
        try:
            try:
                copied = _copy_into(warehouse, tmp, schemas, storage_version, pause, previous, by_region)
            except duckdb.Error:
                if previous is None:
                    raise
                remove_quietly(tmp)  # the previous snapshot could not be merged into: copy everything
                remove_quietly(tmp.with_name(tmp.name + ".wal"))
                copied = _copy_into(warehouse, tmp, schemas, storage_version, pause)
            pause_at(pause, "before_replace")
            fsync_path(tmp)
            if before_swap is not None:
                before_swap(tmp, SwapContext(identity=snapshot_identity(tmp),
                                             base=by_region.base if copied.updated_by_region and by_region else None,
                                             changed_buckets=copied.changed_buckets))
            # A WAL beside the published file could only be left by a crashed writer: never pair it
            # with the new file.
            remove_quietly(published.with_name(published.name + ".wal"))
            os.replace(tmp, published)
            fsync_path(published.parent)
            identity = snapshot_identity(published)
        except BaseException:
            remove_quietly(tmp)
            remove_quietly(tmp.with_name(tmp.name + ".wal"))
            raise
    return PublishResult(path=published, source=warehouse, tables=copied.counts, materialised_views=copied.views,
                         snapshot_id=identity, updated_by_region=copied.updated_by_region)


def snapshot_identity(path: Path) -> str:
    """Which file is at ``path``: its inode, size and modification time (``""`` when there is none).

    A publish swaps in a new file (a new inode) and nothing else writes the snapshot, so the same identity
    means the file the last publish wrote, unchanged since (readers open it read-only). Kept in the warehouse
    (``raw.build_state.delta_base``) rather than in the snapshot, where BI tools would list it as a table.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return ""
    return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def export_marts(
    warehouse_or_published: Path, export_dir: Path, tables: list[str] | None = None
) -> dict[str, int]:
    """Write one Parquet file per mart table to ``export_dir/<table>.parquet``; return row counts.

    ``dim_report``'s texts go to ``export_dir/report_texts/`` in buckets, written again only where they
    changed (:mod:`pipelines.warehouse.exports`). The files are written into a temp folder inside
    ``export_dir`` and renamed into place, so a reader sees either the old or the new file. ``tables``
    defaults to every table (or view) of the ``main`` schema (in a published snapshot: every mart,
    dimension and ingest_quarantine); unknown names raise ``ValueError``.
    """
    export_dir = Path(export_dir).resolve()
    export_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(export_dir / ".export.lock"):
        return _export_and_move(Path(warehouse_or_published), export_dir, tables, prune=False)


def _export_and_move(source: Path, export_dir: Path, tables: list[str] | None, prune: bool,
                     pause: Pause | None = None, marts: dict[str, MartBuckets] | None = None) -> dict[str, int]:
    """Export ``source``'s tables into a temp folder in ``export_dir``, then move them into place (the
    caller holds the export lock). ``prune`` removes exports of tables ``source`` no longer has."""
    for stale in [*export_dir.glob(".next-*"), *export_dir.glob(".*.parquet.tmp-*"), *export_dir.glob(".old-*")]:
        if stale.is_dir():
            _remove_tree(stale)
        else:
            remove_quietly(stale)
    incoming = export_dir / f".next-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        batch = _export_to(source, incoming, tables, export_dir, marts)
        pause_at(pause, "exports_ready")
        move_exports(batch, incoming, export_dir, prune=prune)
        fsync_path(export_dir)
    finally:
        _remove_tree(incoming)
    return batch.counts


def _export_to(source: Path, incoming: Path, tables: list[str] | None, current: Path,
               marts: dict[str, MartBuckets] | None = None) -> ExportBatch:
    """Write the marts of ``source`` into the folder ``incoming`` (see :func:`write_exports`)."""
    con = connect_read_only(source)
    try:
        # Rows of a mart have no order; without keeping it, and with row groups capped in bytes, DuckDB streams
        # a table of long texts instead of holding a 122,880-row group of them in memory.
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET memory_limit = {quote_literal(publish_memory_limit())}")
        names = sorted({name for (_schema, name) in _relations(con, _RO, ("main",))})
        if tables is None:
            selected = names
        else:
            unknown = sorted(set(tables) - set(names))
            if unknown:
                raise ValueError(f"no such table in main: {', '.join(unknown)}")
            selected = list(tables)
        return write_exports(con, _RO, selected, incoming, current,
                             {k: v for k, v in (marts or {}).items() if k in selected})
    finally:
        con.close()


def publish_with_exports(
    warehouse: Path, published: Path, export_dir: Path, *, pause: Pause | None = None, incremental: bool = True,
    delta: SnapshotDelta | None = None, bucketed: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[PublishResult, dict[str, int]]:
    """Publish the snapshot (schema ``main``: marts, dimensions, ingest_quarantine) and a Parquet export
    of every table in it together, or neither; Parquet files of tables it no longer holds are removed.

    The new snapshot is built in a temp file; the marts are exported from it into a temp folder
    inside ``export_dir``; only when both are complete are the Parquet files moved into place
    and the snapshot swapped in (renames in the same folders, nothing left to fail). A failure
    before that leaves the previous snapshot and the previous exports as they were. ``pause`` as
    for :func:`publish_snapshot`, plus ``"exports_ready"``; ``incremental`` and ``delta`` as for
    :func:`publish_snapshot`. The tables of ``bucketed`` (table -> the columns that group its rows) are exported as
    folders of buckets (:mod:`pipelines.warehouse.exports`), of which a publish by region rewrites the changed ones.
    """
    export_dir = Path(export_dir).resolve()
    export_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def export_then_move(tmp_snapshot: Path, context: SwapContext) -> None:
        marts = {name: MartBuckets(columns=tuple(columns), snapshot=context.identity, base=context.base,
                                   changed=context.changed_buckets.get(name))
                 for name, columns in (bucketed or {}).items()}
        with _exclusive_lock(export_dir / ".export.lock"):
            counts.update(_export_and_move(tmp_snapshot, export_dir, None, prune=True, pause=pause, marts=marts))

    result = publish_snapshot(warehouse, published, before_swap=export_then_move, pause=pause, incremental=incremental,
                              delta=delta)
    return result, counts


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# --- internals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergedTable:
    """A table merged into the previous snapshot's copy row by row instead of copied whole.

    ``large`` is its one large column, left out of the row comparison because the other columns identify
    it (``content_sha256`` the text). ``key`` picks single rows: DuckDB compresses a long text column in
    vectors of 2,048 rows, so reading one text decompresses its vector (about 0.2 s), and reading the
    new rows by an equality filter on the key touches only their vectors.
    """

    large: str
    key: str


MERGED_TABLES: dict[str, MergedTable] = {"dim_report": MergedTable(large="report_text", key="report_id")}

# Up to this many new rows are inserted one by one (an equality filter on the key, which DuckDB pushes into the
# scan), each reading one block of the source's texts; more than that, and one scan of the whole source is cheaper.
_ROW_BY_ROW_INSERTS = 8


@dataclass
class _Copied:
    counts: dict[str, int]
    views: list[str]
    updated_by_region: list[str]
    changed_buckets: dict[str, frozenset[int]] = field(default_factory=dict)


def _copy_into(
    warehouse: Path, tmp: Path, schemas: tuple[str, ...], storage_version: str | None, pause: Pause | None = None,
    previous: Path | None = None, by_region: SnapshotDelta | None = None,
) -> _Copied:
    """Copy the schemas of ``warehouse`` into a new DuckDB file ``tmp``; checkpoint and close it.

    With ``previous`` (the current snapshot) ``tmp`` starts as a copy of it: relations the warehouse no
    longer has are dropped, :data:`MERGED_TABLES` are merged (:func:`_merge_table`), the tables of ``by_region``
    (whose base ``previous`` is) updated by region (:func:`_update_by_region`), all others replaced.
    """
    if previous is not None:
        shutil.copyfile(previous, tmp)
    by_region = by_region if previous is not None else None
    con = connect_duckdb(memory_limit=publish_memory_limit(), preserve_insertion_order=False)
    try:
        con.execute(f"ATTACH {quote_literal(str(warehouse))} AS {_SRC} (READ_ONLY)")
        options = f" (STORAGE_VERSION {quote_literal(storage_version)})" if storage_version else ""
        con.execute(f"ATTACH {quote_literal(str(tmp))} AS {_DST}{options}")
        relations = _relations(con, _SRC, schemas)
        comments = _column_comments(con, _SRC, schemas)
        not_null = _not_null_columns(con, _SRC, schemas)
        existing = _relations(con, _DST, schemas) if previous is not None else {}
        if by_region is not None:
            _changed_regions_table(con, by_region.regions)
        views: list[str] = []
        updated: list[str] = []
        changed_buckets: dict[str, frozenset[int]] = {}
        con.execute("BEGIN TRANSACTION")
        for schema, name in sorted(set(existing) - set(relations)):
            con.execute(f"DROP TABLE {_DST}.{quote_ident(schema)}.{quote_ident(name)}")
        for schema in sorted({s for (s, _n) in relations}):
            if schema != "main":
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {_DST}.{quote_ident(schema)}")
        for i, ((schema, name), (kind, comment)) in enumerate(sorted(relations.items())):
            rel = f"{quote_ident(schema)}.{quote_ident(name)}"
            spec = MERGED_TABLES.get(name) if storage_version is None else None
            groups = by_region.tables.get(_key(schema, name)) if by_region is not None else None
            # merged into the previous snapshot's table (row by row, or by region) when its columns are the source's
            mergeable = (spec is not None or groups is not None) and (schema, name) in existing
            columns = _columns(con, _SRC, schema, name) if mergeable else []
            merged = mergeable and columns == _columns(con, _DST, schema, name)
            if merged and spec is not None:
                _merge_table(con, rel, [c for c, _t in columns if c != spec.large], spec.key)
            elif merged and groups is not None:
                changed_buckets[_key(schema, name)] = _update_by_region(con, rel, groups)
                updated.append(_key(schema, name))
            else:
                con.execute(f"DROP TABLE IF EXISTS {_DST}.{rel}")
                con.execute(f"CREATE TABLE {_DST}.{rel} AS SELECT * FROM {_SRC}.{rel}")
                for column in not_null.get((schema, name), []):
                    con.execute(f"ALTER TABLE {_DST}.{rel} ALTER COLUMN {quote_ident(column)} SET NOT NULL")
            if kind == "view":
                views.append(_key(schema, name))
            if comment or merged:
                con.execute(f"COMMENT ON TABLE {_DST}.{rel} IS {quote_literal(comment) if comment else 'NULL'}")
            described = dict(comments.get((schema, name), []))
            for column, _type in columns if merged else described.items():
                text = described.get(column)
                if text or merged:
                    con.execute(f"COMMENT ON COLUMN {_DST}.{rel}.{quote_ident(column)} IS "
                                f"{quote_literal(text) if text else 'NULL'}")
            if i == 0:
                pause_at(pause, "copying")
        con.execute("COMMIT")
        con.execute(f"DETACH {_SRC}")  # release the building warehouse as early as possible
        counts = {
            _key(schema, name): int(
                con.execute(
                    f"SELECT count(*) FROM {_DST}.{quote_ident(schema)}.{quote_ident(name)}"
                ).fetchone()[0]
            )
            for (schema, name) in sorted(relations)
        }
        con.execute(f"CHECKPOINT {_DST}")
        con.execute(f"DETACH {_DST}")
    finally:
        con.close()
    return _Copied(counts=counts, views=views, updated_by_region=updated, changed_buckets=changed_buckets)


_CHANGED_REGIONS = "__govreport_changed_regions"


def _changed_regions_table(con: duckdb.DuckDBPyConnection, regions: list[tuple[str, str]]) -> None:
    """A temp table of the regions whose rows a publish by region replaces."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_CHANGED_REGIONS} (region VARCHAR, region_level VARCHAR)")
    if regions:
        con.executemany(f"INSERT INTO {_CHANGED_REGIONS} VALUES (?, ?)", [list(r) for r in regions])


def _update_by_region(con: duckdb.DuckDBPyConnection, rel: str, groups: tuple[str, ...]) -> frozenset[int]:
    """Replace the row groups of ``_DST.rel`` that hold a row of a changed region (before or after) with the
    source's rows of those groups; groups are rows equal on the ``groups`` columns (NULLs equal). Returns the
    export bucket numbers of the replaced groups."""
    keys = ", ".join(quote_ident(c) for c in groups)
    in_changed = f"(region, region_level) IN (SELECT region, region_level FROM {_CHANGED_REGIONS})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE __govreport_groups AS "
                f"SELECT DISTINCT {keys} FROM {_DST}.{rel} WHERE {in_changed} "
                f"UNION SELECT DISTINCT {keys} FROM {_SRC}.{rel} WHERE {in_changed}")
    same = " AND ".join(f"t.{quote_ident(c)} IS NOT DISTINCT FROM g.{quote_ident(c)}" for c in groups)
    in_groups = f"EXISTS (SELECT 1 FROM __govreport_groups AS g WHERE {same})"
    con.execute(f"DELETE FROM {_DST}.{rel} AS t WHERE {in_groups}")
    con.execute(f"INSERT INTO {_DST}.{rel} BY NAME SELECT t.* FROM {_SRC}.{rel} AS t WHERE {in_groups}")
    buckets = con.execute(f"SELECT DISTINCT {mart_bucket_sql(groups)} FROM __govreport_groups").fetchall()
    con.execute("DROP TABLE __govreport_groups")
    return frozenset(int(b) for (b,) in buckets)


def _merge_table(con: duckdb.DuckDBPyConnection, rel: str, compared: list[str], key: str) -> None:
    """Make ``_DST.rel`` hold the rows of ``_SRC.rel``: delete its rows the source lacks, insert the source's
    new rows. Rows are compared on the ``compared`` columns (NULLs equal); the large column is read only for
    the rows inserted when they are few (one by one on ``key``; see :data:`_ROW_BY_ROW_INSERTS`)."""
    same = " AND ".join(f"d.{quote_ident(c)} IS NOT DISTINCT FROM s.{quote_ident(c)}" for c in compared)
    con.execute(f"DELETE FROM {_DST}.{rel} AS d WHERE NOT EXISTS (SELECT 1 FROM {_SRC}.{rel} AS s WHERE {same})")
    new = f"FROM {_SRC}.{rel} AS s WHERE NOT EXISTS (SELECT 1 FROM {_DST}.{rel} AS d WHERE {same})"
    keys = con.execute(f"SELECT DISTINCT s.{quote_ident(key)} {new}").fetchall()
    if len(keys) > _ROW_BY_ROW_INSERTS or any(k is None for (k,) in keys):
        con.execute(f"INSERT INTO {_DST}.{rel} BY NAME SELECT s.* {new}")
        return
    for (value,) in keys:
        con.execute(f"INSERT INTO {_DST}.{rel} BY NAME SELECT s.* {new} AND s.{quote_ident(key)} = ?", [value])


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, name: str) -> list[tuple[str, str]]:
    """``(column, type)`` of a table or view, in order."""
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ? ORDER BY column_index", [catalog, schema, name]).fetchall()


def _key(schema: str, name: str) -> str:
    return name if schema == "main" else f"{schema}.{name}"


def _relations(
    con: duckdb.DuckDBPyConnection, catalog: str, schemas: tuple[str, ...]
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(schema, name) -> (``table`` | ``view``, comment) for user relations of ``catalog``."""
    rows = con.execute(
        """
        SELECT schema_name, table_name, 'table', comment FROM duckdb_tables()
        WHERE database_name = ? AND list_contains(?, schema_name) AND NOT temporary
        UNION ALL
        SELECT schema_name, view_name, 'view', comment FROM duckdb_views()
        WHERE database_name = ? AND list_contains(?, schema_name) AND NOT internal AND NOT temporary
        """,
        [catalog, list(schemas), catalog, list(schemas)],
    ).fetchall()
    return {(s, n): (k, c) for (s, n, k, c) in rows}


def _column_comments(
    con: duckdb.DuckDBPyConnection, catalog: str, schemas: tuple[str, ...]
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    rows = con.execute(
        """
        SELECT schema_name, table_name, column_name, comment FROM duckdb_columns()
        WHERE database_name = ? AND list_contains(?, schema_name) AND comment IS NOT NULL
          AND comment <> ''
        ORDER BY schema_name, table_name, column_index
        """,
        [catalog, list(schemas)],
    ).fetchall()
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, comment in rows:
        out.setdefault((schema, table), []).append((column, comment))
    return out


def _not_null_columns(
    con: duckdb.DuckDBPyConnection, catalog: str, schemas: tuple[str, ...]
) -> dict[tuple[str, str], list[str]]:
    rows = con.execute(
        """
        SELECT c.schema_name, c.table_name, c.column_name FROM duckdb_columns() c
        JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
        WHERE c.database_name = ? AND list_contains(?, c.schema_name) AND NOT c.is_nullable
        ORDER BY c.schema_name, c.table_name, c.column_index
        """,
        [catalog, list(schemas)],
    ).fetchall()
    out: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        out.setdefault((schema, table), []).append(column)
    return out


@contextlib.contextmanager
def _exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path``; the OS releases it if the process dies."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_stale_temps(published: Path) -> None:
    """Delete temp files left by killed publishes (safe: called while holding the publish lock)."""
    for stale in published.parent.glob(f"{published.name}.tmp-*"):
        remove_quietly(stale)
