"""How much memory DuckDB may use in this process: one setting for every connection and for dbt.

DuckDB's default limit is 80% of the machine's memory, and it keeps pages cached up to it, so a
pipeline process grows with the warehouse (1.5 GB at 5,000 reports). ``GOVREPORT_DUCKDB_MEMORY_LIMIT``
(a DuckDB size such as ``2GB``) caps it for every pipeline connection and for dbt (which reads the
same variable in ``dbt_project/profiles.yml``); above the cap DuckDB spills to a temporary folder
beside the database.

Why the default stays DuckDB's own (written ``80%``): a cap that is too small fails the build
instead of slowing it. Measured on 2026-11-30 at 10,000 reports, the provenance test
(``quote_matches_text``: every fact's quote against its report's text) hash-joins all report texts
(about 80 KB each): under 512MB it ran out of memory; under 1GB a build alone passed (process peak
1.19 GB) but failed inside a full run, where other models ran beside it. A cap is for a machine
whose memory is known to be short, set with the warehouse's size in mind.
"""

from __future__ import annotations

import os

DEFAULT_MEMORY_LIMIT = "80%"  # DuckDB's own default: 80% of the machine's memory


def memory_limit() -> str:
    """DuckDB's ``memory_limit`` for this process: ``GOVREPORT_DUCKDB_MEMORY_LIMIT``, else DuckDB's default."""
    return os.environ.get("GOVREPORT_DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT


def duckdb_config() -> dict[str, str]:
    """The ``config`` every pipeline connection opens DuckDB with."""
    return {"memory_limit": memory_limit()}
