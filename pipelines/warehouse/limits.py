"""How much memory DuckDB may use in this process: one setting for every connection and for dbt.

DuckDB's default limit is 80% of the machine's memory, and it keeps pages cached up to that limit,
so a pipeline process grew with the warehouse (1.5 GB at 5,000 reports, mostly DuckDB's buffers in
the load and the publish). With a limit DuckDB spills to a temporary folder beside the database
instead. ``GOVREPORT_DUCKDB_MEMORY_LIMIT`` (a DuckDB size such as ``512MB`` or ``2GB``) overrides
the default; dbt reads the same variable in ``dbt_project/profiles.yml``.

Why 1GB: at 10,000 reports the provenance test (``quote_matches_text``: every fact's quote against
its report's text) hash-joins the report texts (about 80 KB each), and DuckDB could not finish it
under 512MB (out of memory, measured 2026-11-30); under 1GB the whole build passes with a process
peak of 1.19 GB.
"""

from __future__ import annotations

import os

DEFAULT_MEMORY_LIMIT = "1GB"


def memory_limit() -> str:
    """DuckDB's ``memory_limit`` for this process: ``GOVREPORT_DUCKDB_MEMORY_LIMIT`` or 1GB."""
    return os.environ.get("GOVREPORT_DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT


def duckdb_config() -> dict[str, str]:
    """The ``config`` every pipeline connection opens DuckDB with."""
    return {"memory_limit": memory_limit()}
