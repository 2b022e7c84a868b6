"""The per-report work, as plain functions: read a file, extract facts and keywords.

Dagster assets and the CLI call these; they know nothing of Dagster or DuckDB.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.extract import extract_facts
from pipelines.extract.facts import EXTRACTOR_VERSION
from pipelines.ingest import read_report
from pipelines.keywords import count_keywords


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
