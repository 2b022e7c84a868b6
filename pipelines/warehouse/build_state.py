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

import duckdb

FORCE_BUILD_TAG = "govreport/force_build"  # run tag: build even when the inputs are unchanged

BUILD_STATE_DDL = """
    CREATE TABLE IF NOT EXISTS raw.build_state (
        inputs_digest  VARCHAR NOT NULL,   -- raw inputs + dbt project files of the build
        built_at       TIMESTAMP NOT NULL,
        published_at   TIMESTAMP           -- NULL until that build's snapshot was published
    )"""


def inputs_digest(con: duckdb.DuckDBPyConnection, project_fingerprint: str) -> str:
    """A digest of everything a ``dbt build`` reads: the loaded partitions' hashes, the corrections, the project."""
    digest = hashlib.sha256(project_fingerprint.encode())
    for row in con.execute(
        "SELECT partition_key, stage_sha, status FROM raw.load_state ORDER BY partition_key"
    ).fetchall():
        digest.update("\x1f".join(map(str, row)).encode() + b"\x1e")
    digest.update(b"\x1d")
    for row in con.execute(
        "SELECT * EXCLUDE (loaded_at) FROM raw.corrections ORDER BY source_path, line_no"
    ).fetchall():
        digest.update(repr(row).encode() + b"\x1e")
    return digest.hexdigest()


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(BUILD_STATE_DDL)


def is_published(con: duckdb.DuckDBPyConnection, digest: str) -> bool:
    """True when the last build had these inputs and its snapshot was published."""
    _ensure(con)
    row = con.execute("SELECT inputs_digest, published_at FROM raw.build_state").fetchone()
    return row is not None and row[0] == digest and row[1] is not None


def record_build(con: duckdb.DuckDBPyConnection, digest: str) -> None:
    """Record a successful build of these inputs (not yet published)."""
    _ensure(con)
    con.execute("DELETE FROM raw.build_state")
    con.execute("INSERT INTO raw.build_state VALUES (?, now(), NULL)", [digest])


def record_published(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the last recorded build as published (the snapshot now holds its marts)."""
    _ensure(con)
    con.execute("UPDATE raw.build_state SET published_at = now()")
