"""How much memory DuckDB may use in this process: one setting for every connection and for dbt.

DuckDB's own default limit is 80% of the machine's memory, and it keeps pages cached up to it, so a
pipeline process grew with the warehouse (1.6–1.9 GB at 10,000 reports, 8 GB at 50,000).
``GOVREPORT_DUCKDB_MEMORY_LIMIT`` (a DuckDB size such as ``2GB``, or ``80%`` for DuckDB's default)
caps it for every pipeline connection and for dbt (which reads the same variable in
``dbt_project/profiles.yml``); above the cap DuckDB spills to a temporary folder.

The default is 512MB. DuckDB keeps pages cached up to the limit, so ``dbt build``, the step that
sets the process's peak, peaks at what the process already holds plus the limit. Measured on
2026-12-01: at 10,000 reports dbt peaked at 1,000 MB under 512MB and at 934 MB under 384MB (15.6 s
against 13.0 s); at 50,000 reports three dbt models and the provenance test ran out of memory under
384MB (four threads), where 512MB passed. Under 256MB three models ran out at 10,000 already.
Raise it on a machine with memory to spare when big queries should not spill.

Unless the variable is set, the load and the publish, which stream, run under less
(:data:`DEFAULT_LOAD_MEMORY_LIMIT`, :data:`DEFAULT_PUBLISH_MEMORY_LIMIT`): dbt's peak then sets the process's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

DEFAULT_MEMORY_LIMIT = "512MB"  # flat in the number of reports; see the module docstring
# The load only appends and deletes by key, in transactions of 1,000 partitions: half the default is
# enough for it (10,000 reports loaded alone: peak 583 MB under 256MB, 822 MB under 512MB, no slower), where
# dbt's four threads and the publish's Parquet export of the texts run out of memory under 256MB.
DEFAULT_LOAD_MEMORY_LIMIT = "256MB"
# The publish copies tables and streams Parquet in 32MB row groups: 10,000 reports published alone peak at
# 462 MB under 384MB against 586 MB under 512MB, no slower; under 256MB the export of the texts runs out.
DEFAULT_PUBLISH_MEMORY_LIMIT = "384MB"


def memory_limit() -> str:
    """DuckDB's ``memory_limit`` for this process: ``GOVREPORT_DUCKDB_MEMORY_LIMIT``, else :data:`DEFAULT_MEMORY_LIMIT`."""
    return os.environ.get("GOVREPORT_DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT


def load_memory_limit() -> str:
    """DuckDB's ``memory_limit`` for the load: ``GOVREPORT_DUCKDB_MEMORY_LIMIT`` when set, else
    :data:`DEFAULT_LOAD_MEMORY_LIMIT`."""
    return os.environ.get("GOVREPORT_DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_LOAD_MEMORY_LIMIT


def publish_memory_limit() -> str:
    """DuckDB's ``memory_limit`` for the publish: ``GOVREPORT_DUCKDB_MEMORY_LIMIT`` when set, else
    :data:`DEFAULT_PUBLISH_MEMORY_LIMIT`."""
    return os.environ.get("GOVREPORT_DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_PUBLISH_MEMORY_LIMIT


def spill_directory() -> Path:
    """Where in-memory connections spill above the limit: a folder in the system's temp directory.

    A connection to a database file spills beside that file (``<file>.tmp``); an in-memory one that
    attaches files (the publish copy, read-only readers) would spill into ``.tmp`` in the working
    directory, which may be a checkout or a disk meant for something else.
    """
    return Path(tempfile.gettempdir()) / "govreport-duckdb-spill"


def duckdb_config(in_memory: bool = False) -> dict[str, str]:
    """The ``config`` every pipeline connection opens DuckDB with (``in_memory``: a ``:memory:`` one)."""
    config = {"memory_limit": memory_limit()}
    if in_memory:
        config["temp_directory"] = str(spill_directory())
    return config


def connect_duckdb(database: str = ":memory:", **settings: object) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection as every pipeline connection is opened: :func:`duckdb_config` (for ``:memory:``
    with the spill folder), overridden by ``settings``, and DuckDB's progress bar off.

    The bar draws on the terminal for any query over two seconds (a large load's deletes, the publish's
    exports), in the middle of ``govreport run``'s stage lines. Its settings are per connection, which
    DuckDB refuses in ``config``. Printing is switched off too, because setting ``progress_bar_time``
    switches the bar itself back on.
    """
    con = duckdb.connect(database, config={**duckdb_config(in_memory=database == ":memory:"), **settings})
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET enable_progress_bar_print = false")
    except BaseException:
        con.close()
        raise
    return con
