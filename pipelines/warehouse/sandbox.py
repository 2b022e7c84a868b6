"""A sandboxed, read-only DuckDB connection for ad-hoc SQL (``govreport query``).

The connection opens one database file read-only and then cannot reach anything else: no reading
or writing of other files (``COPY … TO``, ``read_csv``, ``ATTACH``), no installing or loading of
extensions, and the configuration is locked so the SQL cannot switch any of that back on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SANDBOX_CONFIG: dict[str, str | bool] = {
    "access_mode": "READ_ONLY",
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "lock_configuration": True,
}


def connect_sandboxed(path: Path) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only with external access, extensions and configuration changes disabled."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    return duckdb.connect(str(path), read_only=True, config=dict(SANDBOX_CONFIG))
