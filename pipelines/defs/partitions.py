"""One dynamic partition per report file; the key is the file's path relative to the reports folder."""

import dagster as dg

REPORTS_PARTITION = "reports"
report_partitions = dg.DynamicPartitionsDefinition(name=REPORTS_PARTITION)

# DuckDB allows a single writer: every step that writes the warehouse runs in this pool (limit 1).
WRITER_POOL = "duckdb_writer"
