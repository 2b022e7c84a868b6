"""Whether the marts already reflect the raw tables: the inputs of the last published dbt build.

A ``dbt build`` is the fixed cost of every run (most of a run that loaded nothing). Its inputs are
the raw tables and the dbt project, so the build is skipped when both are what the last build that
also reached the published snapshot had: same partitions with the same staged hashes and statuses
(``raw.load_state``), same corrections rows, same project files. A failed build or a failed publish
records nothing, so the next run builds again; a run can always force a build (see the run tag in
:mod:`pipelines.defs.warehouse_assets`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb

FORCE_BUILD_TAG = "govreport/force_build"  # run tag: build even when the inputs are unchanged

BUILD_STATE_DDL = """
    CREATE TABLE IF NOT EXISTS raw.build_state (
        inputs_digest  VARCHAR NOT NULL,   -- raw inputs + dbt project files of the build
        built_at       TIMESTAMP NOT NULL,
        published_at   TIMESTAMP           -- NULL until that build's snapshot was published
    )"""
# added later: what an incremental build must match (project files, corrections) to build on the last one, and
# the snapshot a publish may update region by region (see publish_delta)
_BUILD_STATE_COLUMNS = ("project_fingerprint", "corrections_digest", "delta_base")

# Regions whose marts changed since the last publish: the pending regions of every complete incremental build
# since then. A publish that updates the previous snapshot replaces these regions' rows (see publish_delta).
UNPUBLISHED_REGIONS_DDL = """
    CREATE TABLE IF NOT EXISTS raw.unpublished_regions (
        region        VARCHAR NOT NULL,
        region_level  VARCHAR NOT NULL
    )"""


def corrections_digest(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the corrections rows as loaded (not their load time)."""
    digest = hashlib.sha256()
    for row in con.execute(
        "SELECT * EXCLUDE (loaded_at) FROM raw.corrections ORDER BY source_path, line_no"
    ).fetchall():
        digest.update(repr(row).encode() + b"\x1e")
    return digest.hexdigest()


def inputs_digest(con: duckdb.DuckDBPyConnection, project_fingerprint: str) -> str:
    """A digest of everything a ``dbt build`` reads: the loaded partitions' hashes, the corrections, the project."""
    digest = hashlib.sha256(project_fingerprint.encode())
    for row in con.execute(
        "SELECT partition_key, stage_sha, status FROM raw.load_state ORDER BY partition_key"
    ).fetchall():
        digest.update("\x1f".join(map(str, row)).encode() + b"\x1e")
    digest.update(b"\x1d" + corrections_digest(con).encode())
    return digest.hexdigest()


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(BUILD_STATE_DDL)
    con.execute(UNPUBLISHED_REGIONS_DDL)
    for column in _BUILD_STATE_COLUMNS:
        con.execute(f"ALTER TABLE raw.build_state ADD COLUMN IF NOT EXISTS {column} VARCHAR")


def full_build_reason(con: duckdb.DuckDBPyConnection, project_fingerprint: str) -> str | None:
    """Why the next ``dbt build`` must rebuild every mart instead of only the pending regions (None: it need not).

    The incremental marts hold the last complete build's rows; they can be brought up to date region by
    region only when that build used the same dbt project files and the same corrections.
    """
    _ensure(con)
    row = con.execute("SELECT project_fingerprint, corrections_digest FROM raw.build_state").fetchone()
    if row is None or row[0] is None:
        return "no complete build recorded"
    if row[0] != project_fingerprint:
        return "the dbt project changed"
    if row[1] != corrections_digest(con):
        return "the corrections changed"
    return None


def pending_region_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many regions the loads since the last complete build touched (``raw.pending_regions``)."""
    return int(con.execute("SELECT count(*) FROM raw.pending_regions").fetchone()[0])


def is_published(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    """True when the last build had these inputs and its snapshot was published."""
    _ensure(con)
    row = con.execute("SELECT inputs_digest, published_at FROM raw.build_state").fetchone()
    return row is not None and row[0] == digest and row[1] is not None


def record_build(con: duckdb.DuckDBPyConnection, digest: str, project_fingerprint: str | None = None,
                 *, full: bool = False) -> None:
    """Record a successful complete build of these inputs (not yet published); the pending regions are done.

    ``project_fingerprint`` (with the corrections as loaded now) is what the next build must match to be
    incremental (:func:`full_build_reason`). The pending regions of an incremental build are kept as
    unpublished until the next publish; a ``full`` build changed every mart, so the next publish copies them
    whole (:func:`publish_delta` returns None until a publish records a new base).
    """
    _ensure(con)
    con.execute("BEGIN TRANSACTION")
    base = None if full else _delta_base(con)
    if full:
        con.execute("DELETE FROM raw.unpublished_regions")
    else:
        con.execute("INSERT INTO raw.unpublished_regions SELECT DISTINCT region, region_level FROM raw.pending_regions "
                    "EXCEPT SELECT region, region_level FROM raw.unpublished_regions")
    con.execute("DELETE FROM raw.build_state")
    con.execute("INSERT INTO raw.build_state (inputs_digest, built_at, published_at, project_fingerprint, "
                "corrections_digest, delta_base) VALUES (?, now(), NULL, ?, ?, ?)",
                [digest, project_fingerprint, corrections_digest(con), base])
    con.execute("DELETE FROM raw.pending_regions")
    con.execute("COMMIT")


def forget_delta_base(con: duckdb.DuckDBPyConnection) -> None:
    """The marts are about to change beyond the pending regions (a full build starts): the next publish copies
    every table whole, even if this build fails half-way."""
    _ensure(con)
    con.execute("UPDATE raw.build_state SET delta_base = NULL")


@dataclass(frozen=True)
class PublishDelta:
    """What a publish may do instead of copying every mart: update the snapshot ``base`` (the identity of the
    file the last publish swapped in) by replacing the rows of ``regions``, the regions whose marts changed since."""

    base: str
    regions: list[tuple[str, str]]


def publish_delta(con: duckdb.DuckDBPyConnection) -> PublishDelta | None:
    """The regions changed since the last publish, and the identity of that publish's file; None when the marts may
    have changed elsewhere too (a full build since, or nothing published yet), and the publish copies them whole.

    The regions are the unpublished regions of the complete builds since that publish, plus the pending regions
    of a build that did not complete (a failed or partial build may have rebuilt some of their rows).
    """
    _ensure(con)
    base = _delta_base(con)
    if base is None:
        return None
    regions = con.execute("SELECT region, region_level FROM raw.unpublished_regions UNION "
                          "SELECT region, region_level FROM raw.pending_regions ORDER BY ALL").fetchall()
    return PublishDelta(base=base, regions=[(r, lv) for r, lv in regions])


def _delta_base(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT delta_base FROM raw.build_state").fetchone()
    return row[0] if row else None


def record_published(con: duckdb.DuckDBPyConnection, snapshot_id: str | None = None) -> None:
    """Mark the last recorded build as published (the snapshot now holds its marts).

    ``snapshot_id`` identifies the file the publish swapped in (``publish.snapshot_identity``): the next publish
    may update that file region by region (:func:`publish_delta`); the unpublished regions are then published.
    """
    _ensure(con)
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE raw.build_state SET published_at = now(), delta_base = ?", [snapshot_id])
    con.execute("DELETE FROM raw.unpublished_regions")
    con.execute("COMMIT")
