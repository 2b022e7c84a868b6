"""The per-report work, as plain functions: read a file, extract facts and keywords.

Dagster assets and the CLI call these; they know nothing of Dagster or DuckDB.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.extract import extract_facts
from pipelines.extract.facts import EXTRACTOR_VERSION
from pipelines.extract.keywords import count_keywords
from pipelines.ingest import read_report


def ingest_payload(path: Path, root: Path | None, partition_key: str) -> dict:
    """Read one report file into the staged ingest payload (document or quarantine reasons)."""
    outcome = read_report(path, root)
    return {
        "partition_key": partition_key,
        "source_path": str(path),
        "document": outcome.document.to_dict() if outcome.document is not None else None,
        "issues": [issue.to_dict() for issue in outcome.issues],
    }


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
