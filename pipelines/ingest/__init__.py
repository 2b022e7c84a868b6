"""Ingestion: report files -> normalised text with region / level / year, or a quarantine record.

Pure Python (no Dagster, no DuckDB): the Dagster assets and the CLI call these functions.
"""

from .discover import SUPPORTED_SUFFIXES, discover_report_files, partition_key_for
from .model import LEVELS, IngestOutcome, QuarantineRecord, ReportDocument
from .normalise import normalise_text
from .reader import content_hash, read_report

__all__ = [
    "LEVELS",
    "SUPPORTED_SUFFIXES",
    "IngestOutcome",
    "QuarantineRecord",
    "ReportDocument",
    "content_hash",
    "discover_report_files",
    "normalise_text",
    "partition_key_for",
    "read_report",
]
