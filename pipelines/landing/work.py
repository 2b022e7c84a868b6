"""The per-report work, as plain functions: read a file, extract facts and keywords.

Dagster assets and the CLI call these; they know nothing of Dagster or DuckDB.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.extract import extract_facts
from pipelines.extract.facts import EXTRACTOR_VERSION
from pipelines.extract.keywords import count_keywords
from pipelines.ingest import read_report
from pipelines.landing.unchanged import (
    bytes_sha256,
    inside_root,
    now_ns,
    read_source,
    refreshed_record,
    source_record,
    take_fingerprint,
)

# Bump when what ingest stages changes in a way the digest of its sources cannot see
# (pipelines/landing/versions.py): every report is then read again on the next run.
INGEST_VERSION = "1"


def ingest_payload(path: Path, root: Path | None, partition_key: str, data: bytes | None = None) -> dict:
    """Read one report file into the staged ingest payload (document or quarantine reasons).

    ``data``: the file's bytes when already read (else the file is read here).
    """
    outcome = read_report(path, root, data=data)
    return {
        "partition_key": partition_key,
        "source_path": str(path),
        "document": outcome.document.to_dict() if outcome.document is not None else None,
        "issues": [issue.to_dict() for issue in outcome.issues],
    }


def ingest_file(
    path: Path, root: Path, partition_key: str, record: dict | None, version: str,
) -> tuple[dict | None, dict | None]:
    """Ingest one report file unless its bytes are those ``record`` was made from.

    Returns ``(payload, record)``: ``(None, refreshed record)`` when ``record`` is given and the
    file's sha256 equals its ``bytes_sha256`` (the staged document stays); else the new staged
    payload and the record to keep beside it (None when the file could not be read: it is read
    again next time). A file is read once, and never when it lies outside ``root``.
    """
    checked_at = now_ns()
    fingerprint = take_fingerprint(path)
    data = None
    if fingerprint is not None and inside_root(fingerprint.real_path, root):
        try:
            data = read_source(path)
        except OSError:
            data = None  # read_report reads again and says why it cannot
    if data is None:
        return ingest_payload(path, root, partition_key), None
    sha = bytes_sha256(data)
    if record is not None and record.get("bytes_sha256") == sha:
        return None, refreshed_record(record, fingerprint, checked_at)
    payload = ingest_payload(path, root, partition_key, data)
    return payload, source_record(path, root, fingerprint, checked_at, sha, version, payload)


def extraction_payload(document: dict | None) -> dict:
    """Extract indicator facts and keyword counts from a staged document (empty when rejected)."""
    if document is None:
        return {"facts": [], "keywords": [], "extractor_version": EXTRACTOR_VERSION}
    facts = extract_facts(
        document["text"],
        region=document["region"],
        region_level=document["region_level"],
        report_year=document["report_year"],
    )
    keywords = count_keywords(document["text"])
    return {
        "facts": [f.to_dict() for f in facts],
        "keywords": [
            {"keyword": k.keyword, "keyword_source": k.keyword_source, "occurrences": k.occurrences}
            for k in keywords
        ],
        "extractor_version": EXTRACTOR_VERSION,
    }


def timeout_ingest_payload(path: Path, partition_key: str, seconds: float) -> dict:
    """The staged ingest payload of a file whose reading ran over its time budget (quarantined as ``timeout``)."""
    return {
        "partition_key": partition_key,
        "source_path": str(path),
        "document": None,
        "issues": [{
            "source_path": str(path), "reason_code": "timeout", "severity": "rejected",
            "reason": f"reading the file took longer than the {seconds:g}s budget per report; set aside",
            "detected_encoding": None, "size_bytes": None, "first_chars": "", "duplicate_of": None,
        }],
    }


def timeout_extraction_payload(seconds: float) -> dict:
    """The staged extraction of a report whose extraction ran over its time budget: no facts, an error."""
    return {
        "facts": [],
        "keywords": [],
        "extractor_version": EXTRACTOR_VERSION,
        "error": {
            "reason_code": "timeout",
            "reason": f"extracting facts took longer than the {seconds:g}s budget per report; set aside",
        },
    }
